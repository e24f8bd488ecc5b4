// berth create: create a container without starting it; prints its ID.
import type { Cli, CommandSpec } from '../../cli.js';
import { CREATE_FLAGS, buildCreateRequest } from './create-opts.js';
import { createContainer, createEnv } from './create-flow.js';

export const spec: CommandSpec = {
  usage: 'create [OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create a new container',
  flags: CREATE_FLAGS,
  minArgs: 1,
  stopAtPositional: 1,
};

export default async function create(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const req = buildCreateRequest(flags, createEnv(cli), { detach: false });
  const created = await createContainer(cli, req, 'create', flags.bool('quiet'));
  cli.out(`${created.Id}\n`);
  return 0;
}
