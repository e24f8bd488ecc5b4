// berth compose kill: send a signal (SIGKILL by default) to the project's running containers.
import type { Cli } from '../../cli.js';
import { killVerb, verbSpec } from './lifecycle.js';

export const spec = verbSpec('kill', 'Force stop service containers', [
  { name: 'signal', short: 's', kind: 'string', default: 'SIGKILL', desc: 'SIGNAL to send to the container' },
  { name: 'remove-orphans', kind: 'bool', desc: 'Remove containers for services not defined in the Compose file' },
]);

export default function kill(cli: Cli, argv: string[]): Promise<number> {
  return killVerb(cli, argv, spec);
}
