// berth compose unpause: unpause the project's paused containers.
import type { Cli } from '../../cli.js';
import { pauseVerb, verbSpec } from './lifecycle.js';

export const spec = verbSpec('unpause', 'Unpause services');

export default function unpause(cli: Cli, argv: string[]): Promise<number> {
  return pauseVerb(cli, argv, spec, false);
}
