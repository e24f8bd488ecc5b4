// Offline base image: `busybox:latest` made from the host's static busybox (Debian
// busybox-static), laid out like Docker Hub's busybox image. Everything is fixed (mtimes,
// owners, created date, entry order), so the image ID only depends on the busybox binary.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { writeImageArchive, type ArchiveImageName } from '../archive/image-archive.js';
import { encodeHeader, endOfArchive, padding, type TarEntry } from '../archive/tar-header.js';
import { goArch } from '../util/platform.js';

const CREATED = '2024-01-01T00:00:00Z';
const MTIME = Date.parse(CREATED) / 1000;
export const BUSYBOX_PATH_ENV = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`;

const GROUP = `root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
`;

const SHADOW = `root:*:10933:0:99999:7:::
daemon:*:10933:0:99999:7:::
bin:*:10933:0:99999:7:::
sys:*:10933:0:99999:7:::
sync:*:10933:0:99999:7:::
mail:*:10933:0:99999:7:::
www-data:*:10933:0:99999:7:::
operator:*:10933:0:99999:7:::
nobody:*:10933:0:99999:7:::
`;

const DIRS: Array<[string, number]> = [
  ['bin', 0o755],
  ['dev', 0o755],
  ['etc', 0o755],
  ['home', 0o755],
  ['proc', 0o755],
  ['root', 0o700],
  ['sbin', 0o755],
  ['sys', 0o755],
  ['tmp', 0o1777],
  ['usr', 0o755],
  ['usr/bin', 0o755],
  ['usr/sbin', 0o755],
  ['var', 0o755],
  ['var/spool', 0o755],
  ['var/spool/mail', 0o755],
  ['var/www', 0o755],
];

export interface BaseImageParts {
  configBytes: Buffer;
  layerTar: Buffer;
  diffId: string;
}

/** The applet paths (`bin/sh`, `usr/bin/wget`, …) the binary provides. */
async function appletPaths(busybox: string): Promise<string[]> {
  const { stdout } = await promisify(execFile)(busybox, ['--list-full'], { maxBuffer: 1 << 20 });
  return stdout
    .split('\n')
    .map((l) => l.trim().replace(/^\/+/, ''))
    .filter((l) => l !== '' && l !== 'bin/busybox' && !l.includes('..'));
}

/** Builds the layer tar and config of the busybox image in memory (~2 MB). */
export async function busyboxImageParts(busybox = '/bin/busybox'): Promise<BaseImageParts> {
  const binary = await fsp.readFile(busybox);
  const applets = (await appletPaths(busybox)).sort();
  const files: Array<{ entry: TarEntry; body?: Buffer }> = [];
  const dirs = new Map(DIRS);
  for (const a of applets) {
    const parent = a.split('/').slice(0, -1).join('/');
    if (parent && !dirs.has(parent)) dirs.set(parent, 0o755);
  }
  for (const [d, mode] of [...dirs.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    files.push({ entry: { path: `${d}/`, type: 'dir', mode, mtime: MTIME } });
  }
  const file = (p: string, body: string | Buffer, mode = 0o644) => {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    files.push({ entry: { path: p, type: 'file', mode, size: b.length, mtime: MTIME }, body: b });
  };
  file('bin/busybox', binary, 0o755);
  file('etc/group', GROUP);
  file('etc/nsswitch.conf', 'hosts: files dns\n');
  file('etc/passwd', PASSWD);
  file('etc/shadow', SHADOW, 0o600);
  for (const a of applets) files.push({ entry: { path: a, type: 'symlink', mode: 0o777, linkpath: '/bin/busybox', mtime: MTIME } });

  const chunks: Buffer[] = [];
  for (const f of files) {
    chunks.push(encodeHeader({ ...f.entry, uid: 0, gid: 0 }));
    if (f.body) chunks.push(f.body, padding(f.body.length));
  }
  chunks.push(endOfArchive());
  const layerTar = Buffer.concat(chunks);
  const diffId = `sha256:${createHash('sha256').update(layerTar).digest('hex')}`;
  const config = {
    architecture: goArch(),
    config: { Env: [BUSYBOX_PATH_ENV], Cmd: ['sh'] },
    created: CREATED,
    history: [
      { created: CREATED, created_by: `/bin/sh -c #(nop) ADD file:${diffId.slice(7)} in / ` },
      { created: CREATED, created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
    ],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [diffId] },
  };
  return { configBytes: Buffer.from(JSON.stringify(config)), layerTar, diffId };
}

/** The name of Docker Hub's official image `repository:tag` (docker.io/library/…). */
export function officialImageName(repository: string, tag: string): ArchiveImageName {
  return { repoTag: `${repository}:${tag}`, reference: `docker.io/library/${repository}:${tag}`, repository, tag };
}

/** Wraps single-layer image parts as a docker-save archive named `name`. */
export function baseImageArchive(parts: () => Promise<BaseImageParts>, name: ArchiveImageName): Readable {
  async function* gen(): AsyncGenerator<Buffer> {
    const p = await parts();
    yield* writeImageArchive([
      { configBytes: p.configBytes, layers: [{ diffId: p.diffId, size: p.layerTar.length, open: () => [p.layerTar] as unknown as AsyncIterable<Buffer> }], names: [name] },
    ]) as AsyncIterable<Buffer>;
  }
  return Readable.from(gen(), { objectMode: false });
}

/** A `docker save` archive of busybox:latest (or another tag) made from the host's /bin/busybox. */
export function busyboxImageArchive(opts: { busyboxPath?: string; tag?: string } = {}): Readable {
  return baseImageArchive(() => busyboxImageParts(opts.busyboxPath), officialImageName('busybox', opts.tag ?? 'latest'));
}
