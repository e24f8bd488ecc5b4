// The hook for POST /images/create?fromImage=: the registry client (src/registry/client) will
// implement pulling here. Until then a pull fails the way dockerd fails when the registry cannot
// be reached: a 500 whose message the docker CLI prints after "Unable to find image … locally".
import type { Ctx } from '../../api/router.js';
import type { Engine } from '../engine.js';
import { SystemError } from '../errors.js';
import { DEFAULT_DOMAIN, parseNormalizedNamed } from './reference.js';

export interface PullOptions {
  /** X-Registry-Auth header (base64 JSON), as the client sent it. */
  auth?: string;
  platform?: string;
  /** The request, for streaming progress (`{"status":"Pulling from …"}`) once pulls are real. */
  ctx?: Ctx;
}

/** Pulls `ref` (normalised, with tag or digest) into the local store. Not implemented yet. */
export async function pullImage(_engine: Engine, ref: string, _opts: PullOptions = {}): Promise<void> {
  const named = parseNormalizedNamed(ref);
  const host = named.domain === DEFAULT_DOMAIN ? 'registry-1.docker.io' : named.domain;
  throw new SystemError(`Get "https://${host}/v2/": dial tcp: lookup ${host}: no such host (pulling is not available in berth yet)`);
}
