// Runs a CLI bundle (dist/berth-cmd/<id>.cjs) with a V8 code cache beside it, made by the first
// call that finds none: later calls skip compiling what that call compiled.
//
// Why: compiling the ~100 KB bundle and then, lazily, every function a call runs costs ~4-7 ms of
// each `berth run` here (A/B against a stub daemon, alternating runs: p50 40.7 -> 37.0 ms over 50,
// 49.5 -> 42.4 ms over 40). The cache is written at exit, so it holds the functions a real call
// compiled (one made before anything ran held little and saved nothing measurable; one made with
// everything compiled eagerly was 220 KB and its loading ate the gain).
//
// Safety: V8 checks a cache only against the source's length, V8 version and flags, so the file
// name also carries the bundle's inode, size and mtime; a rebuild (temp file + rename, see
// scripts/build.mjs) gets a new inode and its old caches are deleted with the stale files. In a
// directory we cannot write (an install owned by someone else) the bundle is simply required: we
// could not leave a cache there, and one left by someone else is not code to run. A bundle with a
// real import() is required too (vm.Script cannot run one without --experimental-vm-modules).
// Any failure just means compiling as usual.
import { accessSync, constants, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Script } from 'node:vm';

/** The module wrapper node's CommonJS loader uses, so the bundle runs exactly as under require. */
const WRAP_HEAD = '(function (exports, require, module, __filename, __dirname) { ';
const WRAP_TAIL = '\n});';

/**
 * A dynamic import() call. Not esbuild's require_import() and the like, nor a call of a method
 * named import; a method defined as `import() {…}` does count (harmless: that bundle just runs
 * without a cache, and the build warns).
 */
export const DYNAMIC_IMPORT = /(?<![\w$.])import\s*\(/;

type ModuleFunction = (exports: unknown, require: NodeJS.Require, module: { exports: unknown }, filename: string, dirname: string) => void;

/** Where the cache of this build of `file` lives. */
export function cacheFileFor(file: string, stat: { ino: number; size: number; mtimeMs: number }): string {
  return `${file}.${stat.ino}-${stat.size}-${Math.trunc(stat.mtimeMs)}.v8cache`;
}

/** Whether we own the directory: a cache anyone else could write is not one to run. */
function writableByUs(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Loads the CommonJS bundle `file` (which requires only node builtins, through `require`) and
 * returns its exports, using and keeping a code cache when it can. The cache is written by the
 * function handed to `atExit` (by default, when the process exits).
 */
export function requireWithCodeCache<T>(file: string, require: NodeJS.Require, atExit: (save: () => void) => void = (save) => process.once('exit', save)): T {
  let cacheFile: string | undefined;
  let cachedData: Buffer | undefined;
  try {
    if (writableByUs(dirname(file))) cacheFile = cacheFileFor(file, statSync(file));
    if (cacheFile) cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined; // none yet
  }
  if (!cacheFile) return require(file) as T;
  const source = readFileSync(file, 'utf8');
  // A real import() cannot run in a vm.Script without --experimental-vm-modules; scripts/build.mjs
  // has esbuild turn them into require, and warns about any left (or a lookalike in a string).
  if (DYNAMIC_IMPORT.test(source)) return require(file) as T;
  const script = new Script(WRAP_HEAD + source + WRAP_TAIL, { filename: file, cachedData });
  if (!cachedData || script.cachedDataRejected) atExit(() => saveCache(script, cacheFile));
  const mod = { exports: {} as unknown };
  (script.runInThisContext() as ModuleFunction).call(mod.exports, mod.exports, require, mod, file, dirname(file));
  return mod.exports as T;
}

/** Writes the cache (temp + rename: concurrent calls each write a whole file); failures are ignored. */
function saveCache(script: Script, cacheFile: string): void {
  const tmp = `${cacheFile}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, script.createCachedData());
    renameSync(tmp, cacheFile);
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}
