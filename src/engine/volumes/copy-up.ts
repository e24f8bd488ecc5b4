// Docker's copy on first mount: a new, empty volume mounted over a directory the image has gets
// that directory's content, with owners, modes, times, symlinks and hard links kept, and the
// volume's root takes the owner and mode of the image directory.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { promisify } from 'node:util';
import { SystemError } from '../errors.js';
import { bestEffort } from '../../util/best-effort.js';
import { lstatIfExists } from '../../util/fs.js';

const execFileAsync = promisify(execFile);

export async function isEmptyDir(dir: string): Promise<boolean> {
  const d = await fsp.opendir(dir);
  try {
    return (await d.read()) === null;
  } finally {
    await bestEffort(d.close(), 'closing a directory after copy-up');
  }
}

/**
 * Copies the content of src (a directory already resolved inside the image's rootfs, never a
 * symlink) into dst. Returns false when src is not a directory: nothing to copy.
 */
export async function copyDirectoryContent(src: string, dst: string): Promise<boolean> {
  const st = await lstatIfExists(src);
  if (!st?.isDirectory()) return false;
  if (!(await isEmptyDir(src))) {
    try {
      // GNU cp -a does what Docker's copy does (devices, fifos, xattrs included), in one process,
      // which Node's fs cannot (no mknod, no ownership in fs.cp).
      await execFileAsync('cp', ['-a', '--', `${src}/.`, `${dst}/`]);
    } catch (e) {
      const detail = ((e as { stderr?: string }).stderr || (e as Error).message).trim();
      throw new SystemError(`failed to copy image content into volume: ${detail}`);
    }
  }
  await fsp.chown(dst, st.uid, st.gid);
  await fsp.chmod(dst, st.mode & 0o7777);
  return true;
}
