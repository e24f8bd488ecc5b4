// One POST /build as the engine serves it. The context is the request body (a tar, plain or
// gzip, or a bare Dockerfile for `build - < Dockerfile`) or was synced beforehand (berth's CLI,
// `berthcontext=<id>`); it is spooled in a scratch directory that goes when the build ends,
// however it ends. A quiet build holds its progress back and shows only the image ID, or all it
// held back when it fails (dockerd's errf), before the error.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { decompressStream, peekStream } from '../../archive/index.js';
import { tracer } from '../../util/log.js';
import { InvalidArgumentError, NotFoundError } from '../errors.js';
import { receiveContextTar, type BuildContextSource } from './context-spool.js';
import type { BuildService, EngineBuildOptions } from './engine-backend.js';
import type { BuildMessage } from './output.js';

export interface BuildRequest extends Omit<EngineBuildOptions, 'contextDir' | 'context' | 'dockerfileContent'> {
  /** Only the image ID is shown (`-q`). */
  quiet: boolean;
  /** The ID of a context synced beforehand (`berthcontext`); the body then carries nothing. */
  syncedContext?: string;
}

/** Where a build's progress goes (the response stream). */
export interface BuildProgressStream {
  write(msg: BuildMessage): void;
  /** The build failed: shows the error, or rethrows it when nothing was sent yet (a plain HTTP error). */
  fail(error: unknown): void;
  /** Called before the scratch directory is removed, so the client does not wait for clean-up. */
  end(): void;
}

interface ReceivedContext {
  dockerfileContent?: string;
  context?: BuildContextSource;
  release?: () => Promise<void>;
}

/** A tar header block: its checksum field matches the sum of its bytes (field as spaces). */
function looksLikeTar(head: Buffer): boolean {
  if (head.length < 512) return head.length === 0 || head.every((b) => b === 0);
  const block = head.subarray(0, 512);
  if (block.every((b) => b === 0)) return true;
  const field = block.subarray(148, 156).toString('latin1').replace(/\0.*$/, '').trim();
  const want = parseInt(field, 8);
  if (Number.isNaN(want)) return false;
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
  return sum === want;
}

/**
 * Receives the body (a tar, plain or gzip) as a spooled, indexed context whose files are
 * extracted into `dir` only when a step needs them. A body that is not an archive is a bare
 * Dockerfile: its text is returned instead.
 */
async function receiveBody(body: Readable, scratch: string, dir: string): Promise<ReceivedContext> {
  const { head, all } = await peekStream(decompressStream(body), 512);
  if (!looksLikeTar(head)) {
    const chunks: Buffer[] = [];
    for await (const c of all) chunks.push(c as Buffer);
    return { dockerfileContent: Buffer.concat(chunks).toString('utf8') };
  }
  // The docker CLI's tar for `-f -` (archive.ReplaceFileTarWrapper) closes its pipe before the
  // tar writer, so it has no end-of-archive blocks: supply them (extra zeros past an end are unread).
  async function* terminated(): AsyncGenerator<Buffer> {
    for await (const c of all) yield c as Buffer;
    yield Buffer.alloc(1024);
  }
  // Names with `..` or absolute paths and links leading out are refused here, before any step.
  const context = await receiveContextTar(terminated(), path.join(scratch, 'context.tar'), dir);
  return { context };
}

/** A synced context: nothing is expected in the body; whatever came is drained. */
async function syncedContext(builds: BuildService, body: Readable, id: string, dir: string): Promise<ReceivedContext> {
  for await (const _ of body);
  const { source, release } = builds.contexts.acquire(id, dir);
  return { context: source, release };
}

/**
 * Runs the build a request asks for and ends `stream`. A failure to receive the context rejects
 * before any output, so the caller can still answer with a plain HTTP error (a context that
 * cannot be read is a 400, an unknown synced context a 404).
 */
export async function buildFromRequest(builds: BuildService, body: Readable, req: BuildRequest, stream: BuildProgressStream, signal: AbortSignal): Promise<void> {
  const { quiet, syncedContext: syncedId, ...opts } = req;
  const scratch = await builds.scratchDir('context');
  const t = tracer('build', path.basename(scratch));
  const held: BuildMessage[] = [];
  // Where the context's files go if a step needs them on disk (the spool sits beside it).
  const dir = path.join(scratch, 'context');
  let received: ReceivedContext | undefined;
  try {
    try {
      await fsp.mkdir(dir, { mode: 0o755 });
      received = syncedId ? await syncedContext(builds, body, syncedId, dir) : await receiveBody(body, scratch, dir);
    } catch (e) {
      if (e instanceof NotFoundError) throw e;
      if (e instanceof InvalidArgumentError) throw e;
      throw new InvalidArgumentError(`failed to read the build context: ${(e as Error).message}`);
    }
    t('context received');
    const emit = (m: BuildMessage): void => {
      if (quiet) held.push(m);
      else stream.write(m);
    };
    try {
      const { context, dockerfileContent } = received;
      const result = await builds.build({ ...opts, contextDir: dir, context, dockerfileContent }, emit, signal);
      if (quiet) stream.write({ stream: `${result.imageId}\n` });
    } catch (e) {
      for (const m of held) stream.write(m);
      stream.fail(e);
    }
    stream.end();
    t('built');
  } finally {
    await received?.context?.close();
    await received?.release?.();
    await builds.removeScratch(scratch);
    t('context removed');
  }
}
