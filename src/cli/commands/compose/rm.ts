// berth compose rm: remove the project's stopped containers (-s: stop them first).
import type { Cli } from '../../cli.js';
import { rmVerb, verbSpec } from './lifecycle.js';

export const spec = verbSpec('rm', 'Removes stopped service containers', [
  { name: 'force', short: 'f', kind: 'bool', desc: "Don't ask to confirm removal" },
  { name: 'stop', short: 's', kind: 'bool', desc: 'Stop the containers, if required, before removing' },
  { name: 'volumes', short: 'v', kind: 'bool', desc: 'Remove any anonymous volumes attached to containers' },
]);

export default function rm(cli: Cli, argv: string[]): Promise<number> {
  return rmVerb(cli, argv, spec);
}
