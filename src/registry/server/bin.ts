// Standalone registry program: `node bin.js serve [flags]` or `node bin.js gc --root DIR`.
import { runRegistryGc, runRegistryServer } from './main.js';

const [verb, ...rest] = process.argv.slice(2);
const run = verb === 'gc' || verb === 'garbage-collect' ? runRegistryGc : verb === 'serve' || verb === undefined ? runRegistryServer : undefined;
if (!run) {
  process.stderr.write('usage: berth-registry serve [flags] | gc --root DIR [--dry-run]\n');
  process.exit(2);
}
run(verb === undefined ? [] : rest).catch((e: unknown) => {
  process.stderr.write(`berth-registry: ${(e as Error).message}\n`);
  process.exit(1);
});
