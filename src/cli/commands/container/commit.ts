// berth commit: a new image from a container's changes.
import type { Cli, CommandSpec } from '../../cli.js';
import { familiarName, parseImageRef } from '../../reference.js';
import { UsageError } from '../../errors.js';

export const spec: CommandSpec = {
  usage: 'commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  description: "Create a new image from a container's changes",
  flags: [
    { name: 'author', short: 'a', kind: 'string', desc: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { name: 'change', short: 'c', kind: 'list', desc: 'Apply Dockerfile instruction to the created image' },
    { name: 'message', short: 'm', kind: 'string', desc: 'Commit message' },
    { name: 'pause', short: 'p', kind: 'bool', desc: 'Pause container during commit', default: 'true' },
  ],
  minArgs: 1,
  maxArgs: 2,
};

export default async function commit(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [container, reference] = flags.positionals;
  let repo: string | undefined;
  let tag: string | undefined;
  if (reference) {
    let ref;
    try {
      ref = parseImageRef(reference);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    if (ref.digest) throw new UsageError('refusing to create a tag with a digest reference');
    repo = familiarName(ref);
    tag = ref.tag;
  }
  const r = await cli.client().containers.commit(container, {
    repo,
    tag,
    comment: flags.string('message') || undefined,
    author: flags.string('author') || undefined,
    pause: flags.bool('pause'),
    changes: flags.list('change'),
  });
  cli.out(`${r.Id}\n`);
  return 0;
}
