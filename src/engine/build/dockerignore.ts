// .dockerignore as Docker applies it: the file format of moby/patternmatcher/ignorefile, the
// matching of moby/patternmatcher (`*`, `?`, `[…]`, `**`, `!` exceptions, later lines win, a
// pattern also matches everything below a matched directory), and the context walk of
// go-archive's TarWithOptions (skip an excluded directory unless an exception may re-include
// something inside it).
import { promises as fsp } from 'node:fs';
import path from 'node:path';

/** Reads .dockerignore text into patterns (comments, blanks, `/` prefix and `..` cleaned away). */
export function readIgnorePatterns(text: string): string[] {
  const out: string[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let line of lines) {
    if (line.startsWith('#')) continue;
    line = line.trim();
    if (line === '') continue;
    const invert = line[0] === '!';
    if (invert) line = line.slice(1).trim();
    if (line.length > 0) {
      line = cleanPath(line);
      if (line.length > 1 && line[0] === '/') line = line.slice(1);
    }
    out.push(invert ? '!' + line : line);
  }
  return out;
}

/** Go's filepath.Clean for slash paths. */
export function cleanPath(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (parts.length && parts[parts.length - 1] !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(seg);
  }
  const s = (rooted ? '/' : '') + parts.join('/');
  return s === '' ? '.' : s;
}

type MatchType = 'exact' | 'prefix' | 'suffix' | 'regexp';

export class Pattern {
  readonly exclusion: boolean;
  readonly cleaned: string;
  readonly dirs: string[];
  private type: MatchType = 'exact';
  private re?: RegExp;

  constructor(raw: string) {
    let p = cleanPath(raw.trim());
    this.exclusion = p[0] === '!';
    if (this.exclusion) {
      if (p.length === 1) throw new Error('illegal exclusion pattern: "!"');
      p = p.slice(1);
    }
    this.cleaned = p;
    this.dirs = p.split('/');
    this.compile();
  }

  private compile(): void {
    let reStr = '^';
    let type: MatchType = 'exact';
    const chars = Array.from(this.cleaned);
    for (let i = 0, pos = 0; pos < chars.length; i++) {
      const ch = chars[pos++];
      if (ch === '*') {
        if (chars[pos] === '*') {
          pos++;
          if (chars[pos] === '/') pos++;
          if (pos >= chars.length) {
            if (type === 'exact') type = 'prefix';
            else {
              reStr += '.*';
              type = 'regexp';
            }
          } else {
            reStr += '(.*/)?';
            type = 'regexp';
          }
          if (i === 0) type = 'suffix';
        } else {
          reStr += '[^/]*';
          type = 'regexp';
        }
      } else if (ch === '?') {
        reStr += '[^/]';
        type = 'regexp';
      } else if ('.+()|{}$'.includes(ch)) {
        reStr += '\\' + ch;
      } else if (ch === '\\') {
        if (pos < chars.length) {
          reStr += '\\' + chars[pos++];
          type = 'regexp';
        } else {
          reStr += '\\\\';
        }
      } else if (ch === '[' || ch === ']') {
        reStr += ch;
        type = 'regexp';
      } else {
        reStr += ch.replace(/[\^]/g, '\\^');
      }
    }
    if (type === 'regexp') {
      // Go's regexp character classes use `^` for negation as do JS ones; `[!x]` is not special in Go.
      this.re = new RegExp(reStr + '$', 's');
    }
    this.type = type;
  }

  match(p: string): boolean {
    switch (this.type) {
      case 'exact':
        return p === this.cleaned;
      case 'prefix':
        return p.startsWith(this.cleaned.slice(0, -2));
      case 'suffix': {
        const suffix = this.cleaned.slice(2);
        if (p.endsWith(suffix)) return true;
        return suffix[0] === '/' && p === suffix.slice(1);
      }
      case 'regexp':
        return this.re!.test(p);
    }
  }
}

export class PatternMatcher {
  readonly patterns: Pattern[];
  readonly exclusions: boolean;

  constructor(patterns: string[]) {
    this.patterns = patterns.filter((p) => p.trim() !== '').map((p) => new Pattern(p));
    this.exclusions = this.patterns.some((p) => p.exclusion);
  }

  /** patternmatcher.MatchesOrParentMatches: is `file` (slash path relative to the context) excluded? */
  matchesOrParentMatches(file: string): boolean {
    file = cleanPath(file);
    if (file === '.') return false;
    const parent = path.posix.dirname(file);
    const parentDirs = parent.split('/');
    let matched = false;
    for (const pat of this.patterns) {
      if (pat.exclusion !== matched) continue;
      let m = pat.match(file);
      if (!m && parent !== '.') {
        for (let i = 0; i < parentDirs.length && !m; i++) m = pat.match(parentDirs.slice(0, i + 1).join('/'));
      }
      if (m) matched = !pat.exclusion;
    }
    return matched;
  }
}

export interface ContextEntry {
  /** Slash path relative to the context root. */
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'other';
}

/**
 * Lists what a client sends as build context: every entry under `root` not excluded by the
 * patterns, parents before children. The Dockerfile and .dockerignore are always sent (the
 * docker CLI adds them back); the daemon drops them again if they were excluded.
 */
export async function walkContext(root: string, patterns: string[], alwaysInclude: string[] = ['Dockerfile', '.dockerignore']): Promise<ContextEntry[]> {
  const keep = new Set(alwaysInclude.map(cleanPath));
  const pm = new PatternMatcher(patterns);
  const out: ContextEntry[] = [];
  const walk = async (relDir: string): Promise<void> => {
    const entries = await fsp.readdir(path.join(root, relDir), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = relDir === '' ? e.name : `${relDir}/${e.name}`;
      const type: ContextEntry['type'] = e.isDirectory() ? 'dir' : e.isFile() ? 'file' : e.isSymbolicLink() ? 'symlink' : 'other';
      const excluded = !keep.has(rel) && pm.matchesOrParentMatches(rel);
      if (excluded) {
        if (type !== 'dir') continue;
        if (!pm.exclusions || !mayReincludeInside(pm, rel)) continue;
        await walk(rel);
        continue;
      }
      out.push({ path: rel, type });
      if (type === 'dir') await walk(rel);
    }
  };
  await walk('');
  return out;
}

/** True when some `!` pattern could match below `dir` (go-archive's check before skipping a dir). */
function mayReincludeInside(pm: PatternMatcher, dir: string): boolean {
  const dirSlash = dir + '/';
  for (const pat of pm.patterns) {
    if (!pat.exclusion) continue;
    if ((pat.cleaned + '/').startsWith(dirSlash)) return true;
    // A wildcard before the directory part could match anything below.
    if (/[*?[\\]/.test(pat.cleaned)) return true;
  }
  return false;
}
