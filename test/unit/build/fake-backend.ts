// An in-memory BuildBackend for executor tests: images are plain directories (each a full copy of
// its rootfs), RUN is simulated by a hook, the cache is a Map.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BaseImage, BuildBackend, CommitOptions, RunConfig, RunOptions, WritableLayer } from '../../../src/engine/build/backend.js';
import { NotFoundError } from '../../../src/engine/errors.js';

export interface FakeImage {
  id: string;
  parent: string;
  config: RunConfig;
  containerConfig: RunConfig;
  history: Array<{ created_by: string; empty_layer?: boolean; author?: string }>;
  rootfs: string;
  author?: string;
}

export type RunHook = (opts: RunOptions, rootfs: string) => Promise<{ exitCode: number; stdout?: string; stderr?: string }>;

export class FakeBackend implements BuildBackend {
  readonly images = new Map<string, FakeImage>();
  readonly tags = new Map<string, string>();
  readonly runs: RunOptions[] = [];
  readonly removed: string[] = [];
  readonly cacheMap = new Map<string, string>();
  private counter = 0;
  private readonly containers = new Map<string, { imageId: string; rootfs: string }>();
  runHook: RunHook = async () => ({ exitCode: 0 });

  readonly cache = {
    get: async (k: string) => this.cacheMap.get(k),
    put: async (k: string, v: string) => void this.cacheMap.set(k, v),
  };

  constructor(readonly dir: string) {}

  static async create(): Promise<FakeBackend> {
    return new FakeBackend(await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-fake-backend-')));
  }

  async dispose(): Promise<void> {
    await fsp.rm(this.dir, { recursive: true, force: true });
  }

  private nextId(seed: string): string {
    return 'sha256:' + createHash('sha256').update(`${seed}:${this.counter++}`).digest('hex');
  }

  private async newRootfs(fromImage: string): Promise<string> {
    const d = path.join(this.dir, `fs-${this.counter++}`);
    // cp -a keeps owners, modes and symlinks, as a real layer stack would.
    if (fromImage) execFileSync('cp', ['-a', this.images.get(fromImage)!.rootfs, d]);
    else await fsp.mkdir(d);
    return d;
  }

  /** Adds a base image with the given files (path → content). */
  async addImage(ref: string, config: RunConfig, files: Record<string, string> = {}): Promise<string> {
    const rootfs = await this.newRootfs('');
    for (const [p, c] of Object.entries(files)) {
      await fsp.mkdir(path.dirname(path.join(rootfs, p)), { recursive: true });
      await fsp.writeFile(path.join(rootfs, p), c);
    }
    const id = this.nextId(ref);
    this.images.set(id, { id, parent: '', config, containerConfig: {}, history: [{ created_by: 'base' }], rootfs });
    this.tags.set(ref, id);
    return id;
  }

  private find(ref: string): FakeImage | undefined {
    const id = this.tags.get(ref) ?? this.tags.get(ref.includes(':') ? ref : `${ref}:latest`) ?? ref;
    return this.images.get(id);
  }

  async getImage(ref: string): Promise<BaseImage> {
    const img = this.find(ref);
    if (!img) throw new NotFoundError(`pull access denied for ${ref}, repository does not exist or may require 'docker login'`);
    return { id: img.id, config: structuredClone(img.config), os: 'linux', architecture: 'amd64' };
  }

  async hasImage(id: string): Promise<boolean> {
    return this.images.has(id);
  }

  private async addChild(parent: string, rootfs: string, o: CommitOptions, empty: boolean): Promise<string> {
    const id = this.nextId(parent + o.createdBy);
    const history = [...(parent ? this.images.get(parent)!.history : []), { created_by: o.createdBy, ...(empty ? { empty_layer: true } : {}), ...(o.author ? { author: o.author } : {}) }];
    this.images.set(id, { id, parent, config: structuredClone(o.config), containerConfig: structuredClone(o.containerConfig), history, rootfs, author: o.author });
    return id;
  }

  async run(opts: RunOptions): Promise<{ containerId: string; exitCode: number }> {
    this.runs.push(opts);
    const containerId = createHash('sha256').update(`ctr${this.counter++}`).digest('hex');
    const rootfs = await this.newRootfs(opts.imageId);
    this.containers.set(containerId, { imageId: opts.imageId, rootfs });
    opts.onCreated(containerId);
    const r = await this.runHook(opts, rootfs);
    if (r.stdout) opts.onOutput(Buffer.from(r.stdout), 'stdout');
    if (r.stderr) opts.onOutput(Buffer.from(r.stderr), 'stderr');
    return { containerId, exitCode: r.exitCode };
  }

  async commitContainer(containerId: string, o: CommitOptions): Promise<string> {
    const c = this.containers.get(containerId)!;
    return this.addChild(c.imageId, c.rootfs, o, false);
  }

  async removeContainer(id: string): Promise<void> {
    this.removed.push(id);
    this.containers.delete(id);
  }

  async openLayer(parent: string): Promise<WritableLayer> {
    const root = await this.newRootfs(parent);
    return {
      root,
      commit: (o) => this.addChild(parent, root, o, false),
      release: async () => {},
    };
  }

  async commitConfig(parent: string, o: CommitOptions): Promise<string> {
    return this.addChild(parent, parent ? this.images.get(parent)!.rootfs : await this.newRootfs(''), o, true);
  }

  async mountImage(id: string): Promise<{ root: string; release(): Promise<void> }> {
    return { root: this.images.get(id)!.rootfs, release: async () => {} };
  }

  async tag(id: string, ref: string): Promise<void> {
    this.tags.set(ref, id);
  }
}
