// Tar reading and writing with safety checks (like moby's pkg/archive): image layers, load,
// import, save, cp, export and build. It imports nothing from the rest of berth but src/util.
export { extractTar, safeEntryComponents, symlinkEscapes, checkEntrySafety, badHardlinkTarget, makeOverlayWhiteouts, WHITEOUT_PREFIX, WHITEOUT_OPAQUE, type IdMapFn } from './extract.js';
export type { ExtractOptions, ExtractResult } from './extract.js';
export { resolveInRoot, isWithin, cleanScoped } from './resolve.js';
export { tarDirectory, tarTreeChunks, tarTreeEntries, tarFromEntries, entryFromStats } from './tar-directory.js';
export type { TarDirectoryOptions } from './tar-directory.js';
export { overlayUpperToLayerTar, diffOverlayUpper, isOverlayWhiteout, findOpaqueDirs } from './overlay-diff.js';
export type { ChangeItem } from './overlay-diff.js';
export { readTar } from './tar-reader.js';
export type { TarReadEntry } from './tar-reader.js';
export { encodeHeader, endOfArchive, padding } from './tar-header.js';
export type { TarEntry, TarEntryType } from './tar-header.js';
export { decompressStream, detectCompression, peekStream } from './compression.js';
export { writeImageArchive } from './image-archive.js';
export type { ArchiveImageName, ArchiveImageSource, ArchiveLayerSource } from './image-archive.js';
