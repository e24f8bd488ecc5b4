// Mark-and-sweep garbage collection of the registry store (run while the server is stopped or
// read-only, as with distribution's `registry garbage-collect`): every manifest revision of
// every repository is a root; it marks itself, its config and layers. Unmarked blobs are deleted,
// with the repository links that name them, and so are stale upload sessions.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { statIfExists, TEMP_MARK } from '../../util/fs.js';
import { parseManifest } from './manifest.js';
import { RegistryStorage } from './storage.js';

export interface GcOptions {
  dryRun?: boolean;
  /** Upload sessions untouched for longer than this are removed (default 24 h). */
  uploadMaxAgeMs?: number;
  log?: (line: string) => void;
}

export interface GcResult {
  marked: number;
  deleted: string[];
  freedBytes: number;
  uploadsRemoved: number;
}

async function listDir(p: string): Promise<string[]> {
  return fsp.readdir(p).catch(() => [] as string[]);
}

export async function collectGarbage(root: string, opts: GcOptions = {}): Promise<GcResult> {
  const storage = new RegistryStorage(root);
  const log = opts.log ?? (() => {});
  const marked = new Set<string>();
  const repos = await storage.listRepositories();
  for (const repo of repos) {
    const revDir = path.join(storage.repoDir(repo), '_manifests', 'revisions', 'sha256');
    for (const hex of await listDir(revDir)) {
      if (hex.includes(TEMP_MARK)) continue;
      const digest = `sha256:${hex}`;
      const stored = await storage.getManifest(repo, digest);
      if (!stored) continue;
      marked.add(digest);
      log(`${repo}: marking manifest ${digest}`);
      try {
        const parsed = parseManifest(stored.body, stored.mediaType);
        for (const d of [...parsed.blobs, ...parsed.manifests]) marked.add(d.digest);
      } catch (e) {
        log(`${repo}: cannot parse ${digest}: ${(e as Error).message}; keeping it`);
      }
    }
  }

  const deleted: string[] = [];
  let freedBytes = 0;
  const blobsRoot = path.join(root, 'blobs', 'sha256');
  for (const prefix of await listDir(blobsRoot)) {
    for (const name of await listDir(path.join(blobsRoot, prefix))) {
      const file = path.join(blobsRoot, prefix, name);
      const digest = `sha256:${name}`;
      if (!name.includes(TEMP_MARK) && marked.has(digest)) continue;
      const st = await statIfExists(file);
      freedBytes += st?.size ?? 0;
      deleted.push(digest);
      log(`blob eligible for deletion: ${digest}`);
      if (!opts.dryRun) await fsp.rm(file, { force: true });
    }
  }
  if (!opts.dryRun) {
    const gone = new Set(deleted.map((d) => d.slice(7)));
    for (const repo of repos.length ? await storage.listRepositories() : []) {
      const layersDir = path.join(storage.repoDir(repo), '_layers', 'sha256');
      for (const hex of await listDir(layersDir)) if (gone.has(hex)) await fsp.rm(path.join(layersDir, hex), { force: true });
    }
  }

  let uploadsRemoved = 0;
  const maxAge = opts.uploadMaxAgeMs ?? 24 * 3600 * 1000;
  const uploadsRoot = path.join(root, 'uploads');
  for (const name of await listDir(uploadsRoot)) {
    const p = path.join(uploadsRoot, name);
    const st = (await statIfExists(path.join(p, 'data'))) ?? (await statIfExists(p));
    if (!st || (Date.now() - st.mtimeMs < maxAge && !name.includes(TEMP_MARK))) continue;
    uploadsRemoved++;
    log(`stale upload: ${name}`);
    if (!opts.dryRun) await fsp.rm(p, { recursive: true, force: true });
  }
  return { marked: marked.size, deleted, freedBytes, uploadsRemoved };
}
