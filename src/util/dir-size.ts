// Disk use of a tree as Docker counts it (moby's pkg/directory.Size): every non-directory's size,
// each inode once. Volumes, a container's writable layer (SizeRw) and prune's reclaimed space use it.
import { spawn } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { eachLimit } from './each-limit.js';
import { lstatIfExists } from './fs.js';
import { log } from './log.js';

export async function directorySize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
        continue;
      }
      const st = await lstatIfExists(p);
      if (!st) continue;
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}

/** Start points per `find`: far below ARG_MAX with data-root paths. */
const FIND_BATCH = 256;

/**
 * The sizes of many trees (absolute paths), each counted as directorySize counts it, through one
 * `find` per batch: it stats in C, where Node pays a thread-pool round trip per file (about 10×
 * the time: 20,000 files take 40–120 ms here against 0.4–1.4 s). A missing tree is 0. Where
 * `find` is not GNU's or fails (a tree removed meanwhile), that batch is walked here instead.
 */
export async function directorySizes(dirs: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const unique = [...new Set(dirs)];
  for (let i = 0; i < unique.length; i += FIND_BATCH) {
    const batch = unique.slice(i, i + FIND_BATCH);
    const sizes = await findSizes(batch);
    if (sizes) {
      for (const [d, n] of sizes) out.set(d, n);
      continue;
    }
    await eachLimit(batch, 8, async (d) => {
      out.set(d, await directorySize(d));
    });
  }
  return out;
}

/** One `find` over the start points: per file its start point, size, link count and inode. */
function findSizes(dirs: string[]): Promise<Map<string, number> | undefined> {
  return new Promise((resolve) => {
    // find prints %H exactly as given; latin1 keeps any byte sequence one char per byte.
    const byName = new Map(dirs.map((d) => [Buffer.from(d).toString('latin1'), d]));
    const totals = new Map(dirs.map((d) => [d, 0]));
    const seen = new Set<string>();
    const child = spawn('find', ['-P', ...dirs, '!', '-type', 'd', '-printf', '%H\\0%s\\0%n\\0%i\\0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      const fields = (pending + chunk.toString('latin1')).split('\0');
      const whole = fields.length - 1 - ((fields.length - 1) % 4);
      pending = fields.slice(whole).join('\0');
      for (let f = 0; f < whole; f += 4) {
        const dir = byName.get(fields[f]);
        if (dir === undefined) continue;
        if (fields[f + 2] !== '1') {
          const key = `${fields[f]}\0${fields[f + 3]}`;
          if (seen.has(key)) continue;
          seen.add(key);
        }
        totals.set(dir, totals.get(dir)! + Number(fields[f + 1]));
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      if (stderr.length < 4096) stderr += d.toString('utf8');
    });
    child.on('error', (e) => {
      log.debug(`find for directory sizes: ${e.message}; walking in-process`);
      resolve(undefined);
    });
    child.on('close', (code) => {
      if (code === 0 && pending === '') return resolve(totals);
      log.debug(`find for directory sizes exited ${code}: ${stderr.trim()}; walking in-process`);
      resolve(undefined);
    });
  });
}
