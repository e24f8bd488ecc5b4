// Removing images by dockerd's rules (daemon/images/image_delete.go, image_prune.go): untag
// first, delete only what no container, child image or other reference still needs, conflicts
// reported in Docker's words, and the parent chain pruned after. The store keeps the records;
// this file decides what goes.
import { ConflictError } from '../errors.js';
import { getBoolOrDefault, prunePredicate } from '../filters.js';
import { shortId } from '../../util/ids.js';
import { familiarString, parseNormalizedNamed, referenceString, withDefaultTag, type NamedReference } from './reference.js';
import { createdSeconds, type DeleteResponseItem, type ImageStore } from './store.js';

// Conflict kinds of image_delete.go.
const CHILD = 1;
const RUNNING = 2;
const REFERENCE = 4;
const STOPPED = 8;
const HARD = CHILD | RUNNING;
const SOFT = REFERENCE | STOPPED;

/** DELETE /images/{name}: Docker's rules (image_delete.go) for untagging and deleting. */
export async function removeImage(store: ImageStore, ref: string, o: { force?: boolean; noprune?: boolean } = {}): Promise<DeleteResponseItem[]> {
  const force = !!o.force;
  const prune = !o.noprune;
  const img = store.get(ref);
  const records: DeleteResponseItem[] = [];
  let repoRefs = store.refsOf(img.id);
  let removedRepositoryRef = false;

  if (!isImageIdPrefix(img.id, ref)) {
    if (!force && isSingleReference(repoRefs)) {
      const ctr = store.opts.containersUsingImage(img.id)[0];
      if (ctr) {
        throw new ConflictError(
          `conflict: unable to remove repository reference ${JSON.stringify(ref)} (must force) - container ${shortId(ctr.id)} is using its referenced image ${shortId(img.id)}`,
        );
      }
    }
    const parsed = withDefaultTag(parseNormalizedNamed(ref));
    const key = parsed.digest ? referenceString({ ...parsed, tag: undefined }) : referenceString(parsed);
    await store.deleteReference(key);
    store.opts.events.publish('image', 'untag', img.id, { name: img.id, ...store.labelAttrs(img) });
    records.push({ Untagged: familiarString(parseNormalizedNamed(key)) });
    repoRefs = store.refsOf(img.id);
    if (!parsed.digest) {
      const sameRepoTag = repoRefs.some((r) => {
        const p = parseNormalizedNamed(r);
        return !p.digest && p.domain === parsed.domain && p.path === parsed.path;
      });
      if (!sameRepoTag) {
        const remaining: string[] = [];
        for (const r of repoRefs) {
          const p = parseNormalizedNamed(r);
          if (p.digest && p.domain === parsed.domain && p.path === parsed.path) {
            await store.deleteReference(r);
            records.push({ Untagged: familiarString(p) });
          } else remaining.push(r);
        }
        repoRefs = remaining;
      }
    }
    if (repoRefs.length > 0) return records;
    removedRepositoryRef = true;
  } else if (isSingleReference(repoRefs)) {
    // An ID was given and the image has at most one tag (in one repository): remove them all.
    checkDeleteConflict(store, img.id, force ? HARD : HARD | STOPPED);
    for (const r of repoRefs) {
      await store.deleteReference(r);
      store.opts.events.publish('image', 'untag', img.id, { name: img.id, ...store.labelAttrs(img) });
      records.push({ Untagged: familiarString(parseNormalizedNamed(r)) });
    }
  }
  await deleteHelper(store, img.id, records, force, prune, removedRepositoryRef);
  return records;
}

/** Throws the first conflict found among the kinds in `mask` (image_delete.go's checkImageDeleteConflict). */
function checkDeleteConflict(store: ImageStore, id: string, mask: number): void {
  const c = findConflict(store, id, mask);
  if (c) throw new ConflictError(c.message);
}

function findConflict(store: ImageStore, id: string, mask: number): { message: string; used: boolean } | undefined {
  const short = shortId(id);
  if (mask & CHILD && store.children(id).length > 0) {
    return { message: `conflict: unable to delete ${short} (cannot be forced) - image has dependent child images`, used: false };
  }
  const users = store.opts.containersUsingImage(id);
  const running = users.find((c) => c.running);
  if (mask & RUNNING && running) {
    return { message: `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container ${shortId(running.id)}`, used: true };
  }
  if (mask & REFERENCE && store.refsOf(id).length > 0) {
    return { message: `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`, used: false };
  }
  const stopped = users.find((c) => !c.running);
  if (mask & STOPPED && stopped) {
    return { message: `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container ${shortId(stopped.id)}`, used: true };
  }
  return undefined;
}

