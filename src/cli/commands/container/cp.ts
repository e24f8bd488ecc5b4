// berth cp: copy files between a container and the local filesystem via the archive endpoints
// (HEAD for the stat, GET for a tar of the source, PUT to extract a tar at a directory);
// `-` stands for a tar stream on stdin/stdout.
import { lstatSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar';
import { ApiError } from '../../../client/errors.js';
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError, UsageError } from '../../errors.js';
import { humanSize } from '../../format/units.js';
import type { ContainerPathStat } from '../../../api-types/containers.js';

export const spec: CommandSpec = {
  usage: 'cp [OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  flags: [
    { name: 'archive', short: 'a', kind: 'bool', desc: 'Archive mode (copy all uid/gid information)' },
    { name: 'follow-link', short: 'L', kind: 'bool', desc: 'Always follow symbol link in SRC_PATH' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Suppress progress output during copy' },
  ],
  minArgs: 2,
  maxArgs: 2,
};

/** "ctr:/path" → [ctr, /path]; a local path (with a slash before any colon) → [undefined, path]. */
export function splitCpArg(arg: string): [string | undefined, string] {
  if (arg.startsWith('/') || arg.startsWith('.')) return [undefined, arg];
  const colon = arg.indexOf(':');
  if (colon <= 0) return [undefined, arg];
  return [arg.slice(0, colon), arg.slice(colon + 1)];
}

const S_IFDIR = 1 << 31; // Go's os.ModeDir in the stat header

async function statInContainer(cli: Cli, container: string, path: string): Promise<ContainerPathStat | undefined> {
  try {
    return await cli.client().containers.statPath(container, path);
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

function isDirStat(s: ContainerPathStat): boolean {
  return (s.mode & S_IFDIR) !== 0 || s.mode < 0;
}

async function copyFromContainer(cli: Cli, container: string, src: string, dest: string, quiet: boolean): Promise<void> {
  const { stream: res, stat } = await cli.client().containers.getArchive(container, src);
  if (dest === '-') {
    await pipeline(res, cli.stdout, { end: false });
    return;
  }
  const srcBase = stat?.name ?? basename(src);
  let destDir: string;
  let rename: string | undefined;
  let destStat;
  try {
    destStat = statSync(dest);
  } catch {
    destStat = undefined;
  }
  if (destStat?.isDirectory()) destDir = dest;
  else {
    if (dest.endsWith('/')) throw new StatusError(`Error: destination directory "${dest}" does not exist`, 1);
    destDir = dirname(resolve(dest));
    rename = basename(dest);
  }
  let copied = 0;
  await pipeline(
    res,
    tar.x({
      cwd: destDir,
      preserveOwner: false,
      onReadEntry: (entry) => {
        copied += entry.size ?? 0;
        if (rename && rename !== srcBase) {
          const p = entry.path.replace(/^\.\//, '');
          if (p === srcBase || p === `${srcBase}/`) entry.path = rename + (p.endsWith('/') ? '/' : '');
          else if (p.startsWith(`${srcBase}/`)) entry.path = rename + p.slice(srcBase.length);
        }
      },
    }),
  );
  if (!quiet && cli.stderr.isTTY) cli.err(`Successfully copied ${humanSize(copied)} to ${dest}\n`);
}

async function copyToContainer(cli: Cli, src: string, container: string, dest: string, quiet: boolean): Promise<void> {
  const client = cli.client();
  const put = (dir: string, body: NodeJS.ReadableStream) =>
    client.containers.putArchive(container, dir, body, { noOverwriteDirNonDir: true });
  if (src === '-') {
    await put(dest, cli.stdin);
    return;
  }
  let localStat;
  try {
    localStat = lstatSync(src);
  } catch {
    throw new StatusError(`lstat ${resolve(src)}: no such file or directory`, 1);
  }
  const destStat = await statInContainer(cli, container, dest);
  const srcBase = basename(resolve(src));
  let dir: string;
  let name = srcBase;
  if (destStat && isDirStat(destStat)) dir = dest;
  else {
    if (dest.endsWith('/')) throw new StatusError(`Error response from daemon: Could not find the file ${dest} in container ${container}`, 1);
    if (destStat && localStat.isDirectory()) throw new StatusError(`Error: cannot copy a directory to a file`, 1);
    dir = dirname(dest) || '/';
    name = basename(dest);
  }
  const archive = tar.c(
    {
      cwd: dirname(resolve(src)),
      portable: true,
      onWriteEntry: (entry) => {
        if (name !== srcBase) {
          if (entry.path === srcBase) entry.path = name;
          else if (entry.path.startsWith(`${srcBase}/`)) entry.path = name + entry.path.slice(srcBase.length);
        }
      },
    },
    [srcBase],
  );
  let copied = 0;
  archive.on('data', (c: Buffer) => (copied += c.length));
  await put(dir, archive as unknown as NodeJS.ReadableStream);
  if (!quiet && cli.stderr.isTTY) cli.err(`Successfully copied ${humanSize(copied)} to ${container}:${dest}\n`);
}

export default async function cp(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [srcArg, destArg] = flags.positionals;
  const [srcCtr, src] = splitCpArg(srcArg);
  const [destCtr, dest] = splitCpArg(destArg);
  if (srcCtr && destCtr) throw new UsageError('copying between containers is not supported');
  if (!srcCtr && !destCtr) throw new UsageError('must specify at least one container source');
  const quiet = flags.bool('quiet');
  if (srcCtr) {
    await copyFromContainer(cli, srcCtr, src, dest, quiet);
  } else await copyToContainer(cli, src, destCtr!, dest, quiet);
  return 0;
}
