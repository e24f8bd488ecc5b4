// Optional offline base image: a minimal Debian made with debootstrap (slow, needs the Debian
// mirror that apt uses here). Device nodes, /proc and /sys contents and apt caches are left out
// of the layer; the result is a docker-save archive like busybox.ts makes.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { writeImageArchive } from '../archive/image-archive.js';
import { tarDirectory } from '../archive/tar-directory.js';
import { goArch } from '../util/platform.js';
import { officialImageName } from './busybox.js';

export interface DebianImageOptions {
  suite?: string;
  mirror?: string;
  variant?: string;
  /** The image's tag (default: the suite). */
  tag?: string;
  /** Extra packages (`--include`). */
  include?: string[];
}

// Paths below the rootfs whose content does not belong in an image.
const EMPTY_DIRS = new Set(['dev', 'proc', 'sys', 'run', 'tmp', 'var/cache/apt/archives', 'var/lib/apt/lists']);

/** debootstrap → layer tar (temp file) → docker-save archive of `debian:<suite>`. */
export function debianImageArchive(opts: DebianImageOptions = {}): Readable {
  const suite = opts.suite ?? 'bookworm';
  async function* gen(): AsyncGenerator<Buffer> {
    const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-debootstrap-'));
    try {
      const rootfs = path.join(work, 'rootfs');
      const args = [`--variant=${opts.variant ?? 'minbase'}`];
      if (opts.include?.length) args.push(`--include=${opts.include.join(',')}`);
      args.push(suite, rootfs);
      if (opts.mirror) args.push(opts.mirror);
      await promisify(execFile)('debootstrap', args, { maxBuffer: 64 << 20 });
      const layerFile = path.join(work, 'layer.tar');
      const hash = createHash('sha256');
      const tar = tarDirectory(rootfs, {
        // Keep the directories themselves, drop what is inside them.
        exclude: (rel) => [...EMPTY_DIRS].some((d) => rel.startsWith(`${d}/`)),
      });
      tar.on('data', (c: Buffer) => hash.update(c));
      await pipeline(tar, createWriteStream(layerFile));
      const diffId = `sha256:${hash.digest('hex')}`;
      const size = (await fsp.stat(layerFile)).size;
      const created = new Date().toISOString();
      const config = {
        architecture: goArch(),
        config: { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['bash'] },
        created,
        history: [
          { created, created_by: `debootstrap --variant=${opts.variant ?? 'minbase'} ${suite}` },
          { created, created_by: '/bin/sh -c #(nop)  CMD ["bash"]', empty_layer: true },
        ],
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [diffId] },
      };
      yield* writeImageArchive([
        { configBytes: Buffer.from(JSON.stringify(config)), layers: [{ diffId, size, open: () => createReadStream(layerFile) }], names: [officialImageName('debian', opts.tag ?? suite)] },
      ]) as AsyncIterable<Buffer>;
    } finally {
      await fsp.rm(path.join(work), { recursive: true, force: true });
    }
  }
  return Readable.from(gen(), { objectMode: false });
}
