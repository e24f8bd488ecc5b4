// The built page (dist/dashboard/, written by scripts/build.mjs from src/dashboard/web/): read
// once at start and served from memory. Only the files found there are served, so no request
// path ever reaches the file system.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Asset {
  body: Buffer;
  type: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** dist/dashboard, found from this module's place: dist/berth-cmd/*.cjs (the CLI) or build/src/… (tests). */
export function findAssetDir(from = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(from));
  for (let i = 0; i < 6; i++) {
    for (const candidate of [path.join(dir, 'dashboard'), path.join(dir, 'dist', 'dashboard')]) {
      if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    }
    dir = path.dirname(dir);
  }
  throw new Error('the dashboard page is not built (dist/dashboard/index.html is missing): run `npm run build`');
}

/** Every file under `dir`, by URL path ("/app.js"); "/" is index.html. */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (sub: string) => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true })) {
      const rel = path.posix.join(sub, entry.name);
      if (entry.isDirectory()) walk(rel);
      else assets.set(`/${rel}`, { body: readFileSync(path.join(dir, rel)), type: TYPES[path.extname(entry.name)] ?? 'application/octet-stream' });
    }
  };
  walk('');
  const index = assets.get('/index.html');
  if (index) assets.set('/', index);
  return assets;
}
