// berth dashboard: serve the web dashboard (src/dashboard/server) for one or more engines and
// print the URL to open, with its login token, as Jupyter does. Runs until interrupted.
import type { Cli, CommandSpec } from '../../cli.js';
import { resolveEndpoint } from '../../../client/host.js';

export const spec: CommandSpec = {
  usage: 'dashboard [OPTIONS]',
  description: 'Serve the web dashboard of one or more engines',
  flags: [
    { name: 'addr', kind: 'string', desc: 'Address to listen on, HOST:PORT (default "127.0.0.1:2378"; beyond loopback only with --tlscert and --tlskey)' },
    { name: 'host', short: 'H', kind: 'list', desc: 'Engine to watch (repeat for several; default: the global -H, BERTH_HOST, DOCKER_HOST or the local socket)' },
    { name: 'tlscert', kind: 'string', desc: "Serve HTTPS with this certificate (the dashboard's own, not the engine's)" },
    { name: 'tlskey', kind: 'string', desc: 'Private key of --tlscert' },
    { name: 'registry', kind: 'list', desc: 'Registry to browse on the registry page, HOST[:PORT] (repeat for several; credentials from the docker config, or log in on the page)' },
    { name: 'token-file', kind: 'string', desc: 'Read the login token from this file instead of making a random one (the same login URL after a restart)' },
    { name: 'state-dir', kind: 'string', desc: 'Keep the sessions here, so open pages stay signed in across a restart (default $XDG_STATE_HOME/berth or ~/.local/state/berth)' },
  ],
  maxArgs: 0,
};

export default async function dashboard(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { startDashboard } = await import('../../../dashboard/server/server.js');
  const { stateDir } = await import('../../../dashboard/server/session-file.js');
  const { readFileSync } = await import('node:fs');
  const hosts = flags.list('host');
  const endpoints = hosts.length ? hosts.map((host) => resolveEndpoint({ ...cli.globals, host })) : [resolveEndpoint(cli.globals)];
  const tokenFile = flags.optString('token-file');
  const token = tokenFile ? readFileSync(tokenFile, 'utf8').trim() : undefined;
  if (tokenFile && !token) throw new Error(`${tokenFile} is empty`);
  const d = await startDashboard({
    addr: flags.optString('addr'),
    tlsCert: flags.optString('tlscert'),
    tlsKey: flags.optString('tlskey'),
    endpoints,
    token,
    registries: flags.list('registry'),
    stateDir: flags.optString('state-dir') || stateDir(),
  });
  cli.out(`berth dashboard for ${endpoints.map((e) => e.url).join(', ')}\n\n    Open ${d.loginUrl}\n\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await d.close();
  return 0;
}
