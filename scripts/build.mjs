// Builds berth: tsc emits build/ (tests run from there), esbuild bundles the two programs into dist/.
//
// berthd is one file (it starts once). The berth CLI pays Node's start-up on every call, so it is
// split: dist/berth.mjs holds only the dispatcher (global flags, help, error reporting) and each
// verb's code lives in dist/berth-chunks/, loaded by the dynamic import in src/cli/commands.ts.
// `berth version` then parses ~10 % of what the single bundle made V8 compile (see bench/README.md).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.json'], { stdio: 'inherit' });

// node-tar, yaml and friends are CommonJS inside: the ESM bundle needs a `require` in every file
// that may hold such code, hence the banner on every chunk (the hashbang is legal in any module).
const banner = {
  js: "#!/usr/bin/env node\nimport { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);",
};
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  banner,
  logLevel: 'warning',
};

await build({ ...common, entryPoints: ['src/daemon/main.ts'], outfile: 'dist/berthd.mjs' });
await buildCli();
chmodSync('dist/berthd.mjs', 0o755);
chmodSync('dist/berth.mjs', 0o755);

/**
 * The CLI with code splitting. Files are written with temp+rename, chunks before the entry, and
 * stale chunks removed last, so a `berth` started during a rebuild (tests run from dist/ while
 * others build) always finds a consistent set of files.
 */
async function buildCli() {
  const outdir = path.resolve('dist');
  const chunkDir = 'berth-chunks';
  const result = await build({
    ...common,
    entryPoints: { berth: 'src/cli/main.ts' },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: `${chunkDir}/[name]-[hash]`,
    write: false,
  });
  mkdirSync(path.join(outdir, chunkDir), { recursive: true });
  const entry = path.join(outdir, 'berth.mjs');
  const ordered = [...result.outputFiles].sort((a, b) => rank(a.path) - rank(b.path));
  function rank(p) {
    if (p === entry) return 2;
    if (p === `${entry}.map`) return 1;
    return 0;
  }
  for (const file of ordered) {
    const tmp = `${file.path}.tmp-${process.pid}`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  const keep = new Set(result.outputFiles.map((f) => path.basename(f.path)));
  for (const name of readdirSync(path.join(outdir, chunkDir))) {
    if (!keep.has(name)) rmSync(path.join(outdir, chunkDir, name), { force: true });
  }
}
