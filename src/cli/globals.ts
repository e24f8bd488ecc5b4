// The global options before the command words (-H, --tls…, --config, -D, -v, -h), as the docker
// CLI takes them. Shared by main.ts and the launcher, which must find the same command words.
import type { GlobalOptions } from './cli.js';
import { UsageError } from './errors.js';

const GLOBAL_VALUE_FLAGS = new Set(['-H', '--host', '--tlscacert', '--tlscert', '--tlskey', '-l', '--log-level', '--config', '-c', '--context']);

/** Splits argv into the global options and the rest (command words and their arguments). */
export function parseGlobals(argv: string[]): { globals: GlobalOptions; rest: string[]; version: boolean; help: boolean } {
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
