// The build corpus (test/fixtures/build/corpus/<name>/): building one case with the docker CLI's
// classic builder and describing the result in a daemon-independent form (image config fields,
// history, file tree of interest). record-expectations.ts runs this against a real dockerd once;
// corpus.test.ts runs it against berthd and compares with expected.json.
import { createHash } from 'node:crypto';
import { existsSync, promises as fsp, readdirSync } from 'node:fs';
import path from 'node:path';
import { readTar } from '../../../src/archive/index.js';
import type { CmdOptions, CmdResult } from '../support/proc.js';

export type DockerFn = (args: string[], opts?: CmdOptions) => Promise<CmdResult>;

/** build.json next to a case's Dockerfile (all optional). */
export interface CaseOptions {
  buildArgs?: Record<string, string>;
  labels?: Record<string, string>;
  target?: string;
  dockerfile?: string;
  /** Paths (absolute, in the image) whose trees are compared. */
  paths?: string[];
}

export interface FileInfo {
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  mode: string;
  uid: number;
  gid: number;
  sha256?: string;
  target?: string;
}

export interface Expected {
  /** Set when the build fails: the last line of the CLI's error output. */
  error?: string;
  config?: Record<string, unknown>;
  /** created_by of every history entry the build added (newest last). */
  history?: string[];
  /** Number of layers (RootFS.Layers). */
  layers?: number;
  files?: Record<string, FileInfo | null>;
}

export const CONFIG_FIELDS = ['Cmd', 'Entrypoint', 'Env', 'WorkingDir', 'User', 'ExposedPorts', 'Volumes', 'Labels', 'StopSignal', 'Healthcheck', 'OnBuild', 'Shell'] as const;

export function corpusDir(repoRoot: string): string {
  return path.join(repoRoot, 'test', 'fixtures', 'build', 'corpus');
}

export function listCases(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, 'Dockerfile')))
    .map((d) => d.name)
    .sort();
}

export async function caseOptions(caseDir: string): Promise<CaseOptions> {
  const f = path.join(caseDir, 'build.json');
  return existsSync(f) ? (JSON.parse(await fsp.readFile(f, 'utf8')) as CaseOptions) : {};
}

/** The docker build command line for a case (classic builder, no network for RUN). */
export function buildArgs(caseDir: string, tag: string, o: CaseOptions): string[] {
  const args = ['build', '-q', '--network', 'none', '-t', tag];
  for (const [k, v] of Object.entries(o.buildArgs ?? {})) args.push('--build-arg', `${k}=${v}`);
  for (const [k, v] of Object.entries(o.labels ?? {})) args.push('--label', `${k}=${v}`);
  if (o.target) args.push('--target', o.target);
  if (o.dockerfile) args.push('-f', path.join(caseDir, o.dockerfile));
  args.push(caseDir);
  return args;
}

/** Error text without daemon-specific prefixes (the CLI's "Error response from daemon: "). */
export function normaliseError(stderr: string): string {
  const lines = stderr
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n').map((l) => l.trim()).filter((l) => l && !/^(DEPRECATED|BuildKit is|environment-variable|Install the buildx)/.test(l));
  return (lines[lines.length - 1] ?? '').replace(/^Error response from daemon: /, '');
}

function treeWanted(name: string, paths: string[]): boolean {
  const p = '/' + name.replace(/^\.?\//, '').replace(/\/$/, '');
  return paths.some((w) => p === w || p.startsWith(w.replace(/\/$/, '') + '/'));
}

/** Builds one case and describes the image (or the failure). */
export async function buildAndDescribe(docker: DockerFn, caseDir: string, tag: string, scratch: string): Promise<Expected> {
  const o = await caseOptions(caseDir);
  const r = await docker(buildArgs(caseDir, tag, o), { env: { DOCKER_BUILDKIT: '0' }, timeoutMs: 120_000 });
  if (r.code !== 0) return { error: normaliseError(r.stderr) };
  return describeImage(docker, tag, o.paths ?? [], scratch);
}

export async function describeImage(docker: DockerFn, tag: string, paths: string[], scratch: string): Promise<Expected> {
  const insp = await docker(['image', 'inspect', tag]);
  if (insp.code !== 0) throw new Error(`inspect ${tag}: ${insp.stderr}`);
  const img = JSON.parse(insp.stdout)[0];
  const config: Record<string, unknown> = {};
  for (const k of CONFIG_FIELDS) {
    const v = img.Config?.[k];
    // Absent, null and empty mean the same to a client; compare them as absent.
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0)) continue;
    config[k] = v;
  }
  const hist = await docker(['history', '--no-trunc', '--format', '{{.CreatedBy}}', tag]);
  const history = hist.stdout.split('\n').filter(Boolean).reverse();
  const out: Expected = { config, history, layers: (img.RootFS?.Layers ?? []).length };
  if (paths.length) out.files = await fileTree(docker, tag, paths, scratch);
  return out;
}

async function fileTree(docker: DockerFn, tag: string, paths: string[], scratch: string): Promise<Record<string, FileInfo | null>> {
  const c = await docker(['create', '--network', 'none', tag, 'true']);
  if (c.code !== 0) throw new Error(`create ${tag}: ${c.stderr}`);
  const id = c.stdout.trim();
  const file = path.join(scratch, `${id}.tar`);
  try {
    const e = await docker(['export', '-o', file, id], { timeoutMs: 60_000 });
    if (e.code !== 0) throw new Error(`export: ${e.stderr}`);
    const files: Record<string, FileInfo | null> = {};
    for (const p of paths) files[p] = null; // present only if the image has it
    const { createReadStream } = await import('node:fs');
    for await (const { entry, body } of readTar(createReadStream(file))) {
      const name = '/' + entry.path.replace(/^\.?\//, '').replace(/\/$/, '');
      if (!treeWanted(entry.path, paths)) {
        for await (const _ of body);
        continue;
      }
      const info: FileInfo = {
        type: entry.type === 'file' || entry.type === 'dir' || entry.type === 'symlink' || entry.type === 'hardlink' ? entry.type : 'other',
        mode: (entry.mode & 0o7777).toString(8).padStart(4, '0'),
        uid: entry.uid,
        gid: entry.gid,
      };
      if (entry.type === 'file') {
        const h = createHash('sha256');
        for await (const chunk of body) h.update(chunk);
        info.sha256 = h.digest('hex');
      } else {
        for await (const _ of body);
      }
      if (entry.type === 'symlink' || entry.type === 'hardlink') info.target = entry.linkpath;
      files[name] = info;
    }
    return files;
  } finally {
    await docker(['rm', '-f', id]);
    await fsp.rm(file, { force: true });
  }
}