function isDangling(store: ImageStore, id: string): boolean {
  return store.refsOf(id).length === 0 && store.children(id).length === 0;
}

async function deleteHelper(store: ImageStore, id: string, records: DeleteResponseItem[], force: boolean, prune: boolean, quiet: boolean): Promise<void> {
  const mask = force ? HARD : HARD | SOFT;
  const conflict = findConflict(store, id, mask);
  if (conflict) {
    if (quiet && (!isDangling(store, id) || conflict.used)) return;
    throw new ConflictError(conflict.message);
  }
  const img = store.get(id);
  const parent = img.parent;
  for (const r of store.refsOf(id)) {
    await store.deleteReference(r);
    store.opts.events.publish('image', 'untag', id, { name: id, ...store.labelAttrs(img) });
    records.push({ Untagged: familiarString(parseNormalizedNamed(r)) });
  }
  const removedLayers = await store.deleteRecord(img);
  store.opts.events.publish('image', 'delete', id, { name: id, ...store.labelAttrs(img) });
  records.push({ Deleted: id });
  for (const l of removedLayers) records.push({ Deleted: l });
  if (!prune || !parent || !store.has(parent)) return;
  await deleteHelper(store, parent, records, false, true, true);
}

/** POST /images/prune: dangling images by default, every unused image with `dangling=false`. */
export async function pruneImages(store: ImageStore, o: { filters?: Map<string, string[]> } = {}): Promise<{ ImagesDeleted: DeleteResponseItem[] | null; SpaceReclaimed: number }> {
  const filters = o.filters ?? new Map<string, string[]>();
  const keep = prunePredicate(filters, ['dangling', 'until', 'label', 'label!']);
  const danglingOnly = getBoolOrDefault(filters, 'dangling', true);
  const deleted: DeleteResponseItem[] = [];
  let space = 0;
  const candidates = store.list().filter((img) => {
    if (store.children(img.id).length > 0) return false; // parents go with their children (prune=true)
    if (danglingOnly && store.refsOf(img.id).length > 0) return false;
    if (store.opts.containersUsingImage(img.id).length > 0) return false;
    if (!keep(createdSeconds(img) * 1000, img.config.config?.Labels)) return false;
    return true;
  });
  for (const img of candidates) {
    if (!store.has(img.id)) continue;
    const sizeBefore = totalLayerSize(store);
    const recs: DeleteResponseItem[] = [];
    try {
      if (danglingOnly) {
        await deleteHelper(store, img.id, recs, false, true, false);
      } else {
        for (const r of store.refsOf(img.id)) recs.push(...(await removeImage(store, familiarString(parseNormalizedNamed(r)), { force: false })));
        if (store.has(img.id)) await deleteHelper(store, img.id, recs, false, true, false);
      }
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
    }
    deleted.push(...recs);
    space += sizeBefore - totalLayerSize(store);
  }
  space += await store.releaseHolds();
  store.opts.events.publish('image', 'prune', '', { reclaimed: String(space) });
  return { ImagesDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
}

function totalLayerSize(store: ImageStore): number {
  return store.layers.all().reduce((n, l) => n + l.size, 0);
}

function isImageIdPrefix(imageId: string, possiblePrefix: string): boolean {
  if (imageId.startsWith(possiblePrefix)) return true;
  const i = imageId.indexOf(':');
  return i >= 0 && imageId.slice(i + 1).startsWith(possiblePrefix);
}

/** All references are in one repository with at most one tag (image_delete.go). */
function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: NamedReference | undefined;
  const canonicalNames = new Set<string>();
  for (const r of refs) {
    const p = parseNormalizedNamed(r);
    if (p.digest) canonicalNames.add(`${p.domain}/${p.path}`);
    else if (!single) single = p;
    else return false;
  }
  if (!single) single = parseNormalizedNamed(refs[0]);
  return canonicalNames.size === 1 && canonicalNames.has(`${single.domain}/${single.path}`);
}
