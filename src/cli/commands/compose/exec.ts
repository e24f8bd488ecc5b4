// berth compose exec: run a command in a running container of a service.
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { runExec, terminalSize } from '../../attach.js';
import { containerNumber } from '../../../compose/naming.js';
import { projectContainers } from '../../../compose/observe.js';
import { openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose exec [OPTIONS] SERVICE COMMAND [ARGS...]',
  description: 'Execute a command in a running container',
  flags: [
    { name: 'detach', short: 'd', kind: 'bool', desc: 'Detached mode: Run command in the background' },
    { name: 'env', short: 'e', kind: 'list', desc: 'Set environment variables' },
    { name: 'index', kind: 'int', desc: 'Index of the container if service has multiple replicas', default: '1' },
    { name: 'no-tty', short: 'T', kind: 'bool', desc: 'Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY.' },
    { name: 'interactive', short: 'i', kind: 'bool', default: 'true', hidden: true },
    { name: 'tty', short: 't', kind: 'bool', default: 'true', hidden: true },
    { name: 'privileged', kind: 'bool', desc: 'Give extended privileges to the process' },
    { name: 'user', short: 'u', kind: 'string', desc: 'Run the command as this user' },
    { name: 'workdir', short: 'w', kind: 'string', desc: 'Path to workdir directory for this command' },
  ],
  minArgs: 2,
  stopAtPositional: 1,
};

export default async function exec(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [service, ...cmd] = flags.positionals;
  const { session: s } = await openProject(cli, { optional: true });
  const index = flags.int('index');
  const target = (await projectContainers(s.client, s.project.name, { services: [service], all: false })).find((c) => containerNumber(c) === index);
  if (!target) throw new StatusError(`service "${service}" is not running`, 1);
  const detach = flags.bool('detach');
  const tty = !flags.bool('no-tty') && flags.bool('tty') && !!cli.stdin.isTTY && !detach;
  const stdin = flags.bool('interactive') && !detach;
  const env = flags.list('env').map((e) => (e.includes('=') ? e : process.env[e] !== undefined ? `${e}=${process.env[e]}` : e));
  return runExec(cli, target.Id, {
    User: flags.string('user'),
    Privileged: flags.bool('privileged'),
    Tty: tty,
    ConsoleSize: tty ? (terminalSize(cli) ?? null) : null,
    AttachStdin: stdin,
    AttachStdout: !detach,
    AttachStderr: !detach,
    Detach: detach,
    Env: env.length ? env : null,
    WorkingDir: flags.string('workdir'),
    Cmd: cmd,
  });
}
