// Shared pieces of the registry integration tests: temp dirs, a server on a random loopback port,
// random images (blobs + config + manifest) and free ports for foreign registries.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { startRegistry, RegistryOptions, RunningRegistry } from '../../../src/registry/server/server.js';
import { MEDIA } from '../../../src/registry/oci.js';

export const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export async function tempDir(prefix = 'berth-reg-'): Promise<string> {
  return fsp.mkdtemp(path.join(os.tmpdir(), prefix));
}

export async function withRegistry(opts: Partial<RegistryOptions>, fn: (reg: RunningRegistry, root: string) => Promise<void>): Promise<void> {
  const root = await tempDir();
  const reg = await startRegistry({ root, addr: '127.0.0.1:0', ...opts });
  try {
    await fn(reg, root);
  } finally {
    await reg.close();
    await fsp.rm(root, { recursive: true, force: true });
  }
}

export interface TestImage {
  layers: Buffer[];
  config: Buffer;
  manifest: Buffer;
  mediaType: string;
  digest: string;
}

export function randomImage(layerSizes: number[] = [1024, 300 * 1024, 2 * 1024 * 1024], platform = { architecture: 'amd64', os: 'linux' }, docker = false): TestImage {
  const layers = layerSizes.map((n) => randomBytes(n));
  const config = Buffer.from(JSON.stringify({ ...platform, rootfs: { type: 'layers', diff_ids: layers.map(sha256) }, config: {}, nonce: randomBytes(8).toString('hex') }));
  const manifestType = docker ? MEDIA.dockerManifest : MEDIA.ociManifest;
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: manifestType,
      config: { mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: layers.map((l) => ({ mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(l), size: l.length })),
    }),
  );
  return { layers, config, manifest, mediaType: manifestType, digest: sha256(manifest) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export function haveCommand(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

export async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

import { RegistryClient, RegistryTarget, bufferSource } from '../../../src/registry/client/index.js';

/** Pushes an image's blobs and manifest with the client; returns how each blob went. */
export async function pushImage(client: RegistryClient, target: RegistryTarget, img: TestImage, opts: { chunkSize?: number; mountFrom?: string[] } = {}): Promise<string[]> {
  const results: string[] = [];
  for (const b of [...img.layers, img.config]) results.push(await client.pushBlob(target, sha256(b), bufferSource(b), opts));
  await client.putManifest(target, img.manifest, img.mediaType);
  return results;
}
