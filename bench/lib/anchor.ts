// The dockerd side of side-by-side benches (DOCKER_ANCHOR_HOST).
import { busyboxArchiveBytes } from '../../test/integration/harness.js';
import { runCommand } from '../../test/integration/support/proc.js';

/** busybox:latest on the anchor, loaded from the offline archive when missing; true if we loaded it. */
export async function ensureAnchorBusybox(env: NodeJS.ProcessEnv): Promise<boolean> {
  const has = await runCommand('docker', ['image', 'inspect', 'busybox:latest'], { baseEnv: env });
  if (has.code === 0) return false;
  const r = await runCommand('docker', ['load'], { baseEnv: env, input: await busyboxArchiveBytes(), timeoutMs: 60_000 });
  if (r.code !== 0) throw new Error(`docker load on the anchor failed: ${r.stderr}`);
  return true;
}
