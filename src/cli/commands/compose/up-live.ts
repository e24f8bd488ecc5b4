// `compose up` attached, in the live view: the view opens first, so creating, waiting on
// dependencies and starting show in its rows as they happen; then it follows the project until
// the user leaves. As attached `up`, q and Ctrl+C stop the project (a second press kills it, as
// compose's second Ctrl+C does); d detaches and leaves it running. --abort-on-container-exit,
// --abort-on-container-failure and --exit-code-from work as in plain output.
import type { Cli } from '../../cli.js';
import type { ExitInfo } from '../../../compose/attach.js';
import { kill, stop as stopProject } from '../../../compose/down.js';
import { lineSink, type ProgressEvent } from '../../../compose/progress.js';
import { converge, startServices, type CreateOptions } from '../../../compose/up.js';
import type { Session } from '../../../compose/session.js';
import { liveView } from './live.js';
import type { ComposeOptions } from './options.js';
import { fail } from './project.js';
import { settled } from '../../../util/best-effort.js';

export interface UpLiveOptions {
  options: ComposeOptions;
  create: CreateOptions;
  /** The services whose output the log pane shows. */
  attached: ReadonlySet<string>;
  timeout?: number;
  abortOnExit: boolean;
  abortOnFailure: boolean;
  exitCodeFrom?: string;
  /** Colours (off with --no-color). */
  color: boolean;
}

export async function upLive(cli: Cli, s: Session, o: UpLiveOptions): Promise<number> {
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let presses = 0;
  let interrupted = false;
  let detached = false;
  let failure: unknown;
  let abortedBy: ExitInfo | undefined;
  let stopping: Promise<void> | undefined;

  const stopAll = (why: string): Promise<void> => {
    stopping ??= (async () => {
      view.status(why);
      try {
        await stopProject(s, [], o.timeout);
      } catch (e) {
        failure ??= e;
      }
      finish();
    })();
    return stopping;
  };
  const leave = (key: 'quit' | 'detach' | 'interrupt') => {
    if (key === 'detach') {
      if (stopping) return;
      detached = true;
      finish();
      return;
    }
    if (key === 'interrupt') interrupted = true;
    if (++presses === 1) void stopAll('Gracefully stopping... (press Ctrl+C again to force)');
    else {
      view.status('Killing...');
      void kill(s, []).then(finish, (e: unknown) => {
        failure ??= e;
        finish();
      });
    }
  };
  const onSignal = () => leave('interrupt');

  const view = liveView(cli, s, { mode: 'up', options: o.options, leave, followed: (n) => o.attached.has(n), color: o.color });
  // Kept to be printed, last word per object, if `up` fails: what it left is reported as plain `up` does.
  const progress = new Map<string, ProgressEvent>();
  s.progress = (e) => {
    progress.set(e.id, e);
    view.progress(e);
  };
  s.warn = (m) => view.note(`WARN ${m}`);
  view.attacher.onExit = (e) => {
    if (o.abortOnExit || (o.abortOnFailure && e.code !== 0)) {
      abortedBy ??= e;
      void stopAll('Aborting on container exit...');
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await view.open();
    const work = (async () => {
      const observed = await converge(s, { ...o.create, write: (t) => view.note(t) });
      await startServices(s, observed, { services: o.create.services, noDeps: o.create.noDeps });
    })();
    work.then(
      () => {
        // Plain `up` ends here; the view stays until the user leaves it.
        void settled(view.attacher.all()).then(() => {
          if (!stopping) view.status('Every container has exited (q to quit)');
        });
      },
      (e: unknown) => {
        failure ??= e;
        finish();
      },
    );
    await finished;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await view.close();
  }
  if (failure) {
    const sink = lineSink((t) => cli.err(t), !!cli.stderr.isTTY);
    for (const e of progress.values()) sink(e);
    fail(failure);
  }
  if (detached) {
    cli.err(`Detached: ${s.project.name} keeps running (berth compose down to remove it)\n`);
    return 0;
  }
  if (interrupted) return 130;
  if (o.exitCodeFrom) return view.attacher.exitOf(o.exitCodeFrom)?.code ?? 0;
  if (abortedBy) return abortedBy.code;
  return 0;
}
