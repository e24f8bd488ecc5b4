// Compose files as YAML: every document of a file as plain values, with anchors, aliases and
// merge keys (`<<: *base`, `<<: [*a, *b]`) resolved, and the paths of the nodes tagged `!reset`
// (dropped here) and `!override` (kept here), which the merge step uses to drop what earlier
// files said at those paths (compose-go's ResetProcessor). Plain scalars follow YAML 1.2's core
// schema as go-yaml does, including `0755` read as octal. Duplicate keys are an error.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parse as parseScalar, parseAllDocuments, type Document, type Node as YamlNode } from 'yaml';
import { ComposeError } from './errors.js';
import { defineKey } from './tree.js';

export interface ParsedDocument {
  /** The document as plain values (objects, arrays, strings, numbers, booleans, null). */
  value: unknown;
  /** Paths (key lists) of the `!reset` and `!override` nodes, merge keys left out. */
  resets: string[][];
}

/** go-yaml stops after this many node visits (alias bombs). */
const MAX_NODE_VISITS = 100_000;

/** Parses every document of a compose file. `file` names it in errors. */
export function parseComposeYaml(text: string, file: string): ParsedDocument[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, merge: true, uniqueKeys: false, prettyErrors: false, strict: false });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: ParsedDocument[] = [];
  for (const doc of list) {
    const err = doc.errors[0];
    if (err) throw new ComposeError(`failed to parse ${file}: yaml: line ${lineCounter.linePos(err.pos[0]).line}: ${err.message.split('\n')[0]}`);
    if (doc.contents === null) continue;
    out.push(convertDocument(doc, lineCounter, file));
  }
  return out;
}

function convertDocument(doc: Document.Parsed, lines: LineCounter, file: string): ParsedDocument {
  const resets: string[][] = [];
  let visits = 0;
  const fail = (msg: string): never => {
    throw new ComposeError(`failed to parse ${file}: ${msg}`);
  };
  const line = (node: YamlNode | null | undefined) => (node?.range ? lines.linePos(node.range[0]).line : 0);
  const RESET = Symbol('reset');

  const convert = (node: unknown, path: string[], seen: Set<unknown>): unknown => {
    if (++visits > MAX_NODE_VISITS) fail(`compose file exceeds maximum node visit limit (${MAX_NODE_VISITS})`);
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const target = node.resolve(doc);
      if (!target) fail(`line ${line(node)}: unknown anchor '${node.source}' referenced`);
      if (seen.has(target)) fail(`line ${line(node)}: anchor '${node.source}' value contains itself`);
      const next = new Set(seen).add(target);
      return convert(target, path, next);
    }
    const tag = (node as { tag?: string }).tag;
    if (tag === '!reset') {
      resets.push(path);
      return RESET;
    }
    if (tag === '!override') resets.push(path);
    if (isScalar(node)) {
      if (tag === '!override' && node.type === 'PLAIN' && typeof node.source === 'string') return plainScalar(node.source);
      if (node.type === 'PLAIN' && typeof node.source === 'string' && /^[-+]?0[0-7]+$/.test(node.source)) return parseInt(node.source, 8);
      return node.value;
    }
    if (isSeq(node)) {
      const items: unknown[] = [];
      node.items.forEach((item, i) => {
        const v = convert(item, [...path, String(i)], seen);
        if (v !== RESET) items.push(v);
      });
      return items;
    }
    if (isMap(node)) {
      const obj: Record<string, unknown> = {};
      const lineOf = new Map<string, number>();
      const merged: unknown[] = [];
      for (const pair of node.items) {
        const keyNode = pair.key as YamlNode | null;
        if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
          merged.push(pair.value);
          continue;
        }
        const rawKey = isScalar(keyNode) ? keyNode.value : convert(keyNode, path, seen);
        if (rawKey !== null && typeof rawKey === 'object') fail(`line ${line(keyNode)}: invalid map key`);
        if (typeof rawKey !== 'string') {
          throw new ComposeError(path.length ? `non-string key in ${path.join('.')}: ${String(rawKey)}` : `non-string key at top level: ${String(rawKey)}`);
        }
        const key = rawKey;
        const at = line(keyNode);
        if (lineOf.has(key)) fail(`line ${at}: mapping key ${JSON.stringify(key)} already defined at line ${lineOf.get(key)}`);
        lineOf.set(key, at);
        const v = convert(pair.value, [...path, key], seen);
        if (v !== RESET) defineKey(obj, key, v);
      }
      // Merge keys: explicit keys win, then the earlier of the merged mappings.
      for (const m of merged) {
        const sources = isSeq(m) ? m.items : [m];
        for (const src of sources) {
          const value = convert(src, path, seen);
          if (value === RESET || value === null) continue;
          if (typeof value !== 'object' || Array.isArray(value)) fail(`line ${line(src as YamlNode)}: map merge requires map or sequence of maps as the value`);
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            if (!Object.hasOwn(obj, k) && !lineOf.has(k)) defineKey(obj, k, v);
          }
        }
      }
      return obj;
    }
    return fail(`unsupported YAML node`);
  };

  const value = convert(doc.contents, [], new Set());
  return { value: value === RESET ? null : value, resets };
}

/** A plain scalar's value under the core schema (used where a custom tag hid it). */
function plainScalar(source: string): unknown {
  if (/^[-+]?0[0-7]+$/.test(source)) return parseInt(source, 8);
  return parseScalar(source) as unknown;
}
