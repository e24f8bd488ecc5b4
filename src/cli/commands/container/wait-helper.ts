// POST /containers/{id}/wait, split in two as the docker CLI uses it: the request is
// registered (response headers back) before the container is started, the status read later.
import type { Cli } from '../../cli.js';

export interface WaitResult {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

export interface PendingWait {
  /** The status, once the container reaches the condition. */
  result: Promise<WaitResult>;
}

export async function beginWait(cli: Cli, id: string, condition?: 'next-exit' | 'removed' | 'not-running'): Promise<PendingWait> {
  const res = await cli.client().request('POST', `/containers/${encodeURIComponent(id)}/wait`, { query: { condition } });
  const result = (async () => {
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8').trim();
    if (!text) return { StatusCode: -1, Error: { Message: 'wait ended without a status' } };
    return JSON.parse(text) as WaitResult;
  })();
  result.catch(() => {});
  return { result };
}
