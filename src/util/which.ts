import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** Absolute path of a program on PATH (conmon insists on absolute runtime paths). */
export function which(name: string): string | undefined {
  if (name.includes('/')) return path.resolve(name);
  const dirs = (process.env.PATH || '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':');
  for (const extra of ['/usr/sbin', '/sbin', '/usr/local/sbin']) if (!dirs.includes(extra)) dirs.push(extra);
  for (const d of dirs) {
    const p = path.join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {}
  }
  return undefined;
}
