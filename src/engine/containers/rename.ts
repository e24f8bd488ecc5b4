// POST /containers/{id}/rename.
import { InvalidArgumentError } from '../errors.js';
import type { ContainerService } from './service.js';

export async function renameContainer(svc: ContainerService, ref: string, newName: string): Promise<void> {
  const rec = svc.get(ref);
  const n = newName.replace(/^\//, '');
  if (!n) throw new InvalidArgumentError('Neither old nor new names may be empty');
  if (n === rec.name) throw new InvalidArgumentError(`Renaming a container with the same name as its current name`);
  await svc.locked(rec, async () => {
    // store.rename takes the new name before its first await: a concurrent create or rename of it gets the 409.
    svc.store.checkName(n, rec.id);
    const old = rec.name;
    await svc.store.rename(rec, n);
    svc.emit(rec, 'rename', { oldName: '/' + old });
  });
}
