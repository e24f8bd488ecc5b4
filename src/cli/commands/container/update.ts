// berth update: change resource limits and the restart policy of containers.
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { ramInBytes } from '../../format/units.js';
import { forEachTarget } from '../helpers.js';
import { parseRestart } from './create-opts.js';

export const spec: CommandSpec = {
  usage: 'update [OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Update configuration of one or more containers',
  flags: [
    { name: 'blkio-weight', kind: 'int', desc: 'Block IO (relative weight), between 10 and 1000, or 0 to disable' },
    { name: 'cpu-period', kind: 'int', desc: 'Limit CPU CFS (Completely Fair Scheduler) period' },
    { name: 'cpu-quota', kind: 'int', desc: 'Limit CPU CFS (Completely Fair Scheduler) quota' },
    { name: 'cpu-shares', short: 'c', kind: 'int', desc: 'CPU shares (relative weight)' },
    { name: 'cpus', kind: 'string', desc: 'Number of CPUs' },
    { name: 'cpuset-cpus', kind: 'string', desc: 'CPUs in which to allow execution (0-3, 0,1)' },
    { name: 'cpuset-mems', kind: 'string', desc: 'MEMs in which to allow execution (0-3, 0,1)' },
    { name: 'memory', short: 'm', kind: 'string', desc: 'Memory limit' },
    { name: 'memory-reservation', kind: 'string', desc: 'Memory soft limit' },
    { name: 'memory-swap', kind: 'string', desc: "Swap limit equal to memory plus swap: -1 to enable unlimited swap" },
    { name: 'pids-limit', kind: 'int', desc: 'Tune container pids limit (set -1 for unlimited)' },
    { name: 'restart', kind: 'string', desc: 'Restart policy to apply when a container exits' },
  ],
  minArgs: 1,
};

export default async function update(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const body: Record<string, unknown> = {};
  const bytes = (name: string) => {
    const v = flags.string(name);
    if (name === 'memory-swap' && v === '-1') return -1;
    try {
      return ramInBytes(v);
    } catch {
      throw new UsageError(`invalid argument "${v}" for "--${name}" flag: invalid size: '${v}'`);
    }
  };
  if (flags.changed('blkio-weight')) body.BlkioWeight = flags.int('blkio-weight');
  if (flags.changed('cpu-period')) body.CpuPeriod = flags.int('cpu-period');
  if (flags.changed('cpu-quota')) body.CpuQuota = flags.int('cpu-quota');
  if (flags.changed('cpu-shares')) body.CpuShares = flags.int('cpu-shares');
  if (flags.changed('cpus')) body.NanoCpus = Math.round(Number(flags.string('cpus')) * 1e9);
  if (flags.changed('cpuset-cpus')) body.CpusetCpus = flags.string('cpuset-cpus');
  if (flags.changed('cpuset-mems')) body.CpusetMems = flags.string('cpuset-mems');
  if (flags.changed('memory')) body.Memory = bytes('memory');
  if (flags.changed('memory-reservation')) body.MemoryReservation = bytes('memory-reservation');
  if (flags.changed('memory-swap')) body.MemorySwap = bytes('memory-swap');
  if (flags.changed('pids-limit')) body.PidsLimit = flags.int('pids-limit');
  if (flags.changed('restart')) body.RestartPolicy = parseRestart(flags.string('restart'));
  return forEachTarget(cli, flags.positionals, async (c) => {
    const r = await cli.client().containers.update(c, body);
    for (const w of r.Warnings ?? []) cli.err(`${w}\n`);
  });
}
