// Filesystem storage for the registry. Layout under root:
//   blobs/sha256/<2 hex>/<hex>                       content (layers, configs and manifests alike)
//   uploads/<uuid>/data, uploads/<uuid>/repo         upload sessions in progress
//   repositories/<name>/_layers/sha256/<hex>         link: blob usable in this repository
//   repositories/<name>/_manifests/revisions/sha256/<hex>  link: manifest in repo; holds its media type
//   repositories/<name>/_manifests/tags/<tag>        the manifest digest the tag points at
//   repositories/<name>/_referrers/<subject hex>/<hex>  referrer descriptor (JSON)
// Crash safety: blobs are renamed into place only after their digest is checked (and fsynced);
// links and tags are atomic writes; a manifest's revision link is written only after every blob
// and child manifest it names exists, and a tag only after its revision. So a killed server
// leaves at worst unreferenced blobs and upload dirs, which gc removes.
import { promises as fsp, constants as fsc, createWriteStream, Stats } from 'node:fs';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { atomicWrite, sweepTempFiles, TEMP_MARK } from '../../util/fs.js';
import { Descriptor, SHA256_DIGEST_RE, TAG_RE, isDigest } from '../oci.js';
import { RegistryError } from './errors.js';
import { HashingStream, sha256File } from './hashing.js';
import { parseManifest, referrerDescriptor } from './manifest.js';
import { createHash, Hash } from 'node:crypto';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface BlobInfo {
  path: string;
  size: number;
}

export interface StoredManifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

/** Hash state of an upload kept between PATCH requests, valid while `offset` equals the file size. */
interface UploadHashState {
  hash: Hash;
  offset: number;
}

function hexOf(digest: string): string {
  return digest.slice('sha256:'.length);
}

async function statOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fsp.stat(p);
  } catch (e: any) {
    if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return undefined;
    throw e;
  }
}

async function readdirOrEmpty(p: string): Promise<string[]> {
  try {
    return await fsp.readdir(p);
  } catch (e: any) {
    if (e?.code === 'ENOENT' || e?.code === 'ENOTDIR') return [];
    throw e;
  }
}

/** Creates an empty marker file durably (existence is the whole content). */
async function touchLink(file: string, content = ''): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await atomicWrite(file, content);
}

export function checkDigest(digest: string): void {
  if (!SHA256_DIGEST_RE.test(digest)) {
    throw new RegistryError('DIGEST_INVALID', 'invalid digest', { digest });
  }
}

export class RegistryStorage {
  private readonly uploadHashes = new Map<string, UploadHashState>();

  constructor(readonly root: string) {}

  async init(): Promise<void> {
    for (const d of ['blobs/sha256', 'uploads', 'repositories']) await fsp.mkdir(path.join(this.root, d), { recursive: true });
    // Leftovers of writes cut by a crash; upload sessions themselves are kept so clients can resume.
    await sweepTempFiles(path.join(this.root, 'blobs'), 2);
    await sweepTempFiles(path.join(this.root, 'uploads'), 0);
  }

  // ---- paths ----
  blobPath(digest: string): string {
    const hex = hexOf(digest);
    return path.join(this.root, 'blobs', 'sha256', hex.slice(0, 2), hex);
  }
  repoDir(repo: string): string {
    return path.join(this.root, 'repositories', ...repo.split('/'));
  }
  private layerLink(repo: string, digest: string): string {
    return path.join(this.repoDir(repo), '_layers', 'sha256', hexOf(digest));
  }
  private revisionLink(repo: string, digest: string): string {
    return path.join(this.repoDir(repo), '_manifests', 'revisions', 'sha256', hexOf(digest));
  }
  private tagFile(repo: string, tag: string): string {
    return path.join(this.repoDir(repo), '_manifests', 'tags', tag);
  }
  private referrersDir(repo: string, subject: string): string {
    return path.join(this.repoDir(repo), '_referrers', hexOf(subject));
  }
  private uploadDir(uuid: string): string {
    return path.join(this.root, 'uploads', uuid);
  }

  // ---- blobs ----
  async statBlobGlobal(digest: string): Promise<BlobInfo | undefined> {
    const p = this.blobPath(digest);
    const st = await statOrUndefined(p);
    return st?.isFile() ? { path: p, size: st.size } : undefined;
  }

