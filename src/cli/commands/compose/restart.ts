// berth compose restart: restart the project's containers.
import type { Cli } from '../../cli.js';
import { restartVerb, timeoutFlag, verbSpec } from './lifecycle.js';

export const spec = verbSpec('restart', 'Restart service containers', [timeoutFlag, { name: 'no-deps', kind: 'bool', desc: "Don't restart dependent services" }]);

export default function restart(cli: Cli, argv: string[]): Promise<number> {
  return restartVerb(cli, argv, spec);
}
