// The classic builder's --cache-from (moby image/cache ImageCache): local images whose history
// stands in for cache entries, so a build on a daemon that never built it reuses their layers.
// A source matches a step when its history and layers begin with the parent image's and its next
// history entry's `created_by` is the step's description; the step's image is then the source
// itself (its last step) or a new image of the parent plus the source's layer for that entry.
import { isDeepStrictEqual } from 'node:util';
import type { ImageRecord, ImageStore } from '../images/store.js';
import type { CommitOptions } from './backend.js';

type History = NonNullable<ImageRecord['config']['history']>;

/** isValidParent: `img` extends `parent` (history and layers), or there is no parent to extend. */
function extendsParent(img: ImageRecord, parent: ImageRecord | undefined): boolean {
  const h = img.config.history ?? [];
  if (!h.length) return false;
  if (!parent) return true;
  const ph = parent.config.history ?? [];
  const pd = parent.config.rootfs.diff_ids;
  if (!ph.length && !pd.length) return true;
  if (ph.length >= h.length || pd.length > img.config.rootfs.diff_ids.length) return false;
  return ph.every((e, i) => isDeepStrictEqual(e, h[i])) && pd.every((d, i) => d === img.config.rootfs.diff_ids[i]);
}

/** getLayerForHistoryIndex: the diff ID that history entry `index` made, or undefined for an empty layer. */
function layerForHistory(img: ImageRecord, history: History, index: number): string | undefined {
  if (history[index].empty_layer) return undefined;
  const layerIndex = history.slice(0, index).filter((e) => !e.empty_layer).length;
  return img.config.rootfs.diff_ids[layerIndex];
}

/** The image standing in for the step on `parentId` ('' for scratch), or undefined. */
export async function cacheFromHit(images: ImageStore, parentId: string, sources: string[], step: CommitOptions): Promise<string | undefined> {
  const parent = parentId ? images.find(parentId) : undefined;
  if (parentId && !parent) return undefined;
  const at = parent?.config.history?.length ?? 0;
  for (const ref of sources) {
    const target = images.find(ref);
    if (!target || !extendsParent(target, parent)) continue;
    const history = target.config.history!;
    if (history[at]?.created_by !== step.createdBy) continue;
    if (history.length - 1 === at) return target.id;
    const diffId = layerForHistory(target, history, at);
    const img = await images.createFromLayer({
      parent: parent?.id,
      existingDiffId: diffId,
      config: step.config,
      history: { ...history[at] },
      historyEntry: history[at],
      author: step.author,
      extra: { container_config: step.containerConfig },
    });
    return img.id;
  }
  return undefined;
}