  /** A blob as seen from a repository: it must be linked there and present in the store. */
  async statBlob(repo: string, digest: string): Promise<BlobInfo | undefined> {
    checkDigest(digest);
    const [link, blob] = await Promise.all([statOrUndefined(this.layerLink(repo, digest)), this.statBlobGlobal(digest)]);
    return link && blob ? blob : undefined;
  }

  async linkBlob(repo: string, digest: string): Promise<void> {
    const link = this.layerLink(repo, digest);
    if (await statOrUndefined(link)) return;
    await touchLink(link);
  }

  async deleteBlob(repo: string, digest: string): Promise<void> {
    if (!(await this.statBlob(repo, digest))) throw new RegistryError('BLOB_UNKNOWN', undefined, { digest });
    await fsp.rm(this.layerLink(repo, digest), { force: true });
  }

  /** Cross-repository mount: links a blob of `from` into `repo`; false if `from` lacks it. */
  async mountBlob(repo: string, from: string, digest: string): Promise<BlobInfo | undefined> {
    const blob = await this.statBlob(from, digest);
    if (!blob) return undefined;
    await this.linkBlob(repo, digest);
    return blob;
  }

  /** Moves a verified file into the content store (or drops it if the blob is already there). */
  private async commitBlobFile(file: string, digest: string): Promise<void> {
    const target = this.blobPath(digest);
    if (await statOrUndefined(target)) {
      await fsp.rm(file, { force: true });
      return;
    }
    await fsp.mkdir(path.dirname(target), { recursive: true });
    await fsp.rename(file, target);
  }

  /** Streams `body` into a file, fsyncs it, and returns its digest and size. */
  private async receive(body: Readable, file: string, flags: 'w' | 'a', hash?: Hash): Promise<HashingStream> {
    const hasher = new HashingStream(hash);
    const out = createWriteStream(file, { flags, highWaterMark: 1 << 20 });
    await pipeline(body, hasher, out);
    return hasher;
  }

