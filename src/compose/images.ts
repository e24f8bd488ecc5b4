// Making sure each service's image is there before containers are created: inspect, else build
// (services with `build`) or pull, as compose's ensureImagesExists does. Returns image IDs, which
// compose records in `com.docker.compose.image` to notice a rebuilt or re-pulled image.
import type { ImageInspect } from '../api-types/images.js';
import type { EngineClient } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import type { Project, ServiceConfig } from './model.js';
import { serviceImage } from './naming.js';
import type { ProgressSink } from './progress.js';

export type BuildPolicy = 'always' | 'never' | 'missing';

export interface EnsuredImage {
  id: string;
  /** The image's VOLUMEs (for inheriting anonymous volumes on recreate). */
  volumes?: Record<string, object> | null;
}

async function inspectOrUndefined(client: EngineClient, ref: string): Promise<ImageInspect | undefined> {
  try {
    return await client.images.inspect(ref);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Splits "name:tag" (a registry port is not a tag). */
export function splitTag(ref: string): { name: string; tag?: string } {
  const at = ref.indexOf('@');
  if (at >= 0) return { name: ref.slice(0, at), tag: ref.slice(at + 1) };
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return { name: ref.slice(0, colon), tag: ref.slice(colon + 1) };
  return { name: ref };
}

/** Pulls `ref`, reporting compose's "Pulling"/"Pulled" per service. */
export async function pullImage(client: EngineClient, service: string, ref: string, progress: ProgressSink): Promise<void> {
  progress({ id: service, status: 'working', text: 'Pulling' });
  const { name, tag } = splitTag(ref);
  for await (const m of client.images.pull({ fromImage: name, tag: tag ?? 'latest' })) {
    if (m.error || m.errorDetail) {
      progress({ id: service, status: 'error', text: 'Error' });
      throw new Error(m.errorDetail?.message ?? m.error);
    }
  }
  progress({ id: service, status: 'done', text: 'Pulled' });
}

/** Builds a service's image with the classic builder and tags it. */
export async function buildImage(client: EngineClient, project: Project, service: string, svc: ServiceConfig, progress: ProgressSink, write?: (text: string) => void): Promise<void> {
  const b = svc.build!;
  if (b.dockerfile_inline) throw new Error(`service "${service}": build.dockerfile_inline is not supported by berth compose yet`);
  if (!b.context || /^(https?:|git@)/.test(b.context)) throw new Error(`service "${service}": build context ${b.context ?? '(none)'} is not a local directory`);
  const tag = serviceImage(project.name, service, svc);
  progress({ id: `Service ${service}`, status: 'working', text: 'Building' });
  // Loaded only for a build: the context code brings tar, a few ms of every `up` otherwise.
  const { contextArchive } = await import('../cli/commands/image/context.js');
  let archive: ReturnType<typeof contextArchive>;
  try {
    archive = contextArchive(b.context, b.dockerfile ?? '');
  } catch (e) {
    throw new Error(`service "${service}": ${(e as Error).message}`, { cause: e });
  }
  const args: Record<string, string> = {};
  for (const [k, v] of Object.entries(b.args ?? {})) if (v !== null) args[k] = v;
  for await (const m of client.images.build(archive.stream, {
    dockerfile: archive.dockerfile,
    t: [tag, ...(b.tags ?? [])],
    target: b.target,
    buildargs: args,
    labels: b.labels,
    cachefrom: b.cache_from,
    networkmode: b.network,
    nocache: b.no_cache,
    pull: b.pull,
    extrahosts: b.extra_hosts?.map((h) => h.replace('=', ':')),
    version: '1',
  })) {
    if (m.error || m.errorDetail) {
      progress({ id: `Service ${service}`, status: 'error', text: 'Error' });
      throw new Error(`service "${service}" failed to build: ${m.errorDetail?.message ?? m.error}`);
    }
    if (m.stream && write) write(m.stream);
  }
  progress({ id: `Service ${service}`, status: 'done', text: 'Built' });
}

/** Each service's image, built or pulled when missing (or built again with `build: 'always'`). */
export async function ensureImages(
  client: EngineClient,
  project: Project,
  services: readonly string[],
  opts: { build?: BuildPolicy; progress: ProgressSink; write?: (text: string) => void },
): Promise<Record<string, EnsuredImage>> {
  const out: Record<string, EnsuredImage> = {};
  // One inspect per distinct image, all at once (ten services on one image: one round trip).
  const refs = new Set(services.map((name) => serviceImage(project.name, name, project.services[name])));
  const found = new Map(await Promise.all([...refs].map(async (ref) => [ref, await inspectOrUndefined(client, ref)] as const)));
  for (const name of services) {
    const svc = project.services[name];
    const ref = serviceImage(project.name, name, svc);
    let img = opts.build === 'always' && svc.build ? undefined : found.get(ref);
    const policy = svc.pull_policy;
    if (img && (policy === 'always' || policy === 'build') && !(opts.build === 'never')) img = undefined;
    if (!img) {
      if (svc.build && opts.build !== 'never' && policy !== 'never') await buildImage(client, project, name, svc, opts.progress, opts.write);
      else if (policy === 'never' || (svc.build && opts.build === 'never')) throw new Error(`No such image: ${ref}`);
      else await pullImage(client, name, ref, opts.progress);
      img = await client.images.inspect(ref);
      found.set(ref, img);
    }
    out[name] = { id: img.Id, volumes: (img.Config as { Volumes?: Record<string, object> | null } | undefined)?.Volumes };
  }
  return out;
}
