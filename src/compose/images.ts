// Making sure each service's image is there before containers are created: inspect, else build
// (services with `build`) or pull, as compose's ensureImagesExists does. Returns image IDs, which
// compose records in `com.docker.compose.image` to notice a rebuilt or re-pulled image.
import type { ImageInspect } from '../api-types/images.js';
import type { EngineClient } from '../client/client.js';
import { isNotFound } from '../client/errors.js';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ContextArchive } from '../archive/build-context.js';
import { settled } from '../util/best-effort.js';
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

/**
 * The build context of a service as compose's classic builder sends it: the context directory,
 * plus the Dockerfile under a generated name when it is inline or lies outside the context.
 */
export async function serviceContext(context: string, dockerfile?: string, inline?: string): Promise<ContextArchive> {
  if (!existsSync(context) || !statSync(context).isDirectory()) throw new Error(`unable to prepare context: path "${context}" not found`);
  // Loaded only for a build: the context code brings tar, a few ms of every `up` otherwise.
  const { contextArchive, contextArchiveWithDockerfile } = await import('../archive/build-context.js');
  if (inline !== undefined) return contextArchiveWithDockerfile(context, inline);
  const file = path.resolve(context, dockerfile || 'Dockerfile');
  if (path.relative(path.resolve(context), file).startsWith('..') && existsSync(file)) return contextArchiveWithDockerfile(context, readFileSync(file));
  return contextArchive(context, dockerfile ?? '');
}

/** Builds a service's image with the classic builder and tags it. */
export async function buildImage(client: EngineClient, project: Project, service: string, svc: ServiceConfig, progress: ProgressSink, write?: (text: string) => void): Promise<void> {
  const b = svc.build!;
  if (!b.context || /^(https?:|git@)/.test(b.context)) throw new Error(`service "${service}": build context ${b.context ?? '(none)'} is not a local directory`);
  const tag = serviceImage(project.name, service, svc);
  progress({ id: `Service ${service}`, status: 'working', text: 'Building' });
  let archive: ContextArchive;
  try {
    archive = await serviceContext(b.context, b.dockerfile, b.dockerfile_inline);
  } catch (e) {
    progress({ id: `Service ${service}`, status: 'error', text: 'Error' });
    throw e;
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

/** `up --pull` and `pull_policy` values: `if_not_present` is `missing`; daily/weekly/every_<d> pull when missing here. */
export type PullPolicy = 'always' | 'missing' | 'never' | 'build';
export const PULL_POLICIES = ['always', 'missing', 'never', 'build', 'if_not_present'];

function pullPolicyOf(svc: ServiceConfig, override: string | undefined, build: BuildPolicy | undefined): PullPolicy {
  // compose's createOptions.Apply: --build turns buildable services to `build`, --pull overrides all.
  if (build === 'always' && svc.build) return 'build';
  const p = override ?? svc.pull_policy ?? 'missing';
  return p === 'always' || p === 'never' || p === 'build' ? p : 'missing';
}

/** Where a service's image comes from, for errors: the file(s) and key. */
function imageKey(origin: string | undefined, service: string, svc: ServiceConfig): string {
  return `${origin ? `${origin}: ` : ''}services.${service}.${svc.image ? 'image' : 'build'}`;
}

/**
 * Each service's image, as compose's ensureImagesExists: pulled as its pull policy says (a pull
 * failure is ignored for a buildable service), then built when buildable and missing or with
 * policy `build`. Errors name the file and key.
 */
export async function ensureImages(
  client: EngineClient,
  project: Project,
  services: readonly string[],
  opts: { build?: BuildPolicy; pull?: string; progress: ProgressSink; write?: (text: string) => void; origin?: string },
): Promise<Record<string, EnsuredImage>> {
  const out: Record<string, EnsuredImage> = {};
  // One inspect per distinct image, all sent at once (ten services on one image: one round trip);
  // a pull or build drops its entry, so later services look again.
  const inspected = new Map<string, Promise<ImageInspect | undefined>>();
  for (const name of services) {
    const ref = serviceImage(project.name, name, project.services[name]);
    if (inspected.has(ref)) continue;
    const p = inspectOrUndefined(client, ref);
    void settled(p); // its error is thrown where it is awaited
    inspected.set(ref, p);
  }
  for (const name of services) {
    const svc = project.services[name];
    const ref = serviceImage(project.name, name, svc);
    const policy = pullPolicyOf(svc, opts.pull, opts.build);
    let img = await (inspected.get(ref) ?? inspectOrUndefined(client, ref));
    if (svc.image && (policy === 'always' || (policy === 'missing' && !img))) {
      try {
        await pullImage(client, name, ref, opts.progress);
        inspected.delete(ref);
        img = undefined;
      } catch (e) {
        if (!svc.build || opts.build === 'never') throw new Error(`${imageKey(opts.origin, name, svc)}: ${(e as Error).message}`, { cause: e });
      }
      img ??= await inspectOrUndefined(client, ref);
    }
    if (svc.build && opts.build !== 'never' && (!img || policy === 'build')) {
      try {
        await buildImage(client, project, name, svc, opts.progress, opts.write);
        inspected.delete(ref);
      } catch (e) {
        throw new Error(`${imageKey(opts.origin, name, svc)}: ${(e as Error).message}`, { cause: e });
      }
      img = await client.images.inspect(ref);
    }
    if (!img) throw new Error(`${imageKey(opts.origin, name, svc)}: No such image: ${ref}${policy === 'never' ? ' (pull_policy: never)' : ''}`);
    out[name] = { id: img.Id, volumes: (img.Config as { Volumes?: Record<string, object> | null } | undefined)?.Volumes };
  }
  return out;
}