  private async fsyncFile(file: string): Promise<void> {
    const fh = await fsp.open(file, fsc.O_RDONLY);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  // ---- uploads ----
  async startUpload(repo: string): Promise<string> {
    const uuid = randomUUID();
    const dir = this.uploadDir(uuid);
    await fsp.mkdir(dir, { recursive: true });
    await fsp.writeFile(path.join(dir, 'data'), '');
    await atomicWrite(path.join(dir, 'repo'), repo);
    this.uploadHashes.set(uuid, { hash: createHash('sha256'), offset: 0 });
    return uuid;
  }

  /** Size received so far; BLOB_UPLOAD_UNKNOWN if no such session for this repository. */
  async uploadSize(repo: string, uuid: string): Promise<number> {
    if (!UUID_RE.test(uuid)) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', undefined, { uuid });
    const dir = this.uploadDir(uuid);
    let owner: string;
    try {
      owner = await fsp.readFile(path.join(dir, 'repo'), 'utf8');
    } catch {
      throw new RegistryError('BLOB_UPLOAD_UNKNOWN', undefined, { uuid });
    }
    if (owner !== repo) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', undefined, { uuid });
    const st = await statOrUndefined(path.join(dir, 'data'));
    if (!st) throw new RegistryError('BLOB_UPLOAD_UNKNOWN', undefined, { uuid });
    return st.size;
  }

  /**
   * Appends a chunk. `start` (from Content-Range) must equal the bytes received so far, otherwise
   * RANGE_INVALID (416) so the client can ask for the status and resume.
   */
  async appendUpload(repo: string, uuid: string, body: Readable, start?: number): Promise<number> {
    const size = await this.uploadSize(repo, uuid);
    if (start !== undefined && start !== size) {
      body.resume();
      throw new RegistryError('BLOB_UPLOAD_INVALID', 'invalid content range', { expected: size, got: start }, 416);
    }
    const file = path.join(this.uploadDir(uuid), 'data');
    let state = this.uploadHashes.get(uuid);
    if (state && state.offset !== size) state = undefined;
    // Take the state out while writing: if the chunk fails half way the hash no longer matches the file.
    this.uploadHashes.delete(uuid);
    const hasher = await this.receive(body, file, 'a', state?.hash);
    const newSize = size + hasher.bytes;
    if (state) this.uploadHashes.set(uuid, { hash: hasher.hash, offset: newSize });
    return newSize;
  }

  /** Completes an upload (optionally with a last chunk): verifies the digest, then commits the blob. */
  async finishUpload(repo: string, uuid: string, digest: string, body?: Readable, start?: number): Promise<void> {
    checkDigest(digest);
    if (body) await this.appendUpload(repo, uuid, body, start);
    else await this.uploadSize(repo, uuid);
    const file = path.join(this.uploadDir(uuid), 'data');
    const state = this.uploadHashes.get(uuid);
    const size = (await fsp.stat(file)).size;
    const actual = state && state.offset === size ? `sha256:${state.hash.digest('hex')}` : (await sha256File(file)).digest;
    this.uploadHashes.delete(uuid);
    if (actual !== digest) {
      // The session stays usable as distribution leaves it; the bytes simply do not match.
      throw new RegistryError('DIGEST_INVALID', undefined, { expected: digest, actual });
    }
    await this.fsyncFile(file);
    await this.commitBlobFile(file, digest);
    await this.linkBlob(repo, digest);
    await fsp.rm(this.uploadDir(uuid), { recursive: true, force: true });
  }

  async cancelUpload(repo: string, uuid: string): Promise<void> {
    await this.uploadSize(repo, uuid);
    this.uploadHashes.delete(uuid);
    await fsp.rm(this.uploadDir(uuid), { recursive: true, force: true });
  }

  /** Single-request upload (POST ?digest=): streams to a temp file, verifies, commits. */
  async putBlob(repo: string, digest: string, body: Readable): Promise<void> {
    checkDigest(digest);
    const dir = path.join(this.root, 'uploads');
    const tmp = path.join(dir, `${TEMP_MARK}${randomUUID()}`);
    try {
      const hasher = await this.receive(body, tmp, 'w');
      const actual = `sha256:${hasher.hash.digest('hex')}`;
      if (actual !== digest) throw new RegistryError('DIGEST_INVALID', undefined, { expected: digest, actual });
      await this.fsyncFile(tmp);
      await this.commitBlobFile(tmp, digest);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    await this.linkBlob(repo, digest);
  }

  // ---- manifests ----
  private async resolveReference(repo: string, reference: string): Promise<string | undefined> {
    if (isDigest(reference)) {
      checkDigest(reference);
      return reference;
    }
    if (!TAG_RE.test(reference)) throw new RegistryError('MANIFEST_INVALID', 'invalid tag', { tag: reference }, 400);
    try {
      return (await fsp.readFile(this.tagFile(repo, reference), 'utf8')).trim();
    } catch {
      return undefined;
    }
  }

  /** Digest and media type of a manifest in a repository, without reading its body. */
  async statManifest(repo: string, reference: string): Promise<{ digest: string; mediaType: string; size: number; path: string } | undefined> {
    const digest = await this.resolveReference(repo, reference);
    if (!digest) return undefined;
    let mediaType: string;
    try {
      mediaType = await fsp.readFile(this.revisionLink(repo, digest), 'utf8');
    } catch {
      return undefined;
    }
    const blob = await this.statBlobGlobal(digest);
    if (!blob) return undefined;
    return { digest, mediaType, size: blob.size, path: blob.path };
  }

  async getManifest(repo: string, reference: string): Promise<StoredManifest | undefined> {
    const st = await this.statManifest(repo, reference);
    if (!st) return undefined;
    return { digest: st.digest, mediaType: st.mediaType, body: await fsp.readFile(st.path) };
  }

  /**
   * Stores a manifest under a tag or its digest. Every blob and child manifest it names must
   * already be in the repository (MANIFEST_BLOB_UNKNOWN otherwise).
   */
  async putManifest(repo: string, reference: string, body: Buffer, contentType: string | undefined): Promise<{ digest: string; subject?: string }> {
    const digest = `sha256:${createHash('sha256').update(body).digest('hex')}`;
    const byDigest = isDigest(reference);
    if (byDigest) {
      checkDigest(reference);
      if (reference !== digest) throw new RegistryError('DIGEST_INVALID', undefined, { expected: reference, actual: digest });
    } else if (!TAG_RE.test(reference)) {
      throw new RegistryError('TAG_INVALID', 'invalid tag', { tag: reference });
    }
    const parsed = parseManifest(body, contentType);
    const missing: RegistryError[] = [];
    await Promise.all([
      ...parsed.blobs.map(async (d) => {
        if (!(await this.statBlob(repo, d.digest))) missing.push(new RegistryError('MANIFEST_BLOB_UNKNOWN', undefined, { digest: d.digest }));
      }),
      ...parsed.manifests.map(async (d) => {
        if (!(await this.statManifest(repo, d.digest))) missing.push(new RegistryError('MANIFEST_BLOB_UNKNOWN', undefined, { digest: d.digest }));
      }),
    ]);
    if (missing.length > 0) throw new MultiRegistryError(missing);

    if (!(await this.statBlobGlobal(digest))) {
      const tmp = path.join(this.root, 'uploads', `${TEMP_MARK}${randomUUID()}`);
      try {
        await atomicWrite(tmp, body);
        await this.commitBlobFile(tmp, digest);
      } finally {
        await fsp.rm(tmp, { force: true });
      }
    }
    await this.linkBlob(repo, digest);
    await touchLink(this.revisionLink(repo, digest), parsed.mediaType);
    if (parsed.subject) {
      const file = path.join(this.referrersDir(repo, parsed.subject.digest), hexOf(digest));
      await fsp.mkdir(path.dirname(file), { recursive: true });
      await atomicWrite(file, JSON.stringify(referrerDescriptor(parsed, digest, body.length)));
    }
    if (!byDigest) {
      const tag = this.tagFile(repo, reference);
      await fsp.mkdir(path.dirname(tag), { recursive: true });
      await atomicWrite(tag, digest);
    }
    return { digest, subject: parsed.subject?.digest };
  }

  /** Deletes a tag (reference is a tag) or a manifest with every tag pointing at it (a digest). */
  async deleteManifest(repo: string, reference: string): Promise<void> {
    if (!isDigest(reference)) {
      if (!TAG_RE.test(reference)) throw new RegistryError('TAG_INVALID', 'invalid tag', { tag: reference });
      try {
        await fsp.unlink(this.tagFile(repo, reference));
      } catch {
        throw new RegistryError('MANIFEST_UNKNOWN', undefined, { tag: reference });
      }
      return;
    }
    const stored = await this.getManifest(repo, reference);
    if (!stored) throw new RegistryError('MANIFEST_UNKNOWN', undefined, { digest: reference });
    for (const tag of await this.listTags(repo)) {
      if ((await this.resolveReference(repo, tag)) === reference) await fsp.rm(this.tagFile(repo, tag), { force: true });
    }
    await fsp.rm(this.revisionLink(repo, reference), { force: true });
    try {
      const parsed = parseManifest(stored.body, stored.mediaType);
      if (parsed.subject) await fsp.rm(path.join(this.referrersDir(repo, parsed.subject.digest), hexOf(reference)), { force: true });
    } catch {}
  }

  async repositoryExists(repo: string): Promise<boolean> {
    return (await statOrUndefined(path.join(this.repoDir(repo), '_manifests'))) !== undefined;
  }

  async listTags(repo: string): Promise<string[]> {
    const names = await readdirOrEmpty(path.join(this.repoDir(repo), '_manifests', 'tags'));
    return names.filter((n) => !n.includes(TEMP_MARK)).sort();
  }

  /** Every repository holding manifests, in lexical order. */
  async listRepositories(): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string, prefix: string): Promise<void> => {
      const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        if (!e.isDirectory()) continue;
        if (e.name === '_manifests') out.push(prefix);
        else if (!e.name.startsWith('_')) await walk(path.join(dir, e.name), prefix ? `${prefix}/${e.name}` : e.name);
      }
    };
    await walk(path.join(this.root, 'repositories'), '');
    return out.sort();
  }

  /** Manifests in `repo` whose subject is `digest`, optionally only those of one artifact type. */
  async listReferrers(repo: string, digest: string, artifactType?: string): Promise<Descriptor[]> {
    checkDigest(digest);
    const dir = this.referrersDir(repo, digest);
    const out: Descriptor[] = [];
    for (const name of await readdirOrEmpty(dir)) {
      if (name.includes(TEMP_MARK)) continue;
      const desc = JSON.parse(await fsp.readFile(path.join(dir, name), 'utf8')) as Descriptor;
      // Skip referrers whose manifest was deleted but whose entry a crash left behind.
      if (!(await statOrUndefined(this.revisionLink(repo, desc.digest)))) continue;
      if (artifactType === undefined || desc.artifactType === artifactType) out.push(desc);
    }
    return out.sort((a, b) => a.digest.localeCompare(b.digest));
  }
}

/** Several errors reported at once (e.g. every missing blob of a manifest). */
export class MultiRegistryError extends Error {
  constructor(readonly errors: RegistryError[]) {
    super(errors.map((e) => e.message).join('; '));
  }
}
