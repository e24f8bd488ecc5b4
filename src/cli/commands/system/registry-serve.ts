// berth registry serve: run the OCI distribution server (flags are the server's own).
import type { Cli, CommandSpec } from '../../cli.js';

export const spec: CommandSpec = { usage: 'registry serve [OPTIONS]', description: 'Run an image registry server', flags: [] };

export default async function serve(_cli: Cli, argv: string[]): Promise<number> {
  const { runRegistryServer } = await import('../../../registry/server/main.js');
  await runRegistryServer(argv);
  return 0;
}
