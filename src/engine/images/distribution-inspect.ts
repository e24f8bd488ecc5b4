// GET /distribution/{name}/json: what a registry holds for a reference, without pulling it, as
// dockerd's distribution router answers (`docker service create` and SDKs resolve digests with
// it): the top manifest's descriptor, and the platforms it offers — every entry's platform for an
// index or manifest list, the config's os/architecture for a single image manifest.
import { Readable } from 'node:stream';
import { clientFor, decodeRegistryAuth, translatePullError, type RegistryAuth, type RegistrySettings } from './distribution-registry.js';
import { parseNormalizedNamed, withDefaultTag } from './reference.js';

export interface DistributionPlatform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
}

export interface DistributionInspect {
  Descriptor: { mediaType: string; digest: string; size: number };
  Platforms: DistributionPlatform[];
}

function platformOf(p: Record<string, unknown> | undefined): DistributionPlatform | undefined {
  if (!p || typeof p.os !== 'string' || typeof p.architecture !== 'string') return undefined;
  const out: DistributionPlatform = { architecture: p.architecture, os: p.os };
  if (typeof p['os.version'] === 'string' && p['os.version']) out['os.version'] = p['os.version'];
  if (Array.isArray(p['os.features']) && p['os.features'].length) out['os.features'] = p['os.features'] as string[];
  if (typeof p.variant === 'string' && p.variant) out.variant = p.variant;
  return out;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export async function inspectDistribution(settings: RegistrySettings, name: string, authHeader?: string | RegistryAuth): Promise<DistributionInspect> {
  const named = withDefaultTag(parseNormalizedNamed(name));
  const auth = typeof authHeader === 'string' ? decodeRegistryAuth(authHeader) : authHeader;
  const client = clientFor(settings, named, auth);
  const target = { registry: named.domain, repository: named.path, ...(named.digest ? { digest: named.digest } : { tag: named.tag }) };
  try {
    const top = await client.getManifest(target, { platform: null });
    const Descriptor = { mediaType: top.mediaType, digest: top.digest, size: top.body.length };
    const manifest = top.manifest as { manifests?: Array<{ platform?: Record<string, unknown> }>; config?: { digest: string } };
    let Platforms: DistributionPlatform[] = [];
    if (manifest.manifests) {
      Platforms = manifest.manifests.map((m) => platformOf(m.platform)).filter((p): p is DistributionPlatform => p !== undefined);
    } else if (manifest.config?.digest) {
      const config = JSON.parse((await readAll(client.getBlob(target, manifest.config.digest))).toString('utf8')) as Record<string, unknown>;
      const p = platformOf(config);
      if (p) Platforms = [p];
    }
    return { Descriptor, Platforms };
  } catch (e) {
    throw translatePullError(e, named, settings);
  } finally {
    client.close();
  }
}
