// Startup sweep: what a crash, or an exit while berthd was down, left of containers' network side.
import path from 'node:path';
import type { NetworkContext } from './context.js';
import { listNetns, removeNetns } from './netns.js';
import { detachContainer } from './sandbox.js';

/**
 * Tears down the network side of every container that is not running any more and removes
 * netns files nobody owns (neither a sandbox, nor the pool, nor a running container).
 */
export async function sweepNetworkLeftovers(ctx: NetworkContext, isRunning: (containerId: string) => boolean): Promise<{ sandboxes: number; netns: number }> {
  let sandboxes = 0;
  for (const id of [...ctx.sandboxes.keys()]) {
    if (isRunning(id)) continue;
    await detachContainer(ctx, id);
    sandboxes++;
  }
  return ctx.netnsPool.whilePaused(async (pooled) => {
    const inUse = new Set([...ctx.sandboxes.values()].map((s) => path.basename(s.netnsPath)));
    let netns = 0;
    for (const name of await listNetns(ctx.netnsDir)) {
      if (ctx.sandboxes.has(name) || inUse.has(name) || pooled.has(name) || isRunning(name)) continue;
      await removeNetns(path.join(ctx.netnsDir, name));
      netns++;
    }
    return { sandboxes, netns };
  });
}
