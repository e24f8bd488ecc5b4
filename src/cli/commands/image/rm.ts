// berth rmi / image rm: untag and delete images.
import type { Cli, CommandSpec } from '../../cli.js';
import { forEachTarget } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'rmi [OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  flags: [
    { name: 'force', short: 'f', kind: 'bool', desc: 'Force removal of the image' },
    { name: 'no-prune', kind: 'bool', desc: 'Do not delete untagged parents' },
    { name: 'platform', kind: 'list', desc: 'Remove only the given platform variant' },
  ],
  minArgs: 1,
};

export default async function rmi(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const opts = { force: flags.bool('force'), noprune: flags.bool('no-prune') };
  return forEachTarget(
    cli,
    flags.positionals,
    async (img) => {
      const items = await cli.client().images.remove(img, opts);
      for (const i of items) {
        if (i.Untagged) cli.out(`Untagged: ${i.Untagged}\n`);
        if (i.Deleted) cli.out(`Deleted: ${i.Deleted}\n`);
      }
    },
    false,
  );
}
