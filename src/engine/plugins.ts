// Managed plugins: berth installs none and runs none. Inspecting, enabling, removing … a plugin
// answers as dockerd does for one that is not installed; pulling one asks the registry (as dockerd
// does) and reports what went wrong in dockerd's words (plugin/errors.go, plugin/fetch_linux.go).
import { EngineError, NotFoundError } from './errors.js';
import { clientFor, translatePullError, type RegistryAuth, type RegistrySettings } from './images/distribution-registry.js';
import { familiarString, parseNormalizedNamed, referenceString, withDefaultTag } from './images/reference.js';

/** plugin/errors.go errNotFound: `plugin "name" not found` (Go's %q). */
export function pluginNotFound(nameOrId: string): NotFoundError {
  return new NotFoundError(`plugin ${JSON.stringify(nameOrId)} not found`);
}

/** 501: what berth deliberately does not do. */
class NotImplementedError extends EngineError {
  constructor(message: string) {
    super(501, message);
  }
}

/**
 * What `POST /plugins/pull`, `GET /plugins/privileges` and `POST /plugins/{name}/upgrade` meet
 * first in dockerd: the remote reference resolved at its registry. A reference the registry does
 * not have or cannot be reached fails as dockerd's does ("error resolving plugin reference: …");
 * one it has is still refused, since berth cannot run plugins. Never returns.
 */
export async function resolvePluginForPull(settings: RegistrySettings, remote: string, auth?: RegistryAuth): Promise<never> {
  const ref = withDefaultTag(parseNormalizedNamed(remote));
  // One attempt, as containerd's resolver in dockerd makes.
  const client = clientFor(settings, ref, auth, 0);
  let found: unknown;
  try {
    found = await client.headManifest({ registry: ref.domain, repository: ref.path, tag: ref.digest ? undefined : ref.tag, digest: ref.digest });
  } catch (e) {
    const err = translatePullError(e, ref, settings) as EngineError;
    throw new EngineError(err instanceof EngineError ? err.status : 500, `error resolving plugin reference: ${err.message}`);
  } finally {
    client.close();
  }
  // containerd's resolver: "<ref>: not found" (errdefs.NotFound, a 404).
  if (!found) throw new NotFoundError(`error resolving plugin reference: ${referenceString(ref)}: not found`);
  throw new NotImplementedError(`berth does not run managed plugins: ${familiarString(ref)} cannot be installed`);
}
