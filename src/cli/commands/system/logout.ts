// berth logout: forget the stored credentials of a registry.
import type { Cli, CommandSpec } from '../../cli.js';
import { DOCKER_INDEX_SERVER, readConfig, serverKey, writeConfig } from '../../auth.js';

export const spec: CommandSpec = { usage: 'logout [SERVER]', description: 'Log out from a registry.\nIf no server is specified, the default is defined by the daemon.', flags: [], maxArgs: 1 };

export default async function logout(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const server = flags.positionals[0] ? serverKey(flags.positionals[0].replace(/^https?:\/\//, '').replace(/\/.*$/, '')) : DOCKER_INDEX_SERVER;
  const config = readConfig(cli.globals.configDir);
  const keys = [server, `https://${server}`, `http://${server}`].filter((k) => config.auths?.[k]);
  if (keys.length === 0) {
    cli.out(`Not logged in to ${server}\n`);
    return 0;
  }
  cli.out(`Removing login credentials for ${server}\n`);
  for (const k of keys) delete config.auths![k];
  writeConfig(config, cli.globals.configDir);
  return 0;
}
