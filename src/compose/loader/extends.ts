// `extends`: a service starts from another service, of the same file or of another file
// (`extends: {file, service}`), recursively; the extending service is merged over a copy of
// the base (with its own `!reset`s applied to the copy). A cycle is refused with compose's
// "Circular reference:" message.
import path from 'node:path';
import { ComposeError } from './errors.js';
import { applyResets, mergeYaml } from './merge.js';
import { resolveRelativePaths } from './paths.js';
import { cloneTree, isMapping } from './tree.js';

type Dict = Record<string, unknown>;

/** Loads one file for extends: interpolated, not validated, no include/extends applied. */
export type ExtendsFileLoader = (file: string, resourceDir: string) => { tree: Dict; resets: string[][] };

interface ServiceRef {
  file: string;
  service: string;
}

class Tracker {
  constructor(readonly loaded: ServiceRef[] = []) {}
  add(file: string, service: string): Tracker {
    if (this.loaded.some((r) => r.file === file && r.service === service)) {
      const lines = ['Circular reference:', `  ${this.loaded[0].service} in ${this.loaded[0].file}`];
      for (const r of [...this.loaded.slice(1), { file, service }]) lines.push(`  extends ${r.service} in ${r.file}`);
      throw new ComposeError(lines.join('\n'));
    }
    return new Tracker([...this.loaded, { file, service }]);
  }
}

export interface ExtendsContext {
  /** The file the services come from (named in errors). */
  file: string;
  /** Directory relative extends files resolve against. */
  resourceDir: string;
  /** `!reset` / `!override` paths of the document being loaded. */
  resets: string[][];
  loadFile: ExtendsFileLoader;
}

export function applyExtends(tree: Dict, ctx: ExtendsContext): void {
  const services = tree.services;
  if (services === undefined) return;
  if (!isMapping(services)) throw new ComposeError('services must be a mapping');
  for (const name of Object.keys(services)) services[name] = extendService(name, services, ctx, ctx.file, ctx.resourceDir, ctx.resets, new Tracker());
}

function extendService(name: string, services: Dict, ctx: ExtendsContext, file: string, resourceDir: string, resets: string[][], tracker: Tracker): unknown {
  const s = services[name];
  if (s === null || s === undefined) return null;
  if (!isMapping(s)) throw new ComposeError(`services.${name} must be a mapping`);
  const ext = s.extends;
  if (ext === undefined) return s;
  let ref: string;
  let refFile: string | undefined;
  if (typeof ext === 'string') ref = ext;
  else if (isMapping(ext)) {
    if (typeof ext.service !== 'string') throw new ComposeError(`extends.${name}.service is required`);
    ref = ext.service;
    if (ext.file !== undefined && ext.file !== null) refFile = String(ext.file);
  } else throw new ComposeError(`services.${name}.extends must be a string or a mapping`);

  let baseServices = services;
  let baseFile = file;
  let baseDir = resourceDir;
  let baseResets = resets;
  if (refFile !== undefined) {
    const local = path.resolve(resourceDir, refFile);
    const loaded = ctx.loadFile(local, path.dirname(local));
    const m = loaded.tree.services;
    if (m === undefined) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${local}: no services section`);
    if (!isMapping(m)) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${local}: services must be a mapping`);
    if (!Object.hasOwn(m, ref)) throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${file}: service ${JSON.stringify(ref)} not found in ${refFile}`);
    resolveRelativePaths(loaded.tree, path.dirname(local));
    baseServices = m;
    baseFile = local;
    baseDir = path.dirname(local);
    baseResets = loaded.resets;
  } else if (!Object.hasOwn(services, ref)) {
    throw new ComposeError(`cannot extend service ${JSON.stringify(name)} in ${file}: service ${JSON.stringify(ref)} not found`);
  }
  const next = tracker.add(baseFile, name);
  const base = extendService(ref, baseServices, ctx, baseFile, baseDir, baseResets, next);
  if (base === null) return s;
  const source = cloneTree(base) as Dict;
  const wrapper = { services: { [name]: source } };
  applyResets(wrapper, resets);
  const merged = mergeYaml(wrapper.services[name], s, ['services', 'x']) as Dict;
  delete merged.extends;
  services[name] = merged;
  return merged;
}
