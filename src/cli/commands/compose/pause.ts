// berth compose pause: pause the project's running containers.
import type { Cli } from '../../cli.js';
import { pauseVerb, verbSpec } from './lifecycle.js';

export const spec = verbSpec('pause', 'Pause services');

export default function pause(cli: Cli, argv: string[]): Promise<number> {
  return pauseVerb(cli, argv, spec, true);
}
