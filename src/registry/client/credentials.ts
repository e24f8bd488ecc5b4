// Registry credentials in ~/.docker/config.json, stored the way the docker CLI stores them:
// `auths[key].auth` = base64("user:password"); docker.io lives under "https://index.docker.io/v1/",
// every other registry under its bare host[:port].
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { atomicWrite } from '../../util/fs.js';

export interface Credentials {
  username: string;
  password: string;
  /** OAuth2 refresh token some registries hand out at login (docker stores it as identitytoken). */
  identityToken?: string;
}

export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; email?: string }>;
  credsStore?: string;
  [key: string]: unknown;
}

export const DOCKER_HUB_AUTH_KEY = 'https://index.docker.io/v1/';
const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export function dockerConfigPath(): string {
  const dir = process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
  return path.join(dir, 'config.json');
}

/** The host[:port] a registry address names ("https://localhost:5000/v1/" → "localhost:5000"). */
export function registryHostOf(address: string): string {
  let a = address.trim().replace(/^[a-z]+:\/\//i, '');
  a = a.split('/')[0]!;
  return a.toLowerCase();
}

export function isDockerHub(address: string): boolean {
  return DOCKER_HUB_HOSTS.has(registryHostOf(address));
}

/** The key docker uses in `auths` for a registry. */
export function credentialKey(registry: string): string {
  return isDockerHub(registry) ? DOCKER_HUB_AUTH_KEY : registryHostOf(registry);
}

export async function readDockerConfig(file = dockerConfigPath()): Promise<DockerConfigFile> {
  try {
    return JSON.parse(await fsp.readFile(file, 'utf8')) as DockerConfigFile;
  } catch (e: any) {
    if (e?.code === 'ENOENT') return {};
    throw new Error(`${file}: ${e.message}`, { cause: e });
  }
}

/** Credentials for a registry from the config file, matching keys the way docker normalises them. */
export async function getCredentials(registry: string, file = dockerConfigPath()): Promise<Credentials | undefined> {
  const auths = (await readDockerConfig(file)).auths ?? {};
  const want = isDockerHub(registry) ? 'docker.io' : registryHostOf(registry);
  for (const [key, entry] of Object.entries(auths)) {
    const host = isDockerHub(key) ? 'docker.io' : registryHostOf(key);
    if (host !== want) continue;
    let username = entry.username ?? '';
    let password = entry.password ?? '';
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const i = decoded.indexOf(':');
      if (i >= 0) {
        username = decoded.slice(0, i);
        password = decoded.slice(i + 1);
      }
    }
    if (!username && !entry.identitytoken) continue;
    return { username, password, identityToken: entry.identitytoken || undefined };
  }
  return undefined;
}

export async function storeCredentials(registry: string, creds: Credentials, file = dockerConfigPath()): Promise<void> {
  const config = await readDockerConfig(file);
  config.auths ??= {};
  const entry: { auth: string; identitytoken?: string } = { auth: Buffer.from(`${creds.username}:${creds.password}`).toString('base64') };
  if (creds.identityToken) {
    // As docker: with an identity token the password is not kept.
    entry.auth = Buffer.from(`${creds.username}:`).toString('base64');
    entry.identitytoken = creds.identityToken;
  }
  config.auths[credentialKey(registry)] = entry;
  await fsp.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await atomicWrite(file, JSON.stringify(config, null, '\t') + '\n', 0o600);
}

/** Removes a registry's credentials; false if there were none. */
export async function removeCredentials(registry: string, file = dockerConfigPath()): Promise<boolean> {
  const config = await readDockerConfig(file);
  const key = credentialKey(registry);
  if (!config.auths?.[key]) return false;
  delete config.auths[key];
  await atomicWrite(file, JSON.stringify(config, null, '\t') + '\n', 0o600);
  return true;
}
