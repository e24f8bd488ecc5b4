// How much disk the images take, counted as dockerd counts it for GET /system/df
// (daemon/images/service.go ImageDiskUsage and image_list.go's SharedSize). Pure: it sees
// images as lists of layer chain IDs and asks for each layer's own (diff) size.
//
// - LayersSize: every layer of the top-level images (those `docker images` lists: tagged or
//   digested, or without children), each layer once however many images share it.
// - SharedSize of an image: the diff sizes of its layers that another image (any image,
//   intermediate build images too) also has.
// The client derives what is reclaimable from these: LayersSize less Size - SharedSize of each
// image some container uses.

export interface LayeredImage {
  id: string;
  /** Chain IDs, bottom first. */
  layers: string[];
  /** Listed by `docker images` (tagged or digested, or no image has it as parent). */
  topLevel: boolean;
}

/** dockerd's ImageDiskUsage: each layer of a top-level image once. */
export function layersSize(images: LayeredImage[], diffSize: (chainId: string) => number): number {
  const counted = new Set<string>();
  let total = 0;
  for (const img of images) {
    if (!img.topLevel) continue;
    for (const l of img.layers) {
      if (counted.has(l)) continue;
      counted.add(l);
      total += diffSize(l);
    }
  }
  return total;
}

/** Each image's SharedSize: its layers that at least one other image also references. */
export function sharedSizes(images: LayeredImage[], diffSize: (chainId: string) => number): Map<string, number> {
  const refs = new Map<string, number>();
  for (const img of images) for (const l of new Set(img.layers)) refs.set(l, (refs.get(l) ?? 0) + 1);
  const out = new Map<string, number>();
  for (const img of images) {
    let shared = 0;
    for (const l of img.layers) if ((refs.get(l) ?? 0) > 1) shared += diffSize(l);
    out.set(img.id, shared);
  }
  return out;
}
