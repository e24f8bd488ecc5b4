// berth compose: not part of the CLI yet; says so clearly.
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';

export const spec: CommandSpec = { usage: 'compose [OPTIONS] COMMAND', description: 'Define and run multi-container applications', flags: [] };

export default async function compose(_cli: Cli, _argv: string[]): Promise<number> {
  throw new StatusError('berth compose: not implemented yet', 1);
}
