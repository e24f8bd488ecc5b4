// What the berth compose verbs share: loading the project from compose's options, the session
// (client, progress on stderr, warnings), and finding the project's containers.
import type { Cli } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { describeError } from '../../../client/errors.js';
import { loadProject, ComposeError } from '../../../compose/loader/index.js';
import type { LoadedProject } from '../../../compose/model.js';
import { lineSink, silent } from '../../../compose/progress.js';
import type { Session } from '../../../compose/session.js';
import { composeOptions, type ComposeOptions } from './options.js';

export interface Opened {
  session: Session;
  loaded?: LoadedProject;
  options: ComposeOptions;
}

/**
 * Loads the project and opens a session. With `optional`, a missing compose file is fine when
 * the project name is known (-p or COMPOSE_PROJECT_NAME): down, ps, logs… work on the name alone.
 */
export async function openProject(cli: Cli, opts: { services?: string[]; optional?: boolean } = {}): Promise<Opened> {
  const options = composeOptions(cli);
  const progressMode = options.progress;
  const tty = progressMode === 'tty' || (progressMode === 'auto' && !!cli.stderr.isTTY);
  const session: Session = {
    client: cli.client(),
    project: { name: '', services: {} },
    origin: { workingDir: process.cwd(), configFiles: [] },
    progress: progressMode === 'quiet' ? silent : lineSink((t) => cli.err(t), tty),
    warn: (m) => cli.err(`WARN[0000] ${m}\n`),
  };
  let loaded: LoadedProject | undefined;
  try {
    loaded = await loadProject({ ...options.load, services: opts.services?.length ? opts.services : undefined, discardEnvFiles: true });
  } catch (e) {
    const name = options.load.projectName ?? process.env.COMPOSE_PROJECT_NAME;
    const noFile = e instanceof ComposeError && /no configuration file provided|not found|no such file/.test(e.message);
    if (!(opts.optional && name && noFile)) {
      if (e instanceof ComposeError) throw new StatusError(e.message, 1);
      throw e;
    }
    session.project = { name, services: {} };
    return { session, options };
  }
  session.project = loaded.project;
  session.origin = { workingDir: loaded.workingDir, configFiles: loaded.configFiles, envFiles: options.load.envFiles?.length ? options.load.envFiles : undefined };
  session.disabled = Object.keys(loaded.disabledServices);
  return { session, loaded, options };
}

/** Compose's errors end the command with status 1 and the message alone. */
export function fail(e: unknown): never {
  if (e instanceof StatusError) throw e;
  // The engine's refusals keep the docker client's "Error response from daemon:" as compose prints them.
  throw new StatusError(describeError(e), 1);
}
