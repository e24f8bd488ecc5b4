// The live view put together: the model's state, updated by the feeds and by `up`'s progress
// events, drawn on the screen; the keys move the selection and the log filter here, and hand
// what needs the engine or the terminal (restart, shell, quit) to the command through `hooks`.
import type { EngineClient } from '../../client/client.js';
import { Attacher } from '../attach.js';
import type { LogSink } from '../log-printer.js';
import type { ProgressSink } from '../progress.js';
import { Feeds } from './feeds.js';
import type { Key } from './keys.js';
import { initialState, reduce, selectedReplica, type Action, type ServiceInfo, type ViewState } from './model.js';
import { renderFrame } from './render.js';
import { Screen } from './screen.js';

export interface ViewHooks {
  /** Restarts a service's containers. */
  restart(service: string): Promise<void>;
  /** Runs an interactive shell in a container; the terminal is the shell's meanwhile. */
  shell(containerId: string): Promise<void>;
  /** q, d, Ctrl-C (and SIGINT): what they do depends on the command. */
  leave(key: 'quit' | 'detach' | 'interrupt'): void;
}

export interface LiveViewOptions {
  client: EngineClient;
  project: string;
  mode: 'up' | 'top';
  services: ServiceInfo[];
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  color: boolean;
  hooks: ViewHooks;
  /** The services shown (all when absent). */
  only?: readonly string[];
  /** Whose output to show (all when absent). */
  followed?: (service: string) => boolean;
  /** Earlier lines shown for containers already running. */
  tail?: number;
}

export class LiveView {
  private state: ViewState;
  private readonly screen: Screen;
  private readonly feeds: Feeds;
  /** Follows the containers' output into the log pane (`up` also reads its exits). */
  readonly attacher: Attacher;
  private busy = false;

  /** `up`'s progress events ("Waiting", "Healthy"…), shown in the rows. */
  readonly progress: ProgressSink = (event) => this.dispatch({ kind: 'progress', event });

  private readonly sink: LogSink = {
    register: () => undefined,
    line: (name, text, stream = 'stdout') => this.dispatch({ kind: 'log', line: { name, service: this.serviceOfName(name), text, stream } }),
    status: (name, message) => this.dispatch({ kind: 'log', line: { name, service: this.serviceOfName(name), text: message, stream: 'status' } }),
  };

  constructor(private readonly opts: LiveViewOptions) {
    this.state = initialState(opts.project, opts.mode, opts.services);
    this.screen = new Screen({
      stdin: opts.stdin,
      stdout: opts.stdout,
      render: (w, h) => renderFrame(this.state, w, h, { color: opts.color }),
      onKey: (k) => this.onKey(k),
    });
    this.attacher = new Attacher(opts.client, opts.project, this.sink);
    this.feeds = new Feeds({ client: opts.client, project: opts.project, dispatch: (a) => this.dispatch(a), follow: (c, from) => this.attacher.follow(c, from), services: opts.only, followed: opts.followed, tail: opts.tail });
  }

  /** The service of a short name ("web-1" → web), from the replicas known. */
  private serviceOfName(name: string): string {
    return this.state.replicas.find((r) => `${r.service}-${r.number}` === name)?.service ?? name.replace(/-\d+$/, '');
  }

  dispatch(a: Action): void {
    this.state = reduce(this.state, a);
    this.screen.invalidate();
  }

  /** A line of berth's own in the log pane (warnings, build output). */
  note(text: string): void {
    for (const line of text.split('\n')) if (line.trim()) this.dispatch({ kind: 'log', line: { name: '', service: '', text: line, stream: 'status' } });
  }

  /** The line above the keys; cleared with no text. */
  status(text?: string): void {
    this.dispatch({ kind: 'status', text });
  }

  /** Takes the terminal and starts the feeds. */
  async open(): Promise<void> {
    this.screen.enter();
    await this.feeds.open();
  }

  /** Stops the feeds and following, and gives the terminal back. */
  async close(): Promise<void> {
    this.attacher.stop();
    await this.feeds.close();
    this.screen.leave();
  }

  private onKey(key: Key): void {
    switch (key) {
      case 'up':
        return this.dispatch({ kind: 'select', delta: -1 });
      case 'down':
        return this.dispatch({ kind: 'select', delta: 1 });
      case 'filter':
        return this.dispatch({ kind: 'cycleFilter' });
      case 'all-logs':
        return this.dispatch({ kind: 'filter' });
      case 'restart':
        return void this.restartSelected();
      case 'shell':
      case 'enter':
        return void this.shellSelected();
      case 'quit':
      case 'interrupt':
        return this.opts.hooks.leave(key);
      case 'detach':
        if (this.opts.mode === 'up') this.opts.hooks.leave('detach');
        return;
      default:
        return;
    }
  }

  private async restartSelected(): Promise<void> {
    const r = selectedReplica(this.state);
    if (!r || this.busy) return;
    this.busy = true;
    this.status(`Restarting ${r.service}…`);
    try {
      await this.opts.hooks.restart(r.service);
      this.status();
    } catch (e) {
      this.status(`restart ${r.service}: ${(e as Error).message}`);
    } finally {
      this.busy = false;
    }
  }

  private async shellSelected(): Promise<void> {
    const r = selectedReplica(this.state);
    if (!r || this.busy) return;
    if (r.state !== 'running') {
      this.status(`${r.service}-${r.number} is not running`);
      return;
    }
    this.busy = true;
    this.screen.leave();
    let failure: string | undefined;
    try {
      await this.opts.hooks.shell(r.id);
    } catch (e) {
      failure = `shell in ${r.service}-${r.number}: ${(e as Error).message}`;
    } finally {
      this.busy = false;
      this.screen.enter();
      this.status(failure);
    }
  }
}
