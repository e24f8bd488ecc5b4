// Which compressed blobs a layer is known as, and where: dockerd's v2metadata-by-diffid. Pull
// records (diffID → blob digest, source repository) for every layer it registers; push records
// what it uploaded. Push uses it to answer "Layer already exists" without compressing again and
// to mount blobs across repositories of the same registry.
// On disk: <dataRoot>/distribution/v2metadata.json, written atomically after each change.
import path from 'node:path';
import { atomicWriteJson, readJsonOrSkip } from '../../util/fs.js';
import { promises as fsp } from 'node:fs';
import { settled } from '../../util/best-effort.js';

export interface BlobLocation {
  /** `sha256:…` of the compressed blob as the registry has it. */
  digest: string;
  /** Full repository name, `localhost:5000/x` or `docker.io/library/busybox`. */
  sourceRepository: string;
  /** Compressed size, when known (a manifest needs it). */
  size?: number;
}

/** How many locations are kept per layer (oldest dropped first). */
const MAX_LOCATIONS = 50;

export class DistributionMetadata {
  private byDiffId = new Map<string, BlobLocation[]>();
  private loaded?: Promise<void>;
  private writing: Promise<unknown> = Promise.resolve();
  private readonly file: string;

  constructor(dataRoot: string) {
    this.file = path.join(dataRoot, 'distribution', 'v2metadata.json');
  }

  private load(): Promise<void> {
    this.loaded ??= (async () => {
      const data = await readJsonOrSkip<Record<string, BlobLocation[]>>(this.file, 'distribution metadata');
      for (const [k, v] of Object.entries(data ?? {})) if (Array.isArray(v)) this.byDiffId.set(k, v);
    })();
    return this.loaded;
  }

  /** Known locations of a layer, most recent first. */
  async locations(diffId: string): Promise<BlobLocation[]> {
    await this.load();
    return [...(this.byDiffId.get(diffId) ?? [])].reverse();
  }

  /** Records where a layer's blob lives (moved to the end when already known). */
  async add(diffId: string, loc: BlobLocation): Promise<void> {
    await this.addAll([{ diffId, location: loc }]);
  }

  /** add() for several layers with one write (a pull records all of an image's layers at once). */
  async addAll(entries: Array<{ diffId: string; location: BlobLocation }>): Promise<void> {
    await this.load();
    for (const { diffId, location: loc } of entries) {
      const list = (this.byDiffId.get(diffId) ?? []).filter((l) => !(l.digest === loc.digest && l.sourceRepository === loc.sourceRepository));
      list.push(loc);
      this.byDiffId.set(diffId, list.slice(-MAX_LOCATIONS));
    }
    await this.save();
  }

  /** Forgets a blob that turned out not to be where it was recorded. */
  async remove(diffId: string, loc: BlobLocation): Promise<void> {
    await this.load();
    const list = this.byDiffId.get(diffId);
    if (!list) return;
    this.byDiffId.set(
      diffId,
      list.filter((l) => !(l.digest === loc.digest && l.sourceRepository === loc.sourceRepository)),
    );
    await this.save();
  }

  private save(): Promise<void> {
    const run = this.writing.then(async () => {
      await fsp.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      await atomicWriteJson(this.file, Object.fromEntries(this.byDiffId));
    });
    this.writing = settled(run); // run's error goes to its caller
    return run;
  }
}
