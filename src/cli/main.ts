// berth: the command-line client. Parses the global flags, loads the one command module the
// words name, runs it, and turns failures into Docker's messages and exit codes. Started by
// src/cli/launch.ts, from the bundle made for the command being run (see scripts/build.mjs).
import { ApiError, ConnectionError } from '../client/errors.js';
import { restoreDeferredCaEnv } from '../client/extra-ca.js';
import { Cli, PROG } from './cli.js';
import { GROUPS, resolveCommand } from './commands.js';
import { parseGlobals } from './globals.js';
import { HelpShown, StatusError, UsageError } from './errors.js';
import { StreamError } from './format/progress.js';
import { BERTH_VERSION } from '../version.js';

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
  dashboard   Serve the web dashboard of one or more engines

Management Commands:
  container   Manage containers
  image       Manage images
  network     Manage networks
  volume      Manage volumes
  system      Manage berth
  registry    Run and maintain an image registry
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

/** Groups whose help is not "Manage <group>s", with their options shown before the verb. */
const GROUP_HELP: Record<string, { title: string; options?: string }> = {
  compose: {
    title: 'Define and run multi-container applications',
    options: `
Options:
      --ansi string                Control when to print ANSI control characters ("never"|"always"|"auto") (default "auto")
      --env-file stringArray       Specify an alternate environment file
  -f, --file stringArray           Compose configuration files
      --parallel int               Control max parallelism, -1 for unlimited (default -1)
      --profile stringArray        Specify a profile to enable
      --progress string            Set type of progress output (auto, tty, plain, json, quiet)
      --project-directory string   Specify an alternate working directory
                                   (default: the path of the, first specified, Compose file)
  -p, --project-name string        Project name
`,
  },
};

function groupHelp(group: string): string {
  const verbs = Object.keys(GROUPS[group]).sort();
  const special = Object.hasOwn(GROUP_HELP, group) ? GROUP_HELP[group] : undefined;
  const usage = `${PROG} ${group}${special?.options ? ' [OPTIONS]' : ''} COMMAND`;
  return `\nUsage:  ${usage}\n\n${special?.title ?? `Manage ${group}s`}\n${special?.options ?? ''}\nCommands:\n${verbs.map((v) => `  ${v}`).join('\n')}\n\nRun '${PROG} ${group} COMMAND --help' for more information on a command.\n`;
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
      const sub = found.word;
      if (sub === undefined || sub === '--help' || sub === '-h') {
        cli.out(groupHelp(found.group));
        return 0;
      }
      cli.err(`${PROG}: '${found.group} ${sub}' is not a ${PROG} command.\nSee '${PROG} ${found.group} --help'\n`);
      return 1;
    }
    cli.commandPath = found.path;
    cli.groupArgs = found.groupArgs ?? [];
    const mod = await found.load();
    const status = await mod.default(cli, found.rest);
    return status ?? 0;
  } catch (e) {
    return report(cli, e);
  } finally {
    cli.close();
  }
}

/** Runs berth with these arguments and exits the process with the command's status. */
export function runCli(argv: string[]): void {
  restoreDeferredCaEnv();
  // The reader went away (`berth events | head`): stop quietly, as the docker CLI does.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  main(argv).then(
    (status) => {
      process.exitCode = status;
      process.stdout.write('', () => process.exit(status));
    },
    (e) => {
      process.stderr.write(`${(e as Error)?.stack ?? e}\n`);
      process.exit(1);
    },
  );
}
