// client.images: /images/*, /build (the classic builder) and /build/prune.
import type { FilterInput, JsonMessage } from '../api-types/common.js';
import type {
  BuildOptions,
  BuildPruneResponse,
  ImageDeleteItem,
  ImageHistoryItem,
  ImageImportOptions,
  ImageInspect,
  ImageListOptions,
  ImagePruneResponse,
  ImagePullOptions,
  ImagePushOptions,
  ImageRemoveOptions,
  ImageSummary,
} from '../api-types/images.js';
import type { Cancellable } from './containers.js';
import { encodeFilters } from './filters.js';
import type { ApiTransport, HttpResponse } from './transport.js';

const path = (name: string, tail = '') => `/images/${encodeURIComponent(name)}${tail}`;

/** The registry auth header when there is one. */
const authHeader = (name: string, value: string | undefined): Record<string, string> | undefined => (value === undefined ? undefined : { [name]: value });

export class ImagesApi {
  constructor(private readonly t: ApiTransport) {}

  list(opts: ImageListOptions = {}): Promise<ImageSummary[]> {
    return this.t.json('GET', '/images/json', {
      query: { all: opts.all, filters: encodeFilters(opts.filters), digests: opts.digests, 'shared-size': opts['shared-size'] },
    });
  }

  inspect(name: string): Promise<ImageInspect> {
    return this.t.json('GET', path(name, '/json'));
  }

  history(name: string, opts: { platform?: string } = {}): Promise<ImageHistoryItem[]> {
    return this.t.json('GET', path(name, '/history'), { query: { platform: opts.platform } });
  }

  /** Pulls from a registry: the progress messages as they come. */
  pull(opts: ImagePullOptions & Cancellable): AsyncGenerator<JsonMessage> {
    return this.t.jsonStream('POST', '/images/create', {
      query: { fromImage: opts.fromImage, tag: opts.tag, platform: opts.platform },
      headers: authHeader('X-Registry-Auth', opts.registryAuth),
      signal: opts.signal,
    });
  }

  /**
   * Imports a root filesystem tar (`source`), or the URL in `fromSrc` when there is no source.
   * Not named `import`: the build's check for dynamic imports (DYNAMIC_IMPORT in
   * src/cli/code-cache.ts) counts such a method, and every CLI bundle would lose its code cache.
   */
  importArchive(source: NodeJS.ReadableStream | Buffer | undefined, opts: ImageImportOptions): AsyncGenerator<JsonMessage> {
    return this.t.jsonStream('POST', '/images/create', {
      query: { fromSrc: opts.fromSrc, repo: opts.repo, tag: opts.tag, message: opts.message, platform: opts.platform, changes: opts.changes?.length ? opts.changes : undefined },
      rawBody: source,
      contentType: 'application/x-tar',
    });
  }

  push(name: string, opts: ImagePushOptions & Cancellable = {}): AsyncGenerator<JsonMessage> {
    return this.t.jsonStream('POST', path(name, '/push'), {
      query: { tag: opts.tag, platform: opts.platform },
      headers: authHeader('X-Registry-Auth', opts.registryAuth),
      signal: opts.signal,
    });
  }

  tag(name: string, target: { repo: string; tag?: string }): Promise<void> {
    return this.t.call('POST', path(name, '/tag'), { query: { repo: target.repo, tag: target.tag } });
  }

  async remove(name: string, opts: ImageRemoveOptions = {}): Promise<ImageDeleteItem[]> {
    return (await this.t.json<ImageDeleteItem[] | null>('DELETE', path(name), { query: { force: opts.force, noprune: opts.noprune } })) ?? [];
  }

  /** Loads images from a `docker save` archive: progress (or, quiet, just the loaded names). */
  load(archive: NodeJS.ReadableStream | Buffer, opts: { quiet?: boolean } = {}): AsyncGenerator<JsonMessage> {
    return this.t.jsonStream('POST', '/images/load', { query: { quiet: opts.quiet }, rawBody: archive, contentType: 'application/x-tar' });
  }

  /** The named images as a `docker save` tar stream. */
  save(names: string[], opts: Cancellable = {}): Promise<HttpResponse> {
    return this.t.request('GET', '/images/get', { query: { names }, signal: opts.signal });
  }

  prune(opts: { filters?: FilterInput } = {}): Promise<ImagePruneResponse> {
    return this.t.json('POST', '/images/prune', { query: { filters: encodeFilters(opts.filters) } });
  }

  /** Builds from a context tar (empty with `remote` or `berthcontext`): the build's messages. */
  build(context: NodeJS.ReadableStream | Buffer, opts: BuildOptions & Cancellable = {}): AsyncGenerator<JsonMessage> {
    // JSON-valued parameters are left out when empty, as the docker CLI does.
    const json = (v: object | undefined) => (v && Object.keys(v).length ? JSON.stringify(v) : undefined);
    return this.t.jsonStream('POST', '/build', {
      query: {
        dockerfile: opts.dockerfile,
        t: opts.t,
        remote: opts.remote,
        q: opts.q,
        nocache: opts.nocache,
        // Docker's default is true: false must be spelled out.
        rm: opts.rm === false ? '0' : opts.rm,
        forcerm: opts.forcerm,
        pull: opts.pull,
        target: opts.target,
        networkmode: opts.networkmode,
        platform: opts.platform,
        buildargs: json(opts.buildargs),
        labels: json(opts.labels),
        extrahosts: opts.extrahosts?.length ? opts.extrahosts : undefined,
        cachefrom: json(opts.cachefrom),
        cpushares: opts.cpushares,
        shmsize: opts.shmsize,
        version: opts.version,
        berthcontext: opts.berthcontext,
      },
      rawBody: context,
      contentType: 'application/x-tar',
      headers: authHeader('X-Registry-Config', opts.registryConfig),
      signal: opts.signal,
    });
  }

  /** Removes build cache: unused records, or with `all` every record. */
  async pruneBuildCache(opts: { all?: boolean; filters?: FilterInput } = {}): Promise<BuildPruneResponse> {
    return (await this.t.json<BuildPruneResponse | undefined>('POST', '/build/prune', { query: { all: opts.all, filters: encodeFilters(opts.filters) } })) ?? {};
  }
}
