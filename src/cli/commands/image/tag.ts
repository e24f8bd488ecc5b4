// berth tag: another name for an image.
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { fullName, parseImageRef } from '../../reference.js';

export const spec: CommandSpec = { usage: 'tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]', description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE', flags: [], minArgs: 2, maxArgs: 2 };

export default async function tag(cli: Cli, argv: string[]): Promise<number> {
  const [source, target] = cli.parse(spec, argv).positionals;
  let ref;
  try {
    ref = parseImageRef(target);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (ref.digest) throw new UsageError('refusing to create a tag with a digest reference');
  await cli.client().images.tag(source, { repo: fullName(ref), tag: ref.tag ?? 'latest' });
  return 0;
}
