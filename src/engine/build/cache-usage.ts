// The classic builder's cache as GET /system/df's BuildCache records (BuildKit's shape, which the
// docker CLI reads). Pure: entries and image facts in, records out.
//
// An entry is one build step → the image it produced. Its bytes are the layer that step added
// (none for a step that only changed the config: ENV, LABEL, CMD …), counted once however many
// entries end on it. When that layer is also part of an image `docker images` lists, those bytes
// are already counted under Images: the record is `Shared`, as BuildKit marks a record whose
// snapshot an image holds, and the docker CLI leaves shared records out of the build cache's
// size and of what is reclaimable. What is left is the cache proper: layers only intermediate
// images hold, which `builder prune` frees.

/** What the cache store keeps per entry. */
export interface CacheEntryFacts {
  key: string;
  imageId: string;
  created: string;
  lastUsed?: string;
  usageCount?: number;
}

/** What the image store knows about an entry's image. */
export interface CacheImageFacts {
  /** Chain IDs, bottom first. */
  layers: string[];
  /** The image this step started from ('' when none is recorded). */
  parent: string;
  /** The step's command, from the image's last history entry. */
  createdBy: string;
}

export interface CacheUsageInputs {
  entries: CacheEntryFacts[];
  image(id: string): CacheImageFacts | undefined;
  /** Own (diff) size of a layer. */
  diffSize(chainId: string): number;
  /** Layers of the images `docker images` lists. */
  topLevelLayers: ReadonlySet<string>;
}

/** One BuildCache record of GET /system/df (API ≥ 1.42: Parents, no Parent). */
export interface ClassicCacheRecord {
  ID: string;
  Parents: string[] | null;
  Type: 'regular';
  Description: string;
  InUse: boolean;
  Shared: boolean;
  Size: number;
  CreatedAt: string;
  LastUsedAt: string | null;
  UsageCount: number;
}

/**
 * The layer a step added: its image's top layer, unless the image it started from ends on the
 * same one. When that image is gone the top layer is taken as the step's own.
 */
export function addedLayer(img: CacheImageFacts, parent: CacheImageFacts | undefined): string | undefined {
  const top = img.layers.at(-1);
  if (top === undefined || parent?.layers.at(-1) === top) return undefined;
  return top;
}

/** The live entries (their image exists) as records, oldest first. */
export function classicCacheRecords(inp: CacheUsageInputs): ClassicCacheRecord[] {
  const live = inp.entries.filter((e) => inp.image(e.imageId) !== undefined).sort((a, b) => a.created.localeCompare(b.created) || a.key.localeCompare(b.key));
  const keyOfImage = new Map<string, string>();
  for (const e of live) if (!keyOfImage.has(e.imageId)) keyOfImage.set(e.imageId, e.key);
  const attributed = new Set<string>();
  return live.map((e) => {
    const img = inp.image(e.imageId)!;
    const parent = img.parent ? inp.image(img.parent) : undefined;
    const layer = addedLayer(img, parent);
    let size = 0;
    let shared = false;
    if (layer !== undefined && !attributed.has(layer)) {
      attributed.add(layer);
      size = inp.diffSize(layer);
      shared = inp.topLevelLayers.has(layer);
    }
    const parentKey = img.parent ? keyOfImage.get(img.parent) : undefined;
    return {
      ID: e.key,
      Parents: parentKey ? [parentKey] : null,
      Type: 'regular',
      Description: img.createdBy,
      InUse: false,
      Shared: shared,
      Size: size,
      CreatedAt: e.created,
      LastUsedAt: e.lastUsed ?? null,
      UsageCount: e.usageCount ?? 0,
    };
  });
}
