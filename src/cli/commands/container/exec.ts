// berth exec: run a command in a running container (create the exec, start it hijacked,
// stream, then read its exit code), as the docker CLI does.
import { readFileSync } from 'node:fs';
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { runExec, terminalSize } from '../../attach.js';
import { expandEnv, parseEnvFile } from './create-opts.js';
import type { ExecCreateBody } from '../../../api-types/exec.js';

export const spec: CommandSpec = {
  usage: 'exec [OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  flags: [
    { name: 'detach', short: 'd', kind: 'bool', desc: 'Detached mode: run command in the background' },
    { name: 'detach-keys', kind: 'string', desc: 'Override the key sequence for detaching a container' },
    { name: 'env', short: 'e', kind: 'list', desc: 'Set environment variables' },
    { name: 'env-file', kind: 'list', desc: 'Read in a file of environment variables' },
    { name: 'interactive', short: 'i', kind: 'bool', desc: 'Keep STDIN open even if not attached' },
    { name: 'privileged', kind: 'bool', desc: 'Give extended privileges to the command' },
    { name: 'tty', short: 't', kind: 'bool', desc: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', kind: 'string', desc: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'workdir', short: 'w', kind: 'string', desc: 'Working directory inside the container' },
  ],
  minArgs: 2,
  stopAtPositional: 1,
};

export default async function exec(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [container, ...cmd] = flags.positionals;
  const detach = flags.bool('detach');
  const tty = flags.bool('tty');
  const stdin = flags.bool('interactive') && !detach;
  if (tty && stdin && !cli.stdin.isTTY) throw new StatusError('the input device is not a TTY', 1);
  const env: string[] = [];
  for (const f of flags.list('env-file')) env.push(...parseEnvFile(readFileSync(f, 'utf8'), (n) => process.env[n]));
  env.push(...expandEnv(flags.list('env'), (n) => process.env[n]));
  const body: ExecCreateBody = {
    User: flags.string('user'),
    Privileged: flags.bool('privileged'),
    Tty: tty,
    ConsoleSize: tty ? (terminalSize(cli) ?? null) : null,
    AttachStdin: stdin,
    AttachStderr: !detach,
    AttachStdout: !detach,
    Detach: detach,
    DetachKeys: flags.string('detach-keys'),
    Env: env.length ? env : null,
    WorkingDir: flags.string('workdir'),
    Cmd: cmd,
  };
  return runExec(cli, container, body);
}
