// berth: the command-line client. Parses the global flags, loads the one command module the
// words name, runs it, and turns failures into Docker's messages and exit codes.
import { ApiError, ConnectionError } from '../client/errors.js';
import { Cli, PROG, type GlobalOptions } from './cli.js';
import { GROUPS, resolveCommand } from './commands.js';
import { HelpShown, StatusError, UsageError } from './errors.js';
import { StreamError } from './format/progress.js';
import { BERTH_VERSION } from '../version.js';

const GLOBAL_VALUE_FLAGS = new Set(['-H', '--host', '--tlscacert', '--tlscert', '--tlskey', '-l', '--log-level', '--config', '-c', '--context']);

function parseGlobals(argv: string[]): { globals: GlobalOptions; rest: string[]; version: boolean; help: boolean } {
  const globals: GlobalOptions = { configDir: process.env.DOCKER_CONFIG };
  let version = false;
  let help = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-')) break;
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    let value: string | undefined = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    if (GLOBAL_VALUE_FLAGS.has(name) && value === undefined) value = argv[++i];
    if (/^-H./.test(arg)) value = arg.slice(2);
    switch (arg.startsWith('-H') ? '-H' : name) {
      case '-H':
      case '--host':
        globals.host = value;
        break;
      case '--tls':
        globals.tls = value === undefined || value === 'true';
        break;
      case '--tlsverify':
        globals.tlsVerify = value === undefined || value === 'true';
        break;
      case '--tlscacert':
        globals.tlsCaCert = value;
        break;
      case '--tlscert':
        globals.tlsCert = value;
        break;
      case '--tlskey':
        globals.tlsKey = value;
        break;
      case '--config':
        globals.configDir = value;
        break;
      case '-D':
      case '--debug':
        globals.debug = true;
        break;
      case '-v':
      case '--version':
        version = true;
        break;
      case '-h':
      case '--help':
        help = true;
        break;
      case '-l':
      case '--log-level':
      case '-c':
      case '--context':
        break;
      default:
        throw new UsageError(`unknown flag: ${name}`);
    }
  }
  return { globals, rest: argv.slice(i), version, help };
}

const MAIN_HELP = `
Usage:  ${PROG} [OPTIONS] COMMAND

A Docker-compatible container platform

Common Commands:
  run         Create and run a new container from an image
  exec        Execute a command in a running container
  ps          List containers
  build       Build an image from a Dockerfile
  pull        Download an image from a registry
  push        Upload an image to a registry
  images      List images
  login       Authenticate to a registry
  logout      Log out from a registry
  version     Show the berth version information
  info        Display system-wide information

Management Commands:
  container   Manage containers
  image       Manage images
  network     Manage networks
  volume      Manage volumes
  system      Manage berth
  registry    Run a registry server
  compose     Define and run multi-container applications

Global Options:
  -H, --host string      Daemon socket to connect to
      --tls              Use TLS; implied by --tlsverify
      --tlscacert string Trust certs signed only by this CA
      --tlscert string   Path to TLS certificate file
      --tlskey string    Path to TLS key file
      --tlsverify        Use TLS and verify the remote
  -v, --version          Print version information and quit
`;

function groupHelp(group: string): string {
  const verbs = Object.keys(GROUPS[group]).sort();
  return `\nUsage:  ${PROG} ${group} COMMAND\n\nManage ${group}s\n\nCommands:\n${verbs.map((v) => `  ${v}`).join('\n')}\n\nRun '${PROG} ${group} COMMAND --help' for more information on a command.\n`;
}

/** Prints an error Docker's way and returns the exit status. */
function report(cli: Cli, e: unknown): number {
  if (e instanceof HelpShown) return 0;
  if (e instanceof UsageError) {
    const msg = e.message.includes('\nSee ') ? e.message : `${e.message}\nSee '${PROG}${cli.commandPath ? ` ${cli.commandPath}` : ''} --help'.`;
    cli.err(`${msg}\n`);
    return 125;
  }
  if (e instanceof StatusError) {
    if (e.message) cli.err(`${e.message}\n`);
    return e.status === 0 ? 1 : e.status;
  }
  if (e instanceof ApiError) {
    cli.err(`Error response from daemon: ${e.message}\n`);
    return 1;
  }
  if (e instanceof ConnectionError || e instanceof StreamError) {
    cli.err(`${e.message}\n`);
    return 1;
  }
  const err = e as Error;
  cli.err(`${err?.message ?? String(e)}\n`);
  if (cli.globals.debug && err?.stack) cli.err(`${err.stack}\n`);
  return 1;
}

async function main(argv: string[]): Promise<number> {
  let cli = new Cli({});
  try {
    const { globals, rest, version, help } = parseGlobals(argv);
    cli = new Cli(globals);
    if (version) {
      cli.out(`${PROG} version ${BERTH_VERSION}\n`);
      return 0;
    }
    if (rest.length === 0 || help || rest[0] === 'help') {
      cli.out(MAIN_HELP);
      return 0;
    }
    const found = resolveCommand(rest);
    if (!found) {
      cli.err(`${PROG}: '${rest[0]}' is not a ${PROG} command.\nSee '${PROG} --help'\n`);
      return 1;
    }
    if ('group' in found) {
      const sub = rest[1];
      if (sub === undefined || sub === '--help' || sub === '-h') {
        cli.out(groupHelp(found.group));
        return 0;
      }
      cli.err(`${PROG}: '${found.group} ${sub}' is not a ${PROG} command.\nSee '${PROG} ${found.group} --help'\n`);
      return 1;
    }
    cli.commandPath = found.path;
    const mod = await found.load();
    const status = await mod.default(cli, found.rest);
    return status ?? 0;
  } catch (e) {
    return report(cli, e);
  } finally {
    cli.close();
  }
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
    // Attach/exec may leave stdin listening; nothing else should keep the process alive.
    if (process.stdin.listenerCount('data') > 0) process.stdin.pause();
    process.stdout.write('', () => process.exit(status));
  },
  (e) => {
    process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
