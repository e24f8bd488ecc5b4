// Disk use of a tree as Docker counts it (moby's pkg/directory.Size): every non-directory's size,
// each inode once. Volumes, a container's writable layer (SizeRw) and prune's reclaimed space use it.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { lstatIfExists } from './fs.js';

export async function directorySize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    let entries;
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) {
        await walk(p);
        continue;
      }
      const st = await lstatIfExists(p);
      if (!st) continue;
      const key = `${st.dev}:${st.ino}`;
      if (st.nlink > 1) {
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += st.size;
    }
  };
  await walk(dir);
  return total;
}
