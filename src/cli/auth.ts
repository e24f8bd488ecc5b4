// Registry credentials in ~/.docker/config.json (`auths`, base64 "user:pass") and the
// X-Registry-Auth header the daemon expects for pull and push.
import { mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { atomicWriteJsonSync } from './util/atomic.js';

export interface AuthConfig {
  username?: string;
  password?: string;
  serveraddress?: string;
  identitytoken?: string;
}

export interface DockerConfigFile {
  auths?: Record<string, { auth?: string; identitytoken?: string }>;
  [key: string]: unknown;
}

export const DOCKER_INDEX_SERVER = 'https://index.docker.io/v1/';

export function configPath(configDir?: string): string {
  return join(configDir || join(homedir(), '.docker'), 'config.json');
}

export function readConfig(configDir?: string): DockerConfigFile {
  try {
    return JSON.parse(readFileSync(configPath(configDir), 'utf8')) as DockerConfigFile;
  } catch {
    return {};
  }
}

export function writeConfig(config: DockerConfigFile, configDir?: string): void {
  const path = configPath(configDir);
  mkdirSync(join(path, '..'), { recursive: true, mode: 0o700 });
  atomicWriteJsonSync(path, config, 0o600);
}

/** The key a registry's credentials are stored under ("https://index.docker.io/v1/" for Docker Hub). */
export function serverKey(domain: string): string {
  return domain === 'docker.io' || domain === 'index.docker.io' || domain === 'registry-1.docker.io' ? DOCKER_INDEX_SERVER : domain;
}

export function lookupAuth(config: DockerConfigFile, domain: string): AuthConfig {
  const key = serverKey(domain);
  const entry = config.auths?.[key] ?? config.auths?.[`https://${key}`] ?? config.auths?.[`http://${key}`];
  if (!entry) return {};
  const auth: AuthConfig = { serveraddress: key };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    auth.username = decoded.slice(0, colon);
    auth.password = decoded.slice(colon + 1);
  }
  if (entry.identitytoken) auth.identitytoken = entry.identitytoken;
  return auth;
}

/** base64url(JSON) as the X-Registry-Auth header ("e30=" for no credentials). */
export function encodeAuthHeader(auth: AuthConfig): string {
  // Go's base64.URLEncoding: URL alphabet, with padding.
  return Buffer.from(JSON.stringify(auth)).toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
