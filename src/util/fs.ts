// Durable file writes for metadata: write to a temp file, fsync, rename, so a crash at any point
// leaves either the old or the new content, never a torn file. Temp files end in `.tmp-*` and are
// swept at startup (sweepTempFiles).
import { promises as fsp, constants as fsc, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { log } from './log.js';
import { sweepTree } from './remove-tree.js';

export const TEMP_MARK = '.tmp-';

/** Writes all of `data` at the handle's position (a single write may take only part of it). */
export async function writeAll(fh: fsp.FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
}

export function tempPathFor(target: string): string {
  return `${target}${TEMP_MARK}${randomBytes(6).toString('hex')}`;
}

export async function atomicWrite(target: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  const tmp = tempPathFor(target);
  const fh = await fsp.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, mode);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await fsp.rename(tmp, target);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}

export async function atomicWriteJson(target: string, value: unknown): Promise<void> {
  await atomicWrite(target, JSON.stringify(value));
}

export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as T;
  } catch (e: any) {
    if (e?.code === 'ENOENT') return undefined;
    throw e;
  }
}

/**
 * A metadata file read at load time: undefined when it is absent, and also when it cannot be read
 * or parsed (a torn or foreign file), which is logged: one bad record must not stop a store loading.
 */
export async function readJsonOrSkip<T>(file: string, what: string): Promise<T | undefined> {
  try {
    return await readJsonIfExists<T>(file);
  } catch (e) {
    log.warn(`skipping unreadable ${what} ${file}: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}

/** stat(2), or undefined when nothing is there (ENOENT, or a path component that is not a directory); other errors throw. */
export async function statIfExists(p: string): Promise<Stats | undefined> {
  return fsp.stat(p).catch(absentAsUndefined);
}

/** lstat(2), or undefined when nothing is there; other errors throw. */
export async function lstatIfExists(p: string): Promise<Stats | undefined> {
  return fsp.lstat(p).catch(absentAsUndefined);
}

/** readlink(2), or undefined when nothing is there; other errors throw. */
export async function readlinkIfExists(p: string): Promise<string | undefined> {
  return fsp.readlink(p).catch(absentAsUndefined);
}

/** The names in a directory, or none when it is not there; other errors throw. */
export async function readdirIfExists(p: string): Promise<string[]> {
  return (await fsp.readdir(p).catch(absentAsUndefined)) ?? [];
}

function absentAsUndefined(e: any): undefined {
  if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return undefined;
  throw e;
}

export async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch {
    return false;
  }
}

/** Removes leftovers of interrupted atomic writes below dir (one level deep per directory visited); what cannot be removed is logged and left. */
export async function sweepTempFiles(dir: string, depth = 3): Promise<number> {
  let removed = 0;
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.name.includes(TEMP_MARK)) {
      if (await sweepTree(p, 'temp file')) removed++;
    } else if (e.isDirectory() && depth > 0) {
      removed += await sweepTempFiles(p, depth - 1);
    }
  }
  return removed;
}
