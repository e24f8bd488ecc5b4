// Container-level steps of compose operations, each reporting compose's progress events:
// create, recreate (create aside, stop and remove the old one, rename), start, stop, remove.
import { PassThrough } from 'node:stream';
import type { ContainerCreateBody, ContainerSummary } from '../api-types/containers.js';
import { tarFromEntries } from '../archive/tar-directory.js';
import { isNotFound } from '../client/errors.js';
import { fileRefTarget } from './create-request.js';
import type { ServiceConfig } from './model.js';
import { canonicalName } from './naming.js';
import { containerId } from './progress.js';
import type { Session } from './session.js';

/** A created container as the rest of the operation tracks it. */
export function summaryOf(id: string, name: string, body: ContainerCreateBody): ContainerSummary {
  return { Id: id, Names: [`/${name}`], Image: body.Image ?? '', Created: Math.floor(Date.now() / 1000), Labels: body.Labels ?? {}, State: 'created' };
}

/** Secrets and configs from `environment`/`content` sources, copied into the container (compose's injectSecrets). */
async function injectFileRefs(s: Session, id: string, svc: ServiceConfig): Promise<void> {
  const files: { target: string; body: Buffer; mode: number }[] = [];
  for (const [kind, refs, defs] of [
    ['secret', svc.secrets, s.project.secrets],
    ['config', svc.configs, s.project.configs],
  ] as const) {
    for (const ref of refs ?? []) {
      const def = defs?.[ref.source];
      if (!def || (!def.environment && def.content === undefined)) continue;
      const value = def.content ?? process.env[def.environment!] ?? '';
      const mode = ref.mode ? parseInt(ref.mode, 8) : 0o444;
      files.push({ target: fileRefTarget(kind, ref), body: Buffer.from(value), mode });
    }
  }
  if (!files.length) return;
  const tar = tarFromEntries(files.map((f) => ({ entry: { path: f.target.replace(/^\//, ''), type: 'file' as const, mode: f.mode, size: f.body.length, mtime: Math.floor(Date.now() / 1000) }, body: f.body })));
  const body = new PassThrough();
  tar.pipe(body);
  await s.client.containers.putArchive(id, '/', body);
}

/** Creates a container under `name`; "Creating" → "Created". */
export async function createContainer(s: Session, svc: ServiceConfig, name: string, body: ContainerCreateBody, opts: { event?: boolean } = {}): Promise<ContainerSummary> {
  const ev = opts.event !== false;
  if (ev) s.progress({ id: containerId(name), status: 'working', text: 'Creating' });
  try {
    const r = await s.client.containers.create(body, { name });
    for (const w of r.Warnings ?? []) s.warn(w);
    await injectFileRefs(s, r.Id, svc);
    if (ev) s.progress({ id: containerId(name), status: 'done', text: 'Created' });
    return summaryOf(r.Id, name, body);
  } catch (e) {
    if (ev) s.progress({ id: containerId(name), status: 'error', text: 'Error' });
    throw e;
  }
}

/** Replaces `old` by a container made from `body` under the same name (compose's recreateContainer). */
export async function recreateContainer(s: Session, svc: ServiceConfig, old: ContainerSummary, name: string, body: ContainerCreateBody, timeout?: number): Promise<ContainerSummary> {
  const oldName = canonicalName(old);
  s.progress({ id: containerId(oldName), status: 'working', text: 'Recreate' });
  const created = await createContainer(s, svc, `${old.Id.slice(0, 12)}_${name}`, body, { event: false });
  await s.client.containers.stop(old.Id, { timeout });
  await s.client.containers.remove(old.Id);
  await s.client.containers.rename(created.Id, name);
  s.progress({ id: containerId(oldName), status: 'done', text: 'Recreated' });
  return { ...created, Names: [`/${name}`] };
}

export async function startContainer(s: Session, c: ContainerSummary): Promise<void> {
  const name = canonicalName(c);
  s.progress({ id: containerId(name), status: 'working', text: 'Starting' });
  try {
    await s.client.containers.start(c.Id);
  } catch (e) {
    s.progress({ id: containerId(name), status: 'error', text: 'Error' });
    throw e;
  }
  s.progress({ id: containerId(name), status: 'done', text: 'Started' });
}

export async function stopContainer(s: Session, c: ContainerSummary, timeout?: number): Promise<void> {
  const name = canonicalName(c);
  s.progress({ id: containerId(name), status: 'working', text: 'Stopping' });
  try {
    await s.client.containers.stop(c.Id, { timeout });
  } catch (e) {
    if (!isNotFound(e)) {
      s.progress({ id: containerId(name), status: 'error', text: 'Error' });
      throw e;
    }
  }
  s.progress({ id: containerId(name), status: 'done', text: 'Stopped' });
}

export async function removeContainer(s: Session, c: ContainerSummary, opts: { volumes?: boolean; force?: boolean } = {}): Promise<void> {
  const name = canonicalName(c);
  s.progress({ id: containerId(name), status: 'working', text: 'Removing' });
  try {
    await s.client.containers.remove(c.Id, { volumes: opts.volumes, force: opts.force });
  } catch (e) {
    if (!isNotFound(e)) {
      s.progress({ id: containerId(name), status: 'error', text: 'Error' });
      throw e;
    }
  }
  s.progress({ id: containerId(name), status: 'done', text: 'Removed' });
}

/** Stops (when running) and removes: scale-down, down, --remove-orphans. */
export async function stopAndRemove(s: Session, c: ContainerSummary, opts: { timeout?: number; volumes?: boolean } = {}): Promise<void> {
  if (c.State === 'running' || c.State === 'paused' || c.State === 'restarting') await stopContainer(s, c, opts.timeout);
  await removeContainer(s, c, { volumes: opts.volumes, force: true });
}
