// berth compose ps: the project's containers as compose lists them.
import type { ContainerSummary } from '../../../api-types/containers.js';
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { ellipsis, renderRows } from '../../format/formatter.js';
import { displayablePorts } from '../../format/ports.js';
import { ago } from '../../format/units.js';
import { canonicalName, serviceOf } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose ps [OPTIONS] [SERVICE...]',
  description: 'List containers',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Show all stopped containers (including those created by the run command)' },
    { name: 'format', kind: 'string', desc: 'Format output using a custom template: table, json, or a Go template' },
    { name: 'services', kind: 'bool', desc: 'Display services' },
    { name: 'status', kind: 'list', desc: 'Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]' },
    { name: 'filter', kind: 'string', desc: 'Filter services by a property (supported filters: status)' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only display IDs' },
    { name: 'no-trunc', kind: 'bool', desc: "Don't truncate output" },
    { name: 'orphans', kind: 'bool', desc: 'Include orphaned services (not declared by project)', default: 'true' },
  ],
};

const STATES = ['paused', 'restarting', 'removing', 'running', 'dead', 'created', 'exited'];

/** A container as compose's ps formatter exposes it (the fields of `--format json`). */
export function psRow(project: string, c: ContainerSummary, noTrunc = false) {
  const ports = c.Ports ?? [];
  const command = c.Command ?? '';
  return {
    Command: noTrunc ? `"${command}"` : `"${ellipsis(command, 20)}"`,
    CreatedAt: new Date(c.Created * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' +0000 UTC'),
    ExitCode: c.State === 'exited' ? Number(/Exited \((\d+)\)/.exec(c.Status ?? '')?.[1] ?? 0) : 0,
    Health: /\((healthy|unhealthy|health: starting)\)/.exec(c.Status ?? '')?.[1]?.replace('health: ', '') ?? '',
    ID: noTrunc ? c.Id : c.Id.slice(0, 12),
    Image: c.Image,
    Labels: Object.entries(c.Labels ?? {}).map(([k, v]) => `${k}=${v}`).join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Type === 'volume').length),
    Mounts: (c.Mounts ?? []).map((m) => m.Name ?? m.Source ?? '').join(','),
    Name: canonicalName(c),
    Names: canonicalName(c),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).join(','),
    Ports: displayablePorts(ports),
    Project: project,
    Publishers: ports.map((p) => ({ URL: p.IP ?? '', TargetPort: p.PrivatePort, PublishedPort: p.PublicPort ?? 0, Protocol: p.Type })),
    RunningFor: ago(c.Created),
    Service: serviceOf(c),
    Size: '0B',
    State: c.State ?? '',
    Status: c.Status ?? '',
  };
}

export default async function ps(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session } = await openProject(cli, { optional: true });
  const statuses = flags.list('status');
  const filter = flags.string('filter');
  if (filter) {
    const [k, v] = filter.split('=');
    if (k !== 'status') throw new UsageError(`unsupported filter ${k}`);
    statuses.push(v);
  }
  for (const st of statuses) if (!STATES.includes(st)) throw new UsageError(`invalid status: ${st}`);
  let containers = await projectContainers(session.client, session.project.name, {
    all: flags.bool('all') || statuses.length > 0,
    oneOff: flags.bool('all') ? 'include' : 'exclude',
    services: flags.positionals,
  });
  if (statuses.length) containers = containers.filter((c) => statuses.includes(c.State ?? ''));
  if (flags.bool('services')) {
    const names = [...new Set(containers.map(serviceOf))];
    cli.out(names.map((n) => `${n}\n`).join(''));
    return 0;
  }
  if (flags.bool('quiet')) {
    cli.out(containers.map((c) => `${flags.bool('no-trunc') ? c.Id : c.Id.slice(0, 12)}\n`).join(''));
    return 0;
  }
  const rows = containers.map((c) => psRow(session.project.name, c, flags.bool('no-trunc')));
  const format = flags.string('format') || 'table';
  if (format === 'json') {
    cli.out(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return 0;
  }
  cli.out(
    renderRows(format, 'table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}', rows, {
      Name: 'NAME',
      Image: 'IMAGE',
      Command: 'COMMAND',
      Service: 'SERVICE',
      RunningFor: 'CREATED',
      Status: 'STATUS',
      Ports: 'PORTS',
      ID: 'CONTAINER ID',
      State: 'STATE',
      Project: 'PROJECT',
      Health: 'HEALTH',
      ExitCode: 'EXIT CODE',
      Networks: 'NETWORKS',
      Labels: 'LABELS',
      CreatedAt: 'CREATED AT',
    }),
  );
  return 0;
}
