// berth info: system-wide information from GET /info in docker's layout (or --format).
import type { Cli, CommandSpec } from '../../cli.js';
import { renderEach } from '../../format/formatter.js';
import { bytesSize } from '../../format/units.js';
import { BERTH_VERSION } from '../../../version.js';

export const spec: CommandSpec = {
  usage: 'info [OPTIONS]',
  description: 'Display system-wide information',
  flags: [{ name: 'format', short: 'f', kind: 'string', desc: "Format output using a custom template: 'json', 'TEMPLATE'" }],
  maxArgs: 0,
};

type Info = Record<string, any>;

export default async function info(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const i: Info = await cli.client().system.info();
  if (flags.string('format')) {
    cli.out(renderEach(flags.string('format'), [i]));
    return 0;
  }
  const lines: string[] = ['Client:', ` Version:    ${BERTH_VERSION}`, ' Context:    default', ` Debug Mode: ${Boolean(cli.globals.debug)}`, '', 'Server:'];
  const add = (label: string, value: unknown, indent = 1) => {
    if (value === undefined || value === null || value === '') return;
    lines.push(`${' '.repeat(indent)}${label}: ${value}`);
  };
  add('Containers', i.Containers);
  add('Running', i.ContainersRunning, 2);
  add('Paused', i.ContainersPaused, 2);
  add('Stopped', i.ContainersStopped, 2);
  add('Images', i.Images);
  add('Server Version', i.ServerVersion);
  add('Storage Driver', i.Driver);
  for (const [k, v] of (i.DriverStatus ?? []) as [string, string][]) add(k, v, 2);
  add('Logging Driver', i.LoggingDriver);
  add('Cgroup Driver', i.CgroupDriver);
  add('Cgroup Version', i.CgroupVersion);
  if (i.Plugins) {
    lines.push(' Plugins:');
    add('Volume', (i.Plugins.Volume ?? []).join(' '), 2);
    add('Network', (i.Plugins.Network ?? []).join(' '), 2);
    add('Log', (i.Plugins.Log ?? []).join(' '), 2);
  }
  if (i.Runtimes) add('Runtimes', Object.keys(i.Runtimes).join(' '));
  add('Default Runtime', i.DefaultRuntime);
  add('Init Binary', i.InitBinary);
  if (i.SecurityOptions?.length) {
    lines.push(' Security Options:');
    for (const o of i.SecurityOptions as string[]) {
      const parts = o.split(',');
      const name = parts[0].replace(/^name=/, '');
      lines.push(`  ${name}`);
      for (const p of parts.slice(1)) {
        const [k, v] = p.split('=');
        lines.push(`   ${k[0].toUpperCase()}${k.slice(1)}: ${v}`);
      }
    }
  }
  add('Kernel Version', i.KernelVersion);
  add('Operating System', i.OperatingSystem);
  add('OSType', i.OSType);
  add('Architecture', i.Architecture);
  add('CPUs', i.NCPU);
  if (i.MemTotal !== undefined) add('Total Memory', bytesSize(i.MemTotal));
  add('Name', i.Name);
  add('ID', i.ID);
  add('Docker Root Dir', i.DockerRootDir);
  add('Debug Mode', i.Debug !== undefined ? String(i.Debug) : undefined);
  add('Experimental', i.ExperimentalBuild !== undefined ? String(i.ExperimentalBuild) : undefined);
  if (i.InsecureRegistries?.length) {
    lines.push(' Insecure Registries:');
    for (const r of i.InsecureRegistries as string[]) lines.push(`  ${r}`);
  }
  add('Live Restore Enabled', i.LiveRestoreEnabled !== undefined ? String(i.LiveRestoreEnabled) : undefined);
  cli.out(lines.join('\n') + '\n');
  for (const w of (i.Warnings ?? []) as string[]) cli.err(`${w}\n`);
  return 0;
}
