// berth registry gc: mark-and-sweep garbage collection of a registry's storage (flags are the
// collector's own, as for `registry serve`).
import type { Cli, CommandSpec } from '../../cli.js';

export const spec: CommandSpec = { usage: 'registry gc [OPTIONS]', description: 'Delete the blobs no manifest of a registry refers to', flags: [] };

export default async function gc(_cli: Cli, argv: string[]): Promise<number> {
  const { runRegistryGc } = await import('../../../registry/server/main.js');
  await runRegistryGc(argv);
  return 0;
}
