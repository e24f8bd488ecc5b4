// POST /auth: checks credentials against a registry the way dockerd's registry.Service.Auth does
// (GET /v2/ with them, or the token flow) and answers with dockerd's wording on failure.
import { EngineError, InvalidArgumentError, SystemError } from '../errors.js';
import { login, RegistryHttpError, isDockerHub, registryHostOf } from '../../registry/client/index.js';
import { insecureListFor, type RegistryAuth, type RegistrySettings } from './distribution-registry.js';

const LOCAL_HOST_RE = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

export interface LoginResult {
  status: string;
  identityToken?: string;
}

export async function loginToRegistry(settings: RegistrySettings, auth: RegistryAuth): Promise<LoginResult> {
  const address = (auth.serveraddress ?? '').trim() || 'https://index.docker.io/v1/';
  const username = auth.username ?? '';
  const password = auth.password ?? '';
  if (!username && !auth.identitytoken) throw new InvalidArgumentError('username is required');
  const registry = isDockerHub(address) ? 'docker.io' : registryHostOf(address);
  if (!registry) throw new InvalidArgumentError(`invalid registry address: ${JSON.stringify(address)}`);
  const host = isDockerHub(registry) ? 'registry-1.docker.io' : registry;
  const insecure = insecureListFor(settings, host);
  const scheme = LOCAL_HOST_RE.test(host) || insecure.includes(host) ? 'http' : 'https';
  try {
    const r = await login(registry, username, password, { insecureRegistries: insecure, retries: 1, retryBaseMs: 100 });
    return { status: r.status };
  } catch (e: any) {
    if (e instanceof EngineError) throw e;
    if (e instanceof RegistryHttpError && e.status === 401) {
      // dockerd: errdefs.Unauthenticated → 401, the CLI prints it after "Error response from daemon:".
      throw new EngineError(401, `login attempt to ${scheme}://${host}/v2/ failed with status: 401 Unauthorized`);
    }
    if (e?.code === 'ECONNREFUSED') throw new SystemError(`Get "${scheme}://${host}/v2/": dial tcp ${host}: connect: connection refused`);
    throw new SystemError(String(e?.message ?? e));
  }
}
