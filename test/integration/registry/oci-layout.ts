// Writes a small real OCI image layout (gzip tar layer, config, manifest, index.json) for tools
// such as skopeo to copy.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { randomBytes } from 'node:crypto';
import * as tar from 'tar';
import { MEDIA } from '../../../src/registry/oci.js';
import { sha256 } from './helpers.js';

export interface LayoutImage {
  manifestDigest: string;
  blobs: string[];
}

async function writeBlob(dir: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  await fsp.writeFile(path.join(dir, 'blobs', 'sha256', digest.slice(7)), data);
  return digest;
}

export async function makeOciLayout(dir: string, tag: string, work: string): Promise<LayoutImage> {
  await fsp.mkdir(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  const content = path.join(work, 'rootfs');
  await fsp.mkdir(path.join(content, 'etc'), { recursive: true });
  await fsp.writeFile(path.join(content, 'etc', 'hello.txt'), 'hello from berth\n');
  await fsp.writeFile(path.join(content, 'random.bin'), randomBytes(200_000));
  const tgz = path.join(work, 'layer.tar.gz');
  await tar.c({ gzip: true, cwd: content, file: tgz, portable: true }, ['etc', 'random.bin']);
  const layer = await fsp.readFile(tgz);
  const layerDigest = await writeBlob(dir, layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Cmd: ['/bin/sh'] },
      rootfs: { type: 'layers', diff_ids: [sha256(gunzipSync(layer))] },
      history: [{ created_by: 'berth test' }],
    }),
  );
  const configDigest = await writeBlob(dir, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MEDIA.ociManifest,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  const manifestDigest = await writeBlob(dir, manifest);
  await fsp.writeFile(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await fsp.writeFile(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: MEDIA.ociManifest, digest: manifestDigest, size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { manifestDigest, blobs: [layerDigest, configDigest, manifestDigest] };
}
