// Vocabulary shared by the registry server and client: media types, the grammar of repository
// names, tags and digests (OCI distribution spec), and the manifest shapes both sides parse.

export const MEDIA = {
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociEmpty: 'application/vnd.oci.empty.v1+json',
} as const;

/** The manifest media types a registry stores and serves; the order is the client's Accept order. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  MEDIA.ociIndex,
  MEDIA.dockerManifestList,
  MEDIA.ociManifest,
  MEDIA.dockerManifest,
];

export const INDEX_MEDIA_TYPES: ReadonlySet<string> = new Set([MEDIA.ociIndex, MEDIA.dockerManifestList]);

const NAME_COMPONENT = '[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*';
export const REPOSITORY_NAME_RE = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
export const TAG_RE = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
export const SHA256_DIGEST_RE = /^sha256:[a-f0-9]{64}$/;
/** Any well-formed digest (algorithm may be one we do not support). */
export const DIGEST_RE = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
export const MAX_REPOSITORY_NAME = 255;

export function isValidRepositoryName(name: string): boolean {
  return name.length <= MAX_REPOSITORY_NAME && REPOSITORY_NAME_RE.test(name);
}

export function isDigest(ref: string): boolean {
  return ref.includes(':');
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  artifactType?: string;
  platform?: Platform;
}

export interface Platform {
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
}

/** An image manifest (OCI or Docker schema 2) or an index / manifest list. */
export interface Manifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}
