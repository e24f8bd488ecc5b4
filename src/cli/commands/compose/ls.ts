// berth compose ls: the compose projects on the engine, from their containers' labels.
import type { Cli, CommandSpec } from '../../cli.js';
import { renderRows } from '../../format/formatter.js';
import { ComposeLabels } from '../../../compose/naming.js';

export const spec: CommandSpec = {
  usage: 'compose ls [OPTIONS]',
  description: 'List running compose projects',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Show all stopped Compose projects' },
    { name: 'format', kind: 'string', default: 'table', desc: 'Format the output. Values: [table | json]' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only display project names' },
    { name: 'filter', kind: 'list', desc: 'Filter output based on conditions provided' },
  ],
  maxArgs: 0,
};

export default async function ls(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const containers = await cli.client().containers.list({ all: flags.bool('all'), filters: { label: [ComposeLabels.project] } });
  const projects = new Map<string, { states: Map<string, number>; files: string }>();
  for (const c of containers) {
    const name = c.Labels?.[ComposeLabels.project] ?? '';
    const p = projects.get(name) ?? { states: new Map(), files: c.Labels?.[ComposeLabels.configFiles] ?? '' };
    p.states.set(c.State ?? '', (p.states.get(c.State ?? '') ?? 0) + 1);
    projects.set(name, p);
  }
  let rows = [...projects.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([Name, p]) => ({ Name, Status: [...p.states.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([st, n]) => `${st}(${n})`).join(', '), ConfigFiles: p.files }));
  for (const f of flags.list('filter')) {
    const [k, v] = f.split('=');
    if (k === 'name') rows = rows.filter((r) => r.Name.includes(v));
  }
  if (flags.bool('quiet')) cli.out(rows.map((r) => `${r.Name}\n`).join(''));
  else if (flags.string('format') === 'json') cli.out(`${JSON.stringify(rows)}\n`);
  else cli.out(renderRows(flags.string('format'), 'table {{.Name}}\t{{.Status}}\t{{.ConfigFiles}}', rows, { Name: 'NAME', Status: 'STATUS', ConfigFiles: 'CONFIG FILES' }));
  return 0;
}
