// client.containers: /containers/* and /commit.
import type {
  ContainerAttachOptions,
  ContainerCreateBody,
  ContainerCreateResponse,
  ContainerInspect,
  ContainerListOptions,
  ContainerLogsOptions,
  ContainerPathStat,
  ContainerPruneResponse,
  ContainerStats,
  ContainerSummary,
  ContainerTopResponse,
  ContainerUpdateBody,
  ContainerUpdateResponse,
  ContainerWaitResponse,
  FilesystemChange,
  WaitCondition,
} from '../api-types/containers.js';
import type { FilterInput, IdResponse } from '../api-types/common.js';
import type { CommitOptions } from '../api-types/images.js';
import { encodeFilters } from './filters.js';
import { readAll, type ApiTransport, type Hijacked, type HttpResponse } from './transport.js';
import { settled } from '../util/best-effort.js';

/** What a signal-taking call may carry: an AbortSignal that cancels it. */
export interface Cancellable {
  signal?: AbortSignal;
}

/** A wait registered with the daemon (its response head is back); `result` settles at the condition. */
export interface PendingWait {
  result: Promise<ContainerWaitResponse>;
}

/** A container path's archive: the tar stream and the stat of the path it holds. */
export interface ArchiveStream {
  stream: HttpResponse;
  stat?: ContainerPathStat;
}

/** The X-Docker-Container-Path-Stat header (base64 JSON), decoded. */
export function decodePathStat(header: string | string[] | undefined): ContainerPathStat | undefined {
  if (!header || Array.isArray(header)) return undefined;
  return JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as ContainerPathStat;
}

const path = (id: string, tail = '') => `/containers/${encodeURIComponent(id)}${tail}`;

export class ContainersApi {
  constructor(private readonly t: ApiTransport) {}

  list(opts: ContainerListOptions = {}): Promise<ContainerSummary[]> {
    return this.t.json('GET', '/containers/json', { query: { all: opts.all, limit: opts.limit, size: opts.size, filters: encodeFilters(opts.filters) } });
  }

  create(body: ContainerCreateBody, opts: { name?: string; platform?: string } = {}): Promise<ContainerCreateResponse> {
    return this.t.json('POST', '/containers/create', { query: { name: opts.name, platform: opts.platform }, body });
  }

  inspect(id: string, opts: { size?: boolean } = {}): Promise<ContainerInspect> {
    return this.t.json('GET', path(id, '/json'), { query: { size: opts.size } });
  }

  start(id: string, opts: { detachKeys?: string } = {}): Promise<void> {
    return this.t.call('POST', path(id, '/start'), { query: { detachKeys: opts.detachKeys } });
  }

  /** `timeout`: seconds before SIGKILL (the daemon's or the container's default when undefined). */
  stop(id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.t.call('POST', path(id, '/stop'), { query: { signal: opts.signal, t: opts.timeout } });
  }

  restart(id: string, opts: { timeout?: number; signal?: string } = {}): Promise<void> {
    return this.t.call('POST', path(id, '/restart'), { query: { signal: opts.signal, t: opts.timeout } });
  }

  kill(id: string, opts: { signal?: string } = {}): Promise<void> {
    return this.t.call('POST', path(id, '/kill'), { query: { signal: opts.signal } });
  }

  pause(id: string): Promise<void> {
    return this.t.call('POST', path(id, '/pause'));
  }

  unpause(id: string): Promise<void> {
    return this.t.call('POST', path(id, '/unpause'));
  }

  /** `volumes`: also remove its anonymous volumes (`v`); `link`: remove a legacy link instead. */
  remove(id: string, opts: { force?: boolean; volumes?: boolean; link?: boolean } = {}): Promise<void> {
    return this.t.call('DELETE', path(id), { query: { force: opts.force, v: opts.volumes, link: opts.link } });
  }

  rename(id: string, name: string): Promise<void> {
    return this.t.call('POST', path(id, '/rename'), { query: { name } });
  }

  async update(id: string, body: ContainerUpdateBody): Promise<ContainerUpdateResponse> {
    return (await this.t.json<ContainerUpdateResponse | undefined>('POST', path(id, '/update'), { body })) ?? {};
  }

  /** Waits for the condition and returns the exit status. */
  wait(id: string, opts: { condition?: WaitCondition } & Cancellable = {}): Promise<ContainerWaitResponse> {
    return this.t.json('POST', path(id, '/wait'), { query: { condition: opts.condition }, signal: opts.signal });
  }

