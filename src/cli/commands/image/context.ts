// The build context as a tar stream: files under the context directory minus what
// .dockerignore excludes (the Dockerfile and .dockerignore themselves are always sent).
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import ignoreFactory from '@balena/dockerignore';
import * as tar from 'tar';

export interface ContextArchive {
  stream: NodeJS.ReadableStream;
  /** Path of the Dockerfile inside the context, as sent in `dockerfile=`. */
  dockerfile: string;
}

export function dockerignoreFilter(patterns: string, keep: string[]): (path: string) => boolean {
  const ig = ignoreFactory.default().add(
    patterns
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#')),
  );
  return (p: string) => {
    const rel = p.replace(/^\.\/?/, '').replace(/\/$/, '');
    if (rel === '' || keep.includes(rel)) return true;
    return !ig.ignores(rel);
  };
}

/** The context directory, the Dockerfile's path in it and the .dockerignore filter (paths relative to dir). */
export function contextSelection(contextDir: string, dockerfileFlag: string): { dir: string; dockerfile: string; filter: (path: string) => boolean } {
  const dir = resolve(contextDir);
  const dfPath = resolve(dir, dockerfileFlag || 'Dockerfile');
  const dockerfile = relative(dir, dfPath);
  if (dockerfile.startsWith('..')) throw new Error(`the Dockerfile (${dockerfileFlag}) must be within the build context (${contextDir})`);
  if (!existsSync(dfPath)) throw new Error(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${dfPath}: no such file or directory`);
  const ignorePath = resolve(dir, '.dockerignore');
  const patterns = existsSync(ignorePath) ? readFileSync(ignorePath, 'utf8') : '';
  return { dir, dockerfile, filter: dockerignoreFilter(patterns, [dockerfile, '.dockerignore']) };
}

export function contextArchive(contextDir: string, dockerfileFlag: string): ContextArchive {
  const { dir, dockerfile, filter } = contextSelection(contextDir, dockerfileFlag);
  const stream = tar.c({ cwd: dir, portable: true, filter: (p) => filter(p) }, ['.']) as unknown as NodeJS.ReadableStream;
  return { stream, dockerfile };
}
