// GET /containers/{id}/top: the host's `ps` output, cut down to the container's processes (the
// PIDs runc lists from its cgroup), as dockerd does.
import { execFile } from 'node:child_process';
import { InvalidArgumentError } from '../errors.js';
import { runcPids } from '../runtime/runc.js';
import type { ContainerService } from './service.js';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

export async function topContainer(svc: ContainerService, ref: string, psArgs = '-ef'): Promise<TopResult> {
  const rec = svc.get(ref);
  if (!rec.state.Running) throw new InvalidArgumentError(`Container ${rec.id} is not running`);
  const pids = await runcPids(svc.runtimeFor(rec), rec.id);
  const out = await new Promise<string>((resolve, reject) =>
    execFile('ps', psArgs.split(/\s+/).filter(Boolean), { maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => (err ? reject(new InvalidArgumentError(`Error running ps: ${err.message}`)) : resolve(stdout))),
  );
  return filterPsOutput(out, pids);
}

/** The header and the rows of `ps` output whose PID column is one of pids (the last column keeps its spaces). */
export function filterPsOutput(out: string, pids: number[]): TopResult {
  const lines = out.split('\n').filter(Boolean);
  const header = (lines[0] ?? '').trim().split(/\s+/);
  const pidCol = header.indexOf('PID');
  if (pidCol < 0) throw new InvalidArgumentError(`Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines.slice(1)) {
    const f = line.trim().split(/\s+/);
    if (!pids.includes(Number(f[pidCol]))) continue;
    const row = f.slice(0, header.length - 1);
    row.push(f.slice(header.length - 1).join(' '));
    processes.push(row);
  }
  return { Titles: header, Processes: processes };
}
