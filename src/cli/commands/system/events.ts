// berth events: the daemon's event stream, printed as docker prints it (or --format).
import type { Cli, CommandSpec } from '../../cli.js';
import type { EventMessage } from '../../../api-types/system.js';
import { Template } from '../../format/template.js';
import { rfc3339Nano } from '../../format/gotime.js';
import { parseTimestamp } from '../../format/timestamps.js';

export const spec: CommandSpec = {
  usage: 'events [OPTIONS]',
  description: 'Get real time events from the server',
  flags: [
    { name: 'filter', short: 'f', kind: 'list', desc: 'Filter output based on conditions provided' },
    { name: 'format', kind: 'string', desc: "Format output using a custom template: 'json', 'TEMPLATE'" },
    { name: 'since', kind: 'string', desc: 'Show all events created since timestamp' },
    { name: 'until', kind: 'string', desc: 'Stream events until this timestamp' },
  ],
  maxArgs: 0,
};

export type ApiEvent = EventMessage;

/** docker's default event line: time, type, action, actor ID and sorted attributes. */
export function eventLine(e: ApiEvent, rawTimeNano?: string): string {
  // timeNano exceeds 2^53: the exact digits come from the raw JSON text when we have it.
  const nano = rawTimeNano ? BigInt(rawTimeNano) : BigInt(Math.round(e.timeNano ?? e.time * 1e9));
  const attrs = e.Actor.Attributes ?? {};
  const keys = Object.keys(attrs).sort();
  const attrText = keys.length ? ` (${keys.map((k) => `${k}=${attrs[k]}`).join(', ')})` : '';
  return `${rfc3339Nano(nano)} ${e.Type} ${e.Action} ${e.Actor.ID}${attrText}`;
}

export default async function events(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const now = Date.now();
  const lines = cli.client().system.eventLines({
    filters: flags.list('filter'),
    since: flags.string('since') ? parseTimestamp(flags.string('since'), now) : undefined,
    until: flags.string('until') ? parseTimestamp(flags.string('until'), now) : undefined,
  });
  const format = flags.string('format');
  const tmpl = format ? new Template(format.trim() === 'json' ? '{{json .}}' : format) : undefined;
  const print = (line: string) => {
    if (!line.trim()) return;
    const e = JSON.parse(line) as ApiEvent;
    cli.out(`${tmpl ? tmpl.execute(e) : eventLine(e, /"timeNano":(\d+)/.exec(line)?.[1])}\n`);
  };
  for await (const line of lines) print(line);
  return 0;
}
