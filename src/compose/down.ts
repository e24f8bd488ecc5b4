// `down`, `stop`, `rm` and friends: containers handled in reverse dependency order (dependants
// first), then the project's networks, and with -v its volumes, with --rmi its images.
import type { ContainerSummary } from '../api-types/containers.js';
import { isNotFound } from '../client/errors.js';
import { removeContainer, stopAndRemove, stopContainer } from './containers.js';
import { walk } from './graph.js';
import { canonicalName, serviceImage, serviceOf } from './naming.js';
import { byService, projectContainers } from './observe.js';
import { containerId } from './progress.js';
import { removeNetworks, removeVolumes } from './resources.js';
import { isOrphanService, type Session } from './session.js';

/** Runs `fn` on each service's containers, dependants before their dependencies; others (orphans) last. */
export async function inReverseOrder(s: Session, containers: readonly ContainerSummary[], fn: (c: ContainerSummary) => Promise<void>): Promise<void> {
  const grouped = byService(containers);
  await walk(
    s.project.services,
    async (name) => {
      await Promise.all((grouped.get(name) ?? []).map(fn));
    },
    { reverse: true },
  );
  const rest = containers.filter((c) => !s.project.services[serviceOf(c)]);
  await Promise.all(rest.map(fn));
}

export interface DownOptions {
  volumes?: boolean;
  removeOrphans?: boolean;
  rmi?: 'all' | 'local';
  timeout?: number;
  services?: string[];
}

export async function down(s: Session, opts: DownOptions = {}): Promise<void> {
  const name = s.project.name;
  const all = await projectContainers(s.client, name, { oneOff: 'include', services: opts.services });
  const orphans = all.filter((c) => isOrphanService(s, serviceOf(c)));
  if (orphans.length && !opts.removeOrphans && !opts.services?.length) {
    s.warn(
      `Found orphan containers ([${orphans.map(canonicalName).join(' ')}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.`,
    );
  }
  const targets = opts.removeOrphans ? all : all.filter((c) => !isOrphanService(s, serviceOf(c)));
  await inReverseOrder(s, targets, (c) => stopAndRemove(s, c, { timeout: opts.timeout, volumes: opts.volumes }));
  if (opts.services?.length) return;
  const left = await projectContainers(s.client, name, { oneOff: 'include' });
  if (left.length === 0) await removeNetworks(s.client, name, s.progress);
  if (opts.volumes) await removeVolumes(s.client, name, s.progress);
  if (opts.rmi) await removeImages(s, opts.rmi);
}

/** --rmi: `local` removes images compose built (no `image:`), `all` every service image. */
async function removeImages(s: Session, which: 'all' | 'local'): Promise<void> {
  const refs = new Set<string>();
  for (const [name, svc] of Object.entries(s.project.services)) {
    if (which === 'local' && svc.image) continue;
    refs.add(serviceImage(s.project.name, name, svc));
  }
  for (const ref of refs) {
    s.progress({ id: `Image ${ref}`, status: 'working', text: 'Removing' });
    try {
      await s.client.images.remove(ref);
    } catch (e) {
      if (isNotFound(e)) continue;
      s.progress({ id: `Image ${ref}`, status: 'error', text: 'Error' });
      throw e;
    }
    s.progress({ id: `Image ${ref}`, status: 'done', text: 'Removed' });
  }
}

/** `stop`: running containers, dependants first. */
export async function stop(s: Session, services: readonly string[], timeout?: number): Promise<void> {
  const containers = await projectContainers(s.client, s.project.name, { services });
  await inReverseOrder(s, containers.filter((c) => c.State === 'running' || c.State === 'paused' || c.State === 'restarting'), (c) => stopContainer(s, c, timeout));
}

/** `rm`: stopped containers (all of them with `stop`). */
export async function rm(s: Session, services: readonly string[], opts: { stop?: boolean; volumes?: boolean; timeout?: number }): Promise<ContainerSummary[]> {
  let containers = await projectContainers(s.client, s.project.name, { services });
  if (opts.stop) await inReverseOrder(s, containers.filter((c) => c.State === 'running'), (c) => stopContainer(s, c, opts.timeout));
  else containers = containers.filter((c) => c.State !== 'running' && c.State !== 'paused' && c.State !== 'restarting');
  await Promise.all(containers.map((c) => removeContainer(s, c, { volumes: opts.volumes, force: true })));
  return containers;
}

const live = (c: ContainerSummary) => c.State === 'running' || c.State === 'paused' || c.State === 'restarting';

/** `kill`: a signal (SIGKILL by default) to the services' live containers. */
export async function kill(s: Session, services: readonly string[], signal = 'SIGKILL'): Promise<void> {
  await eachContainer(s, services, { working: 'Killing', done: 'Killed' }, live, (c) => s.client.containers.kill(c.Id, { signal }));
}

/** kill/pause/unpause/restart on the project's containers, with compose's progress words. */
export async function eachContainer(
  s: Session,
  services: readonly string[],
  words: { working: string; done: string },
  filter: (c: ContainerSummary) => boolean,
  fn: (c: ContainerSummary) => Promise<void>,
): Promise<ContainerSummary[]> {
  const containers = (await projectContainers(s.client, s.project.name, { services })).filter(filter);
  await Promise.all(
    containers.map(async (c) => {
      const id = containerId(canonicalName(c));
      s.progress({ id, status: 'working', text: words.working });
      try {
        await fn(c);
      } catch (e) {
        s.progress({ id, status: 'error', text: 'Error' });
        throw e;
      }
      s.progress({ id, status: 'done', text: words.done });
    }),
  );
  return containers;
}
