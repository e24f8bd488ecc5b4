// berth compose events: the engine's container events for the project, as compose prints them.
import type { Cli, CommandSpec } from '../../cli.js';
import { ComposeLabels } from '../../../compose/naming.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose events [OPTIONS] [SERVICE...]',
  description: 'Receive real time events from containers',
  flags: [
    { name: 'json', kind: 'bool', desc: 'Output events as a stream of json objects' },
    { name: 'since', kind: 'string', desc: 'Show all events created since timestamp' },
    { name: 'until', kind: 'string', desc: 'Stream events until this timestamp' },
  ],
};

export default async function events(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  const services = new Set(flags.positionals);
  for await (const e of s.client.system.events({
    since: flags.string('since') || undefined,
    until: flags.string('until') || undefined,
    filters: { type: ['container'], label: [`${ComposeLabels.project}=${s.project.name}`] },
  })) {
    const attrs = { ...(e.Actor.Attributes ?? {}) };
    const service = attrs[ComposeLabels.service] ?? '';
    if (services.size && !services.has(service)) continue;
    const time = new Date((e.timeNano ? e.timeNano / 1e6 : e.time * 1000)).toISOString();
    for (const k of Object.keys(attrs)) if (k.startsWith('com.docker.compose.')) delete attrs[k];
    if (flags.bool('json')) {
      cli.out(`${JSON.stringify({ time, type: 'container', action: e.Action, id: e.Actor.ID, service, attributes: attrs })}\n`);
    } else {
      const extra = Object.entries(attrs).map(([k, v]) => `${k}=${v}`).join(', ');
      cli.out(`${time} container ${e.Action} ${e.Actor.ID}${extra ? ` (${extra})` : ''}\n`);
    }
  }
  return 0;
}
