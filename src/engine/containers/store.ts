// The container records: in memory for every read (ps, inspect never touch the disk), persisted
// per container as config.v2.json with atomic writes. Names and ID prefixes resolve as in Docker.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { atomicWriteJson, readJsonOrSkip } from '../../util/fs.js';
import { removeTree, sweepTree } from '../../util/remove-tree.js';
import { ConflictError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { ContainerRecord } from './types.js';
import { bestEffort } from '../../util/best-effort.js';

export const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export class ContainerStore {
  private byId = new Map<string, ContainerRecord>();
  private byName = new Map<string, string>();

  /** `sharedGid`: the remapped root's group (--userns-remap), which must pass through to the rootfs and /etc files. */
  constructor(
    readonly root: string,
    private readonly sharedGid?: number,
  ) {}

  dir(id: string): string {
    return path.join(this.root, id);
  }

  async load(): Promise<ContainerRecord[]> {
    await fsp.mkdir(this.root, { recursive: true, mode: 0o710 });
    if (this.sharedGid !== undefined) await fsp.chown(this.root, process.getuid?.() ?? 0, this.sharedGid);
    const loaded: ContainerRecord[] = [];
    for (const id of await fsp.readdir(this.root)) {
      if (id.startsWith('.removing-')) {
        await sweepTree(path.join(this.root, id), 'interrupted container removal');
        continue;
      }
      if (!/^[0-9a-f]{64}$/.test(id)) continue;
      const rec = await readJsonOrSkip<ContainerRecord>(path.join(this.root, id, 'config.v2.json'), 'container record');
      if (!rec) {
        // A container counts once its record exists; a directory without one is a failed create.
        await sweepTree(path.join(this.root, id), 'container directory without a record');
        continue;
      }
      this.byId.set(rec.id, rec);
      this.byName.set(rec.name, rec.id);
      loaded.push(rec);
    }
    return loaded;
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()];
  }

  /** Docker's lookup order: full ID, exact name, then unique ID prefix. */
  find(ref: string): ContainerRecord | undefined {
    if (!ref) return undefined;
    const full = this.byId.get(ref);
    if (full) return full;
    const byName = this.byName.get(ref.replace(/^\//, ''));
    if (byName) return this.byId.get(byName);
    if (!/^[0-9a-f]+$/.test(ref)) return undefined;
    let match: ContainerRecord | undefined;
    for (const [id, rec] of this.byId) {
      if (id.startsWith(ref)) {
        if (match) throw new InvalidArgumentError(`multiple IDs found with provided prefix: ${ref}`);
        match = rec;
      }
    }
    return match;
  }

  get(ref: string): ContainerRecord {
    const c = this.find(ref);
    if (!c) throw new NotFoundError(`No such container: ${ref}`);
    return c;
  }

  /** Throws Docker's 400 for an invalid name and 409 for one in use (or reserved) by another container. */
  checkName(name: string, forId?: string): void {
    if (!NAME_RE.test(name)) throw new InvalidArgumentError(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
    const owner = this.byName.get(name.replace(/^\//, ''));
    if (owner && owner !== forId) {
      throw new ConflictError(`Conflict. The container name "/${name.replace(/^\//, '')}" is already in use by container "${owner}". You have to remove (or rename) that container to be able to reuse that name.`);
    }
  }

  /**
   * Checks and reserves a name for container `id` in one synchronous step, so two creates (or a
   * create and a rename) cannot both take it across an await. The reservation becomes the
   * record's name at save; releaseName drops it when the create fails.
   */
  reserveName(name: string, id: string): void {
    this.checkName(name, id);
    this.byName.set(name.replace(/^\//, ''), id);
  }

  /** Whether a container has (or a create in progress has reserved) the name. */
  nameInUse(name: string): boolean {
    return this.byName.has(name.replace(/^\//, ''));
  }

  releaseName(name: string, id: string): void {
    if (this.byName.get(name) === id) this.byName.delete(name);
  }

  async save(rec: ContainerRecord): Promise<void> {
    const prev = this.byId.get(rec.id);
    if (prev && prev.name !== rec.name) this.byName.delete(prev.name);
    this.byId.set(rec.id, rec);
    this.byName.set(rec.name, rec.id);
    // 0710 root:<remapped gid> under --userns-remap, as dockerd's container directories.
    // (The rootfs may have made the directory first: the group is set whoever did.)
    await fsp.mkdir(this.dir(rec.id), { recursive: true, mode: 0o710 });
    if (this.sharedGid !== undefined) await fsp.chown(this.dir(rec.id), process.getuid?.() ?? 0, this.sharedGid);
    await atomicWriteJson(path.join(this.dir(rec.id), 'config.v2.json'), rec);
  }

  async rename(rec: ContainerRecord, newName: string): Promise<void> {
    if (this.byName.get(rec.name) === rec.id) this.byName.delete(rec.name);
    rec.name = newName;
    await this.save(rec);
  }

  /** Forgets the record and deletes its directory (the rootfs must be unmounted first). */
  async delete(rec: ContainerRecord): Promise<void> {
    this.byId.delete(rec.id);
    if (this.byName.get(rec.name) === rec.id) this.byName.delete(rec.name);
    // Rename first so a crash mid-delete leaves no half-record that loads.
    const gone = path.join(this.root, `.removing-${rec.id}`);
    await bestEffort(fsp.rename(this.dir(rec.id), gone), `moving container record ${rec.id} aside`);
    await removeTree(gone);
    await removeTree(this.dir(rec.id));
  }
}
