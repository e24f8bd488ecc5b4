// The local driver's mount options (`docker volume create -o type=… -o device=… -o o=…`): checked
// at create as Docker checks them, mounted with mount(8) over the volume's _data directory when
// the first container uses the volume, unmounted when the last one lets go.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import { promisify } from 'node:util';
import { InvalidArgumentError, SystemError } from '../errors.js';

const execFileAsync = promisify(execFile);

const VALID_OPTIONS = ['type', 'o', 'device', 'size'];
/** An option and the options it cannot go without. */
const REQUIRED_WITH: Record<string, string[]> = { device: ['type'], type: ['device'], o: ['device', 'type'] };

/** Checks driver options for a new volume; messages as Docker's local driver words them. */
export function checkLocalOptions(name: string, opts: Record<string, string>): void {
  const fail = (msg: string): never => {
    throw new InvalidArgumentError(`create ${name}: ${msg}`);
  };
  for (const k of Object.keys(opts)) if (!VALID_OPTIONS.includes(k)) fail(`invalid option: ${JSON.stringify(k)}`);
  if (opts.type === 'cifs' && opts.device) {
    // Docker wants the port in `o=port=…`, not in the device URL.
    if (/^[a-z]+:\/\/[^/]*:\d+/i.test(opts.device)) fail(`port not allowed in CIFS device URL, include 'port' in 'o='`);
  }
  // berth has no project-quota support, so it refuses a size as Docker does without quota.
  if ('size' in opts) fail('quota size requested but no quota support');
  for (const [opt, needs] of Object.entries(REQUIRED_WITH)) {
    if (!(opt in opts)) continue;
    for (const n of needs) if (!(n in opts)) fail(`missing required option: ${JSON.stringify(n)}`);
  }
}

/** True when the options ask for a filesystem to be mounted over _data. */
export function needsMount(opts: Record<string, string> | null): boolean {
  return !!opts && (!!opts.device || !!opts.type);
}

function maskPassword(text: string, mountOpts: string | undefined): string {
  const pw = /(?:^|,)password=([^,]*)/.exec(mountOpts ?? '')?.[1];
  return pw ? text.split(`password=${pw}`).join('password=********') : text;
}

/** mount(8) of the volume's device on target (its _data directory). */
export async function mountLocal(opts: Record<string, string>, target: string): Promise<void> {
  if (!opts.device) throw new SystemError(`error while mounting volume '${target}': missing device in volume options`);
  const args = ['-t', opts.type];
  if (opts.o) args.push('-o', opts.o);
  args.push('--', opts.device, target);
  try {
    await execFileAsync('mount', args);
  } catch (e) {
    const detail = ((e as { stderr?: string }).stderr || (e as Error).message).trim();
    throw new SystemError(maskPassword(`error while mounting volume '${target}': failed to mount local volume: ${detail}`, opts.o));
  }
}

export async function unmountLocal(target: string): Promise<void> {
  try {
    await execFileAsync('umount', ['--', target]);
  } catch (e) {
    // Already gone (unmounted by hand, or lost at a reboot) is fine; still mounted is not.
    if (await isMountPoint(target)) {
      const detail = ((e as { stderr?: string }).stderr || (e as Error).message).trim();
      throw new SystemError(`error while unmounting volume path '${target}': ${detail}`);
    }
  }
}

/** Decodes the octal escapes (\040 for a space …) mountinfo uses in paths. */
function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Whether path is a mount point in this mount namespace, from /proc/self/mountinfo. */
export async function isMountPoint(p: string): Promise<boolean> {
  let real: string;
  try {
    real = await fsp.realpath(p);
  } catch {
    return false;
  }
  const info = await fsp.readFile('/proc/self/mountinfo', 'utf8');
  for (const line of info.split('\n')) {
    const mountPoint = line.split(' ')[4];
    if (mountPoint !== undefined && unescapeMountinfo(mountPoint) === real) return true;
  }
  return false;
}
