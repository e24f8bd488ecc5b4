// Builds berth: tsc emits build/ (tests run from there), esbuild bundles the two programs into
// single files in dist/ so each CLI call loads one module (Node start-up is on every `berth` call).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';

execFileSync('node_modules/.bin/tsc', ['-p', 'tsconfig.json'], { stdio: 'inherit' });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  banner: { js: "#!/usr/bin/env node\nimport { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
  logLevel: 'warning',
};
await build({ ...common, entryPoints: ['src/daemon/main.ts'], outfile: 'dist/berthd.mjs' });
await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/berth.mjs' });
chmodSync('dist/berthd.mjs', 0o755);
chmodSync('dist/berth.mjs', 0o755);
