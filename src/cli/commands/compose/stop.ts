// berth compose stop: stop the project's running containers, dependants first.
import type { Cli } from '../../cli.js';
import { stopVerb, timeoutFlag, verbSpec } from './lifecycle.js';

export const spec = verbSpec('stop', 'Stop services', [timeoutFlag]);

export default function stop(cli: Cli, argv: string[]): Promise<number> {
  return stopVerb(cli, argv, spec);
}
