// Parses and checks a manifest body sent by PUT: which media type it is, which blobs and child
// manifests it names (all must exist before it is stored), its subject (referrers API) and the
// descriptor it is listed under when it refers to a subject.
import { Descriptor, INDEX_MEDIA_TYPES, MANIFEST_MEDIA_TYPES, MEDIA, Manifest, SHA256_DIGEST_RE } from '../oci.js';
import { RegistryError } from './errors.js';

export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface ParsedManifest {
  mediaType: string;
  /** Blobs (config, layers) that must exist in the repository. */
  blobs: Descriptor[];
  /** Child manifests (of an index) that must exist in the repository. */
  manifests: Descriptor[];
  subject?: Descriptor;
  artifactType?: string;
  annotations?: Record<string, string>;
}

function invalid(detail: string): RegistryError {
  return new RegistryError('MANIFEST_INVALID', 'manifest invalid', detail);
}

function checkDescriptor(d: unknown, where: string): Descriptor {
  if (typeof d !== 'object' || d === null) throw invalid(`${where}: descriptor must be an object`);
  const desc = d as Descriptor;
  if (typeof desc.mediaType !== 'string' || desc.mediaType === '') throw invalid(`${where}: mediaType missing`);
  if (typeof desc.digest !== 'string' || !SHA256_DIGEST_RE.test(desc.digest)) throw invalid(`${where}: invalid digest ${String(desc.digest)}`);
  if (typeof desc.size !== 'number' || !Number.isSafeInteger(desc.size) || desc.size < 0) throw invalid(`${where}: invalid size`);
  return desc;
}

function checkDescriptors(list: unknown, where: string): Descriptor[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw invalid(`${where} must be an array`);
  return list.map((d, i) => checkDescriptor(d, `${where}[${i}]`));
}

/** Strips parameters (`; charset=…`) from a Content-Type. */
export function baseMediaType(contentType: string | undefined): string | undefined {
  const t = contentType?.split(';')[0]?.trim().toLowerCase();
  return t ? t : undefined;
}

export function parseManifest(body: Buffer, contentType: string | undefined): ParsedManifest {
  let m: Manifest;
  try {
    m = JSON.parse(body.toString('utf8')) as Manifest;
  } catch (e) {
    throw invalid(`malformed JSON: ${(e as Error).message}`);
  }
  if (typeof m !== 'object' || m === null || Array.isArray(m)) throw invalid('manifest must be a JSON object');
  if (m.schemaVersion !== 2) throw invalid(`unsupported schemaVersion ${String(m.schemaVersion)}`);
  const declared = typeof m.mediaType === 'string' ? m.mediaType : undefined;
  const sent = baseMediaType(contentType);
  if (declared && sent && sent !== 'application/json' && declared !== sent) {
    throw invalid(`mediaType in manifest (${declared}) should match Content-Type (${sent})`);
  }
  let mediaType = declared ?? (sent && sent !== 'application/json' ? sent : undefined);
  if (!mediaType) mediaType = m.manifests !== undefined ? MEDIA.ociIndex : MEDIA.ociManifest;
  if (!MANIFEST_MEDIA_TYPES.includes(mediaType)) throw invalid(`unsupported manifest media type ${mediaType}`);

  const subject = m.subject === undefined ? undefined : checkDescriptor(m.subject, 'subject');
  const artifactType = typeof m.artifactType === 'string' ? m.artifactType : undefined;
  const annotations = typeof m.annotations === 'object' && m.annotations !== null ? m.annotations : undefined;

  if (INDEX_MEDIA_TYPES.has(mediaType)) {
    if (!Array.isArray(m.manifests)) throw invalid('index must list manifests');
    return { mediaType, blobs: [], manifests: checkDescriptors(m.manifests, 'manifests'), subject, artifactType, annotations };
  }
  if (m.config === undefined) throw invalid('image manifest must have a config');
  const config = checkDescriptor(m.config, 'config');
  const layers = checkDescriptors(m.layers ?? (mediaType === MEDIA.ociManifest ? undefined : []), 'layers');
  if (m.layers === undefined) throw invalid('image manifest must have layers');
  // Foreign layers (with urls) live elsewhere; distribution does not require them locally.
  const blobs = [config, ...layers.filter((l) => !l.urls || l.urls.length === 0)];
  return {
    mediaType,
    blobs,
    manifests: [],
    subject,
    artifactType: artifactType ?? (subject ? config.mediaType : undefined),
    annotations,
  };
}

/** The descriptor under which a manifest appears in its subject's referrers index. */
export function referrerDescriptor(parsed: ParsedManifest, digest: string, size: number): Descriptor {
  const d: Descriptor = { mediaType: parsed.mediaType, digest, size };
  if (parsed.artifactType) d.artifactType = parsed.artifactType;
  if (parsed.annotations && Object.keys(parsed.annotations).length > 0) d.annotations = parsed.annotations;
  return d;
}