  /**
   * The wait split in two, as the docker CLI uses it: resolves once the daemon has registered the
   * wait (response head back), so a start issued afterwards cannot slip past it.
   */
  async registerWait(id: string, opts: { condition?: WaitCondition } & Cancellable = {}): Promise<PendingWait> {
    const res = await this.t.request('POST', path(id, '/wait'), { query: { condition: opts.condition }, signal: opts.signal });
    const result = (async () => {
      const text = (await readAll(res)).toString('utf8').trim();
      if (!text) return { StatusCode: -1, Error: { Message: 'wait ended without a status' } };
      return JSON.parse(text) as ContainerWaitResponse;
    })();
    void settled(result); // whoever awaits result gets its error; none is left unhandled
    return { result };
  }

  /** The output as a byte stream: multiplexed frames (src/client/demux.ts) unless the container has a TTY. */
  logs(id: string, opts: ContainerLogsOptions & Cancellable = {}): Promise<HttpResponse> {
    const { signal, ...q } = opts;
    return this.t.request('GET', path(id, '/logs'), {
      query: { stderr: q.stderr, stdout: q.stdout, since: q.since, until: q.until, timestamps: q.timestamps, follow: q.follow, tail: q.tail, details: q.details },
      signal,
    });
  }

  /** A hijacked connection to the container's streams. */
  attach(id: string, opts: ContainerAttachOptions = {}): Promise<Hijacked> {
    return this.t.hijack('POST', path(id, '/attach'), {
      query: { logs: opts.logs, stderr: opts.stderr, stdin: opts.stdin, stdout: opts.stdout, stream: opts.stream, detachKeys: opts.detachKeys },
    });
  }

  /** Sets the TTY size: height (rows) and width (columns). */
  resize(id: string, size: { h: number; w: number }): Promise<void> {
    return this.t.call('POST', path(id, '/resize'), { query: { h: size.h, w: size.w } });
  }

  top(id: string, opts: { psArgs?: string } = {}): Promise<ContainerTopResponse> {
    return this.t.json('GET', path(id, '/top'), { query: { ps_args: opts.psArgs } });
  }

  async changes(id: string): Promise<FilesystemChange[]> {
    return (await this.t.json<FilesystemChange[] | null>('GET', path(id, '/changes'))) ?? [];
  }

  /** One stats sample (`stream=0`; without the parameter the daemon streams). */
  stats(id: string, opts: { oneShot?: boolean } = {}): Promise<ContainerStats> {
    return this.t.json('GET', path(id, '/stats'), { query: { stream: '0', 'one-shot': opts.oneShot } });
  }

  /** Stats samples as the daemon sends them (about one a second) until aborted or the container goes. */
  statsStream(id: string, opts: Cancellable = {}): AsyncGenerator<ContainerStats> {
    return this.t.jsonStream('GET', path(id, '/stats'), { query: { stream: true }, signal: opts.signal });
  }

  /** The container's filesystem as a tar stream. */
  export(id: string, opts: Cancellable = {}): Promise<HttpResponse> {
    return this.t.request('GET', path(id, '/export'), { signal: opts.signal });
  }

  /** HEAD /archive: the stat of a path in the container (ApiError 404 when it is not there). */
  async statPath(id: string, pathInContainer: string): Promise<ContainerPathStat | undefined> {
    const res = await this.t.request('HEAD', path(id, '/archive'), { query: { path: pathInContainer } });
    res.resume();
    return decodePathStat(res.headers['x-docker-container-path-stat']);
  }

  /** GET /archive: a tar of a path in the container, with the path's stat. */
  async getArchive(id: string, pathInContainer: string, opts: Cancellable = {}): Promise<ArchiveStream> {
    const stream = await this.t.request('GET', path(id, '/archive'), { query: { path: pathInContainer }, signal: opts.signal });
    return { stream, stat: decodePathStat(stream.headers['x-docker-container-path-stat']) };
  }

  /** PUT /archive: extracts a tar at a directory in the container. */
  putArchive(id: string, dir: string, tar: NodeJS.ReadableStream | Buffer, opts: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<void> {
    return this.t.call('PUT', path(id, '/archive'), {
      query: { noOverwriteDirNonDir: opts.noOverwriteDirNonDir ? 'true' : undefined, copyUIDGID: opts.copyUIDGID ? 'true' : undefined, path: dir },
      rawBody: tar,
    });
  }

  prune(opts: { filters?: FilterInput } = {}): Promise<ContainerPruneResponse> {
    return this.t.json('POST', '/containers/prune', { query: { filters: encodeFilters(opts.filters) } });
  }

  /** A new image from the container's changes (POST /commit). */
  commit(id: string, opts: Omit<CommitOptions, 'container'> = {}): Promise<IdResponse> {
    return this.t.json('POST', '/commit', {
      query: {
        container: id,
        repo: opts.repo,
        tag: opts.tag,
        comment: opts.comment,
        author: opts.author,
        pause: opts.pause === false ? '0' : opts.pause,
        changes: opts.changes?.length ? opts.changes : undefined,
      },
      body: {},
    });
  }
}
