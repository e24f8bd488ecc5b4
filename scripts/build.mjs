// Builds berth: tsc emits build/ (tests run from there), esbuild bundles the two programs into dist/.
//
// berthd is one file (it starts once). The berth CLI pays Node's start-up on every call, so each
// call should load only its own command: dist/berth-cmd/ holds one CommonJS bundle per command
// module (the dispatcher plus that command, every other command import replaced by a stub) and
// none.cjs (no command: help, version, usage errors); dist/berth.cjs, the entry, picks the bundle
// from the command words (src/cli/launch.ts) and runs it with a V8 code cache that the first call
// leaves beside it (src/cli/code-cache.ts; a rebuild deletes the stale caches with the other stale
// files). dist/berth.mjs only hands over to dist/berth.cjs, so
// `node dist/berth.mjs` keeps working; bin/berth is the documented, faster way in (see there).
// Why CommonJS bundles rather than ESM chunks: see src/cli/launch.ts.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import process from 'node:process';

execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.json'], { stdio: 'inherit' });

// node-tar, yaml and friends are CommonJS inside: berthd's ESM bundle needs a `require`, hence the
// banner (the hashbang is legal in any module).
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
buildLogger();
await buildCli();
await buildDashboard();
chmodSync('dist/berthd.mjs', 0o755);

/**
 * berth-logger, the per-container log writer (native/berth-logger.c; gcc and zlib from
 * scripts/bootstrap.sh). Built beside, then renamed over the old one: running writers keep theirs.
 */
function buildLogger() {
  mkdirSync('dist', { recursive: true });
  const tmp = `dist/.berth-logger.${process.pid}`;
  execFileSync('gcc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', tmp, 'native/berth-logger.c', '-lz'], { stdio: 'inherit' });
  renameSync(tmp, 'dist/berth-logger');
}

/**
 * The CLI. Files are written with temp+rename, command bundles before the entry, and stale files
 * removed last, so a `berth` started during a rebuild (tests run from dist/ while others build)
 * always finds a consistent set of files.
 */
async function buildCli() {
  const outdir = path.resolve('dist');
  const cmdDir = path.join(outdir, 'berth-cmd');
  // The table of command modules, from tsc's output of src/cli/command-table.ts (just emitted).
  const { COMMAND_MODULES } = await import(pathToFileURL(path.resolve('build/src/cli/command-table.js')).href);
  const { bundleName, NO_COMMAND_BUNDLE } = await import(pathToFileURL(path.resolve('build/src/cli/launch.js')).href);
  const { DYNAMIC_IMPORT } = await import(pathToFileURL(path.resolve('build/src/cli/code-cache.js')).href);
  const cjs = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
    // Bundles run through vm.Script (src/cli/code-cache.ts), where a real import() fails without
    // --experimental-vm-modules: esbuild turns import('node:…') into require instead.
    supported: { 'dynamic-import': false },
    define: { 'import.meta.url': '__berth_import_meta_url' },
    banner: { js: "var __berth_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
  };
  const bundles = [...COMMAND_MODULES.map((id) => ({ id, name: bundleName(id) })), { id: undefined, name: NO_COMMAND_BUNDLE }];
  const results = await Promise.all(
    bundles.map(({ id, name }) =>
      build({ ...cjs, entryPoints: ['src/cli/main.ts'], outfile: path.join(cmdDir, `${name}.cjs`), plugins: [onlyCommand(id)] }),
    ),
  );
  const entry = await build({
    ...cjs,
    stdin: {
      contents: [
        "import { launch, type CliBundle } from './launch.ts';",
        "import { requireWithCodeCache } from './code-cache.ts';",
        "launch(__dirname + '/berth-cmd', process.argv.slice(2), (file) => requireWithCodeCache<CliBundle>(file, require));",
        '',
      ].join('\n'),
      resolveDir: path.resolve('src/cli'),
      sourcefile: 'berth-entry.ts',
      loader: 'ts',
    },
    outfile: path.join(outdir, 'berth.cjs'),
    banner: { js: '#!/usr/bin/env node' },
    define: {},
  });
  const shim = [
    '#!/usr/bin/env node',
    '// berth: hands over to the CommonJS entry (see scripts/build.mjs); bin/berth starts faster.',
    "import { createRequire } from 'node:module';",
    "createRequire(import.meta.url)('./berth.cjs');",
    '',
  ].join('\n');
  mkdirSync(cmdDir, { recursive: true });
  const files = [...results.flatMap((r) => r.outputFiles), ...entry.outputFiles];
  for (const file of files) {
    // code-cache.ts runs such a bundle without its cache (plain require): say so, it costs ~5 ms.
    if (file.path.endsWith('.cjs') && DYNAMIC_IMPORT.test(file.text)) process.stderr.write(`warning: ${path.relative(outdir, file.path)} contains "import(": it will run without a code cache\n`);
  }
  for (const file of files) writeAtomic(file.path, file.contents);
  writeAtomic(path.join(outdir, 'berth.mjs'), shim);
  chmodSync(path.join(outdir, 'berth.cjs'), 0o755);
  chmodSync(path.join(outdir, 'berth.mjs'), 0o755);
  const keep = new Set(files.map((f) => path.basename(f.path)));
  for (const name of readdirSync(cmdDir)) if (!keep.has(name)) rmSync(path.join(cmdDir, name), { force: true });
  // Left by the earlier build (ESM code splitting) and its source map.
  rmSync(path.join(outdir, 'berth-chunks'), { recursive: true, force: true });
  rmSync(path.join(outdir, 'berth.mjs.map'), { force: true });
}

/**
 * The dashboard's page (src/dashboard/web/): one script and one style sheet (with xterm.js's and
 * uPlot's CSS) beside index.html in dist/dashboard/, served by `berth dashboard` with no CDN.
 */
async function buildDashboard() {
  const outdir = path.resolve('dist/dashboard');
  const web = { bundle: true, minify: true, sourcemap: 'linked', logLevel: 'warning', write: false, outdir };
  const results = await Promise.all([
    build({ ...web, entryPoints: { app: 'src/dashboard/web/main.ts' }, platform: 'browser', format: 'esm', target: 'es2022' }),
    build({ ...web, entryPoints: { app: 'src/dashboard/web/style.css' } }),
  ]);
  mkdirSync(outdir, { recursive: true });
  for (const file of results.flatMap((r) => r.outputFiles)) writeAtomic(file.path, file.contents);
  writeAtomic(path.join(outdir, 'index.html'), readFileSync('src/dashboard/web/index.html'));
}

function writeAtomic(file, contents) {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, contents);
  renameSync(tmp, file);
}

/**
 * Keeps one command module (`id`; none when undefined) in a CLI bundle: every other
 * `import('./commands/<id>.js')` in src/cli/commands.ts becomes a stub. The launcher sends a call
 * only to the bundle of the command main.ts will load for it, so a stub is never reached.
 */
function onlyCommand(id) {
  const table = path.resolve('src/cli/commands.ts');
  return {
    name: 'berth-only-command',
    setup(b) {
      b.onResolve({ filter: /^\.\/commands\/.+\.js$/ }, (args) => {
        if (args.importer !== table || args.path === `./commands/${id}.js`) return undefined;
        return { path: args.path, namespace: 'berth-other-command' };
      });
      b.onLoad({ filter: /.*/, namespace: 'berth-other-command' }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`berth: ${args.path} is not in this bundle (see scripts/build.mjs)`)});`,
        loader: 'js',
      }));
    },
  };
}
