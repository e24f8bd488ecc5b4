// Pulling an image through the daemon (POST /images/create) with docker's progress output;
// shared by `pull`, `run`/`create` (image missing, --pull always) and `build --pull`.
import type { Cli } from './cli.js';
import { encodeAuthHeader, lookupAuth, readConfig } from './auth.js';
import { renderProgress, type ProgressOutput } from './format/progress.js';
import { familiarString, fullName, parseImageRef, withDefaultTag } from './reference.js';

export interface PullOptions {
  platform?: string;
  /** Where progress goes (stdout for `pull`, stderr for `run`); nothing when undefined. */
  out?: ProgressOutput;
  allTags?: boolean;
}

/** Pulls `image`; returns the fully qualified reference ("docker.io/library/busybox:latest"). */
export async function pullImage(cli: Cli, image: string, opts: PullOptions = {}): Promise<string> {
  const ref = parseImageRef(image);
  const tagged = opts.allTags ? ref : withDefaultTag(ref);
  const auth = lookupAuth(readConfig(cli.globals.configDir), ref.domain);
  const stream = cli.client().images.pull({
    fromImage: fullName(ref),
    tag: tagged.digest ?? tagged.tag,
    platform: opts.platform,
    registryAuth: encodeAuthHeader(auth),
  });
  if (opts.out) await renderProgress(stream, opts.out);
  else await renderProgress(stream, { write: () => true });
  return `${fullName(tagged)}${tagged.tag ? `:${tagged.tag}` : ''}${tagged.digest ? `@${tagged.digest}` : ''}`;
}

/** "busybox:latest": the name docker shows in "Unable to find image '…' locally". */
export function displayName(image: string): string {
  try {
    return familiarString(withDefaultTag(parseImageRef(image)));
  } catch {
    return image;
  }
}
