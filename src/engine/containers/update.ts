// POST /containers/{id}/update: resources (applied live through runc) and the restart policy.
import { InvalidArgumentError } from '../errors.js';
import type { HostConfig } from './types.js';
import { runcUpdate } from '../runtime/runc.js';
import { validateHostConfig } from './host-config.js';
import { verifyCreateFields } from './create-fields.js';
import type { ContainerService } from './service.js';

export async function updateContainer(svc: ContainerService, ref: string, body: HostConfig): Promise<string[]> {
  const rec = svc.get(ref);
  let warnings: string[] = [];
  await svc.locked(rec, async () => {
    const hc = rec.hostConfig;
    if (body.RestartPolicy) {
      if (hc.AutoRemove && body.RestartPolicy.Name && body.RestartPolicy.Name !== 'no') throw new InvalidArgumentError('Restart policy cannot be updated because AutoRemove is enabled for the container');
      hc.RestartPolicy = { Name: body.RestartPolicy.Name || 'no', MaximumRetryCount: body.RestartPolicy.MaximumRetryCount ?? 0 };
    }
    const keys = ['Memory', 'MemorySwap', 'MemoryReservation', 'NanoCpus', 'CpuShares', 'CpuQuota', 'CpuPeriod', 'CpusetCpus', 'CpusetMems', 'PidsLimit', 'BlkioWeight'] as const;
    const changed: Record<string, unknown> = {};
    for (const k of keys) if (body[k] !== undefined && body[k] !== null && body[k] !== 0 && body[k] !== '') changed[k] = body[k];
    Object.assign(hc, changed);
    validateHostConfig(hc);
    warnings = verifyCreateFields(hc, {}, { update: true });
    if (rec.state.Running && Object.keys(changed).length) {
      await runcUpdate(svc.runtimeFor(rec), rec.id, JSON.stringify(runtimeResources(hc)));
    }
    await svc.store.save(rec);
    svc.emit(rec, 'update');
  });
  return warnings;
}

/** The OCI LinuxResources `runc update` takes, from a HostConfig. */
function runtimeResources(hc: HostConfig): Record<string, unknown> {
  const res: Record<string, unknown> = {};
  if (hc.Memory) res.memory = { limit: hc.Memory, ...(hc.MemorySwap ? { swap: hc.MemorySwap } : {}), ...(hc.MemoryReservation ? { reservation: hc.MemoryReservation } : {}) };
  const cpu: Record<string, unknown> = {};
  if (hc.CpuShares) cpu.shares = hc.CpuShares;
  if (hc.NanoCpus) {
    cpu.quota = Math.round((hc.NanoCpus / 1e9) * 100000);
    cpu.period = 100000;
  } else {
    if (hc.CpuQuota) cpu.quota = hc.CpuQuota;
    if (hc.CpuPeriod) cpu.period = hc.CpuPeriod;
  }
  if (hc.CpusetCpus) cpu.cpus = hc.CpusetCpus;
  if (hc.CpusetMems) cpu.mems = hc.CpusetMems;
  if (Object.keys(cpu).length) res.cpu = cpu;
  if (hc.PidsLimit) res.pids = { limit: hc.PidsLimit };
  if (hc.BlkioWeight) res.blockIO = { weight: hc.BlkioWeight };
  return res;
}
