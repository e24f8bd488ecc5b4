// berth compose start: start the project's existing containers.
import type { Cli } from '../../cli.js';
import { startVerb, verbSpec } from './lifecycle.js';

export const spec = verbSpec('start', 'Start services');

export default function start(cli: Cli, argv: string[]): Promise<number> {
  return startVerb(cli, argv, spec);
}
