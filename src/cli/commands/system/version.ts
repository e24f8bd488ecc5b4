// berth version: client and daemon versions in docker's layout (or --format).
import os from 'node:os';
import type { Cli, CommandSpec } from '../../cli.js';
import { renderEach } from '../../format/formatter.js';
import { BERTH_VERSION } from '../../../version.js';
import { describeError } from '../../../client/errors.js';
import type { SystemVersion } from '../../../api-types/system.js';
import { StatusError } from '../../errors.js';

export const spec: CommandSpec = {
  usage: 'version [OPTIONS]',
  description: 'Show the berth version information',
  flags: [{ name: 'format', short: 'f', kind: 'string', desc: "Format output using a custom template: 'json', 'TEMPLATE'" }],
  maxArgs: 0,
};

type ServerVersion = SystemVersion;

const arch = (): string => ({ x64: 'amd64', arm64: 'arm64', ia32: '386' })[process.arch as string] ?? process.arch;

function line(label: string, value: string, indent: number): string {
  return `${' '.repeat(indent)}${`${label}:`.padEnd(20 - indent)}${value}\n`.replace(/ +\n$/, '\n');
}

export default async function version(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const client = {
    Platform: { Name: 'berth' },
    Version: BERTH_VERSION,
    ApiVersion: '1.50',
    DefaultAPIVersion: '1.50',
    GoVersion: `node${process.versions.node}`,
    GitCommit: 'berth',
    BuiltTime: '',
    Os: 'linux',
    Arch: arch(),
    Context: 'default',
  };
  let server: ServerVersion | undefined;
  let serverError: unknown;
  try {
    server = await cli.client().system.version();
  } catch (e) {
    serverError = e;
  }
  if (flags.string('format')) {
    cli.out(renderEach(flags.string('format'), [{ Client: client, Server: server ?? null }]));
    if (serverError) throw new StatusError(describeError(serverError), 1);
    return 0;
  }
  let out = 'Client:\n';
  out += line('Version', client.Version, 1);
  out += line('API version', client.ApiVersion, 1);
  out += line('Node version', process.version, 1);
  out += line('OS/Arch', `${os.platform()}/${arch()}`, 1);
  out += line('Context', 'default', 1);
  if (server) {
    out += `\nServer:${server.Platform?.Name ? ` ${server.Platform.Name}` : ''}\n`;
    const components = server.Components?.length ? server.Components : [{ Name: 'Engine', Version: server.Version, Details: {} }];
    for (const c of components) {
      out += ` ${c.Name}:\n`;
      if (c.Name === 'Engine') {
        out += line('Version', server.Version, 2);
        out += line('API version', `${server.ApiVersion} (minimum version ${server.MinAPIVersion ?? server.ApiVersion})`, 2);
        if (server.GoVersion) out += line('Go version', server.GoVersion, 2);
        if (server.GitCommit) out += line('Git commit', server.GitCommit, 2);
        if (server.BuildTime) out += line('Built', server.BuildTime, 2);
        out += line('OS/Arch', `${server.Os}/${server.Arch}`, 2);
        out += line('Experimental', String(Boolean(server.Experimental)), 2);
      } else {
        out += line('Version', c.Version, 2);
        for (const [k, v] of Object.entries(c.Details ?? {})) out += line(k, v, 2);
      }
    }
  }
  cli.out(out);
  if (serverError) throw new StatusError(describeError(serverError), 1);
  return 0;
}
