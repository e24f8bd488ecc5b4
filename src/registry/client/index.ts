// Public face of the registry client for berthd (pull, push, login) and the CLI.
export { RegistryClient, login, apiHost, computeDigest, nextLink } from './client.js';
export type { RegistryTarget, ClientOptions, FetchedManifest, PushBlobOptions, PushBlobResult } from './client.js';
export { bufferSource, fileSource } from './blob-source.js';
export type { BlobSource } from './blob-source.js';
export {
  getCredentials,
  storeCredentials,
  removeCredentials,
  readDockerConfig,
  dockerConfigPath,
  credentialKey,
  registryHostOf,
  isDockerHub,
  DOCKER_HUB_AUTH_KEY,
} from './credentials.js';
export type { Credentials, DockerConfigFile } from './credentials.js';
export { parsePlatform, formatPlatform, normalizePlatform, defaultPlatform, selectPlatformManifest, platformMatches } from './platform.js';
export type { PlatformSpec } from './platform.js';
export { RegistryHttpError } from './transport.js';
export { parseChallenges } from './challenge.js';
