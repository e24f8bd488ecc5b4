// The simple verbs on the project's containers (start, stop, restart, kill, pause, unpause, rm),
// shared by their command modules.
import type { Cli, CommandSpec } from '../../cli.js';
import { eachContainer, kill, rm, stop } from '../../../compose/down.js';
import { restart } from '../../../compose/restart.js';
import { startExisting } from '../../../compose/up.js';
import { fail, openProject } from './project.js';

export const timeoutFlag = { name: 'timeout', short: 't', kind: 'int' as const, desc: 'Specify a shutdown timeout in seconds' };

export function verbSpec(verb: string, description: string, flags: CommandSpec['flags'] = []): CommandSpec {
  return { usage: `compose ${verb} [OPTIONS] [SERVICE...]`, description, flags };
}

export async function startVerb(cli: Cli, argv: string[], spec: CommandSpec): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { services: flags.positionals });
  try {
    await startExisting(s, flags.positionals);
  } catch (e) {
    fail(e);
  }
  return 0;
}

export async function stopVerb(cli: Cli, argv: string[], spec: CommandSpec): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session } = await openProject(cli, { optional: true });
  try {
    await stop(session, flags.positionals, flags.changed('timeout') ? flags.int('timeout') : undefined);
  } catch (e) {
    fail(e);
  }
  return 0;
}

export async function restartVerb(cli: Cli, argv: string[], spec: CommandSpec): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  const timeout = flags.changed('timeout') ? flags.int('timeout') : undefined;
  try {
    await restart(s, flags.positionals, { noDeps: flags.bool('no-deps'), timeout });
  } catch (e) {
    fail(e);
  }
  return 0;
}

export async function killVerb(cli: Cli, argv: string[], spec: CommandSpec): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  const signal = flags.string('signal') || 'SIGKILL';
  try {
    await kill(s, flags.positionals, signal);
  } catch (e) {
    fail(e);
  }
  return 0;
}

export async function pauseVerb(cli: Cli, argv: string[], spec: CommandSpec, pause: boolean): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  try {
    if (pause) await eachContainer(s, flags.positionals, { working: 'Pausing', done: 'Paused' }, (c) => c.State === 'running', (c) => s.client.containers.pause(c.Id));
    else await eachContainer(s, flags.positionals, { working: 'Unpausing', done: 'Unpaused' }, (c) => c.State === 'paused', (c) => s.client.containers.unpause(c.Id));
  } catch (e) {
    fail(e);
  }
  return 0;
}

export async function rmVerb(cli: Cli, argv: string[], spec: CommandSpec): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { session: s } = await openProject(cli, { optional: true });
  try {
    const removed = await rm(s, flags.positionals, { stop: flags.bool('stop'), volumes: flags.bool('volumes') });
    if (!removed.length) cli.err('No stopped containers\n');
  } catch (e) {
    fail(e);
  }
  return 0;
}
