// berth compose top: on a terminal, the live view of the project (rows per replica updated from
// the engine's events and stats, logs below, keys to restart and open a shell); otherwise, or
// with --no-tui, the running processes of each container as `docker compose top` prints them.
import type { Cli, CommandSpec } from '../../cli.js';
import { tabwrite } from '../../format/table.js';
import { canonicalName } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import type { Session } from '../../../compose/session.js';
import { liveView, wantLiveView } from './live.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose top [SERVICES...]',
  description: 'Display the running processes (on a terminal: a live view of the project)',
  flags: [{ name: 'no-tui', kind: 'bool', desc: 'Print the process tables instead of the live view' }],
};

export default async function top(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s, options } = await openProject(cli, { optional: true });
  if (wantLiveView(cli, options, flags.bool('no-tui'))) return live(cli, s, options, flags.positionals);
  const containers = await projectContainers(s.client, s.project.name, { services: flags.positionals, all: false });
  for (const c of containers) {
    const r = await s.client.containers.top(c.Id);
    let text = r.Titles.join('\t') + '\n';
    for (const p of r.Processes ?? []) text += p.join('\t') + '\n';
    cli.out(`${canonicalName(c)}\n${tabwrite(text, { minWidth: 0, padding: 3 })}\n`);
  }
  return 0;
}

/** The live view until q or Ctrl-C; the containers are left as they are. */
async function live(cli: Cli, s: Session, options: Parameters<typeof liveView>[2]['options'], services: string[]): Promise<number> {
  let quit!: () => void;
  const done = new Promise<void>((resolve) => (quit = resolve));
  const view = liveView(cli, s, { mode: 'top', options, leave: () => quit(), tail: 10, only: services });
  // Progress of the r key's restarts goes to the rows, not over the screen.
  s.progress = view.progress;
  s.warn = (m) => view.note(`WARN ${m}`);
  process.on('SIGINT', quit);
  process.on('SIGTERM', quit);
  try {
    await view.open();
    await done;
  } finally {
    process.off('SIGINT', quit);
    process.off('SIGTERM', quit);
    await view.close();
  }
  return 0;
}
