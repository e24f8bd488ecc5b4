// The glue between the compose commands and the live view (src/compose/tui): when to show it,
// the services it lists, and the hooks that need the CLI (a shell on our terminal).
import type { Cli } from '../../cli.js';
import { runExec, terminalSize } from '../../attach.js';
import { restart } from '../../../compose/restart.js';
import { serviceHash } from '../../../compose/hash.js';
import type { ServiceConfig } from '../../../compose/model.js';
import type { Session } from '../../../compose/session.js';
import { servicesOf } from '../../../compose/tui/model.js';
import { LiveView, type LiveViewOptions, type ViewHooks } from '../../../compose/tui/view.js';
import type { ComposeOptions } from './options.js';

/** The live view needs a terminal to draw on and read keys from, and escapes allowed. */
export function wantLiveView(cli: Cli, options: ComposeOptions, noTui: boolean): boolean {
  return !noTui && options.ansi !== 'never' && !!cli.stdout.isTTY && !!cli.stdin.isTTY;
}

/** A service whose config hash the file alone decides (no `service:` reference resolved at up). */
function hashable(svc: ServiceConfig): boolean {
  const ref = (v?: string) => !!v?.startsWith('service:');
  return !ref(svc.network_mode) && !ref(svc.ipc) && !ref(svc.pid) && !svc.volumes_from?.length;
}

/** `sh` in the container, on our terminal (the view has handed it over). */
async function shell(cli: Cli, containerId: string): Promise<void> {
  cli.out(`\x1b[2J\x1b[H(berth compose: shell in ${containerId.slice(0, 12)}; exit it to return to the live view)\r\n`);
  const code = await runExec(cli, containerId, { Tty: true, ConsoleSize: terminalSize(cli) ?? null, AttachStdin: true, AttachStdout: true, AttachStderr: true, Cmd: ['sh'] });
  // The runtime's "not found" / "not executable": the screen coming back would hide its message.
  if (code === 126 || code === 127) throw new Error(`sh could not run (exit ${code})`);
}

/** A live view of the session's project; `leave` decides what q, d and Ctrl-C do. */
export function liveView(
  cli: Cli,
  s: Session,
  opts: { mode: 'up' | 'top'; options: ComposeOptions; leave: ViewHooks['leave'] } & Pick<LiveViewOptions, 'only' | 'followed' | 'tail'> & Partial<Pick<LiveViewOptions, 'color'>>,
): LiveView {
  return new LiveView({
    client: s.client,
    project: s.project.name,
    mode: opts.mode,
    services: servicesOf(s.project, (name) => {
      const svc = s.project.services[name];
      return hashable(svc) ? serviceHash(svc) : undefined;
    }),
    stdin: cli.stdin,
    stdout: cli.stdout,
    color: opts.color ?? true,
    only: opts.only,
    followed: opts.followed,
    tail: opts.tail,
    hooks: {
      restart: (service) => restart(s, [service]),
      shell: (id) => shell(cli, id),
      leave: opts.leave,
    },
  });
}
