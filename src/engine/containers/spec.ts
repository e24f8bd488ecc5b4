// From a container record to its OCI spec: user resolution inside the rootfs, mounts (volumes,
// binds, tmpfs, the generated /etc files, --init), namespaces, devices, limits, security options.
import { promises as fsp, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import { buildOciSpec, type NamespaceChoice, type OciDevice, type OciMount } from '../runtime/oci-spec.js';
import { mergeCapabilities } from '../runtime/capabilities.js';
import { resolveUserInRootfs } from './users.js';
import type { ContainerRecord } from './types.js';
import type { ContainerService } from './service.js';
import { resolveInRoot } from '../../archive/index.js';
import { bestEffort } from '../../util/best-effort.js';
import { statIfExists } from '../../util/fs.js';
import { refuseDeviceRequests } from './create-fields.js';
import { envWithLinks } from './links.js';

/** Where --init's binary is mounted, as Docker does (docker-init). */
const INIT_PATH = '/sbin/docker-init';
const TINI_CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/docker-init', '/usr/bin/tini'];

const ULIMIT_TYPES: Record<string, string> = {
  core: 'RLIMIT_CORE', cpu: 'RLIMIT_CPU', data: 'RLIMIT_DATA', fsize: 'RLIMIT_FSIZE', locks: 'RLIMIT_LOCKS', memlock: 'RLIMIT_MEMLOCK',
  msgqueue: 'RLIMIT_MSGQUEUE', nice: 'RLIMIT_NICE', nofile: 'RLIMIT_NOFILE', nproc: 'RLIMIT_NPROC', rss: 'RLIMIT_RSS', rtprio: 'RLIMIT_RTPRIO',
  rttime: 'RLIMIT_RTTIME', sigpending: 'RLIMIT_SIGPENDING', stack: 'RLIMIT_STACK', as: 'RLIMIT_AS',
};

function nsChoice(mode: string | undefined, svc: ContainerService, kind: 'pid' | 'ipc' | 'uts'): NamespaceChoice {
  if (!mode || mode === 'private' || mode === 'shareable' || mode === '') return { mode: 'private' };
  if (mode === 'host') return { mode: 'host' };
  if (mode.startsWith('container:')) {
    const other = svc.get(mode.slice(10));
    if (!other.state.Running) throw new InvalidArgumentError(`cannot join ${kind} namespace of a non running container: ${other.id}`);
    return { mode: 'path', path: `/proc/${other.state.Pid}/ns/${kind}` };
  }
  throw new InvalidArgumentError(`invalid ${kind} mode: ${mode}`);
}

/** `--device /dev/x[:/dev/y[:rwm]]` → the node to create and its cgroup rule. */
function deviceFor(d: { PathOnHost: string; PathInContainer: string; CgroupPermissions: string }): { dev: OciDevice; rule: { allow: boolean; type: string; major: number; minor: number; access: string } } {
  let st;
  try {
    st = statSync(d.PathOnHost);
  } catch {
    throw new InvalidArgumentError(`error gathering device information while adding custom device "${d.PathOnHost}": no such file or directory`);
  }
  const type = st.isCharacterDevice() ? 'c' : st.isBlockDevice() ? 'b' : undefined;
  if (!type) throw new InvalidArgumentError(`error gathering device information while adding custom device "${d.PathOnHost}": not a device node`);
  const rdev = Number(st.rdev);
  const major = Number((BigInt(rdev) >> 8n) & 0xfffn) | Number((BigInt(rdev) >> 32n) & ~0xfffn);
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
  const perms = d.CgroupPermissions || 'rwm';
  return {
    dev: { path: d.PathInContainer || d.PathOnHost, type, major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid },
    rule: { allow: true, type, major, minor, access: perms },
  };
}

function parseDeviceRule(r: string): { allow: boolean; type: string; major?: number; minor?: number; access: string } {
  const m = /^([acb]) (\d+|\*):(\d+|\*) ([rwm]{1,3})$/.exec(r.trim());
  if (!m) throw new InvalidArgumentError(`invalid device cgroup rule format: '${r}'`);
  return { allow: true, type: m[1], major: m[2] === '*' ? undefined : Number(m[2]), minor: m[3] === '*' ? undefined : Number(m[3]), access: m[4] };
}

export async function buildContainerSpec(svc: ContainerService, rec: ContainerRecord, net: NamespaceChoice, usernsPath?: NamespaceChoice): Promise<Record<string, unknown>> {
  const hc = rec.hostConfig;
  const cfg = rec.config;
  const rootfs = svc.rootfs(rec.id).merged;
  const remap = svc.remapFor(rec);
  refuseDeviceRequests(hc);
  const user = await resolveUserInRootfs(rootfs, cfg.User, hc.GroupAdd ?? []);
  const securityOpts = hc.SecurityOpt ?? [];
  const noNewPrivs = securityOpts.some((o) => /^no-new-privileges(:true|=true)?$/.test(o));
  let seccomp: 'unconfined' | object | undefined;
  for (const o of securityOpts) {
    const m = /^seccomp[=:](.+)$/.exec(o);
    if (!m) continue;
    if (m[1] === 'unconfined') seccomp = 'unconfined';
    else {
      try {
        seccomp = JSON.parse(m[1]);
      } catch {
        seccomp = JSON.parse(await fsp.readFile(m[1], 'utf8'));
      }
    }
  }
  let caps: string[];
  try {
    caps = mergeCapabilities(hc.CapAdd, hc.CapDrop, !!hc.Privileged);
  } catch (e: any) {
    throw new InvalidArgumentError(e.message);
  }

  const mounts: OciMount[] = [];
  const dir = svc.containerDir(rec.id);
  const userDests = new Set(rec.mounts.map((m) => m.Destination));
  // Generated files, unless the user mounted their own there.
  for (const f of ['hostname', 'hosts', 'resolv.conf']) {
    const dest = `/etc/${f}`;
    if (!userDests.has(dest)) mounts.push({ destination: dest, type: 'bind', source: path.join(dir, f), options: ['rbind', 'rprivate', ...(hc.ReadonlyRootfs ? ['ro'] : [])] });
  }
  for (const m of rec.mounts) {
    if (m.Type === 'tmpfs') {
      mounts.push({ destination: m.Destination, type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'noexec', ...(m.RW ? ['rw'] : ['ro']), ...(m.tmpfsOptions ?? [])].filter((o, i, a) => a.indexOf(o) === i) });
      continue;
    }
    let source = m.Source;
    if (m.Type === 'bind') {
      // -v creates a missing host directory, as Docker does (--mount refused it at create).
      await bestEffort(fsp.mkdir(source, { recursive: true }), `creating bind source ${source}`); // the mount reports a failure
    }
    if (!source) throw new InvalidArgumentError(`mount ${m.Destination}: no source`);
    source = await fsp.realpath(source).catch(() => source);
    // Make the mount point inside the rootfs exist with the right kind (file or dir).
    const st = await statIfExists(source);
    const target = await resolveInRoot(rootfs, m.Destination);
    // The mount reports a mount point that could not be made.
    if (st?.isDirectory()) await bestEffort(fsp.mkdir(target, { recursive: true }), `creating mount point ${target}`);
    else if (st) {
      await bestEffort(async () => {
        await fsp.mkdir(path.dirname(target), { recursive: true });
        await fsp.writeFile(target, '', { flag: 'a' });
      }, `creating mount point ${target}`);
    }
    const prop = m.Propagation || 'rprivate';
    mounts.push({ destination: m.Destination, type: 'bind', source, options: ['rbind', prop, m.RW ? 'rw' : 'ro'] });
  }
  let args = [rec.path, ...rec.args];
  if (hc.Init) {
    const tini = TINI_CANDIDATES.find((p) => {
      try {
        return statSync(p).isFile();
      } catch {
        return false;
      }
    });
    if (!tini) throw new InvalidArgumentError('--init requested but no tini binary found (install Debian package tini)');
    mounts.push({ destination: INIT_PATH, type: 'bind', source: tini, options: ['bind', 'ro'] });
    args = [INIT_PATH, '--', ...args];
  }

  const devices: OciDevice[] = [];
  const deviceRules: Array<{ allow: boolean; type?: string; major?: number; minor?: number; access: string }> = [];
  for (const d of hc.Devices ?? []) {
    const { dev, rule } = deviceFor(d);
    devices.push(dev);
    deviceRules.push(rule);
  }
  for (const r of hc.DeviceCgroupRules ?? []) deviceRules.push(parseDeviceRule(r));

  const hostNofile = hostHardNofile();
  const rlimits = (hc.Ulimits ?? []).map((u) => {
    const type = ULIMIT_TYPES[u.Name];
    if (!type) throw new InvalidArgumentError(`invalid ulimit type: ${u.Name}`);
    if (type === 'RLIMIT_NOFILE' && (u.Hard > hostNofile || u.Soft > hostNofile)) {
      throw new InvalidArgumentError(`ulimit nofile ${u.Soft}:${u.Hard} is above the host's hard limit ${hostNofile}`);
    }
    return { type, hard: u.Hard, soft: u.Soft };
  });

  const nano = hc.NanoCpus ?? 0;
  const cwd = cfg.WorkingDir || '/';
  // Docker creates the working directory when it is missing.
  if (cfg.WorkingDir) {
    const wd = await resolveInRoot(rootfs, cfg.WorkingDir);
    await bestEffort(fsp.mkdir(wd, { recursive: true }), `creating working directory ${wd}`); // the runtime reports a missing one
  }
  return buildOciSpec({
    rootfs,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    args,
    env: withHome(envWithLinks(svc, rec), user.home, cfg.Tty),
    cwd,
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids },
    terminal: cfg.Tty,
    consoleSize: hc.ConsoleSize && hc.ConsoleSize[0] > 0 ? { height: hc.ConsoleSize[0], width: hc.ConsoleSize[1] } : undefined,
    hostname: cfg.Hostname,
    domainname: cfg.Domainname,
    capabilities: caps,
    privileged: !!hc.Privileged,
    noNewPrivileges: noNewPrivs,
    seccomp,
    mounts,
    userns: remap && { path: usernsPath?.path, uidMappings: remap.mapping.uids, gidMappings: remap.mapping.gids },
    namespaces: {
      pid: nsChoice(hc.PidMode, svc, 'pid'),
      ipc: nsChoice(hc.IpcMode, svc, 'ipc'),
      uts: hc.UTSMode === 'host' ? { mode: 'host' } : { mode: 'private' },
      net,
      cgroup: hc.CgroupnsMode === 'private' ? { mode: 'private' } : { mode: 'host' },
    },
    devices,
    deviceRules,
    sysctls: hc.Sysctls ?? {},
    rlimits,
    cgroupsPath: path.join(svc.cgroupParent, rec.id),
    resources: {
      memory: hc.Memory || undefined,
      memorySwap: hc.MemorySwap || undefined,
      memoryReservation: hc.MemoryReservation || undefined,
      cpuShares: hc.CpuShares || undefined,
      cpuQuota: nano ? Math.round((nano / 1e9) * 100000) : hc.CpuQuota || undefined,
      cpuPeriod: nano ? 100000 : hc.CpuPeriod || undefined,
      cpusetCpus: hc.CpusetCpus || undefined,
      cpusetMems: hc.CpusetMems || undefined,
      pidsLimit: hc.PidsLimit || undefined,
      blkioWeight: hc.BlkioWeight || undefined,
      // Left only where the host has them (create-fields.ts dropped them with dockerd's warnings).
      // (Records from before kept the CLI's -1, "unset".)
      memorySwappiness: hc.MemorySwappiness != null && hc.MemorySwappiness >= 0 && hc.MemorySwappiness <= 100 ? hc.MemorySwappiness : undefined,
      disableOOMKiller: hc.OomKillDisable || undefined,
      kernelTCP: hc.KernelMemoryTCP || undefined,
    },
    maskedPaths: hc.MaskedPaths ?? undefined,
    readonlyPaths: hc.ReadonlyPaths ?? undefined,
    annotations: hc.Annotations ?? undefined,
    oomScoreAdj: hc.OomScoreAdj,
    shmSize: hc.ShmSize || 64 * 1024 * 1024,
    maskPaths: !securityOpts.includes('systempaths=unconfined'),
  });
}

/** Docker sets HOME from the user's passwd entry and TERM=xterm for TTYs, unless given. */
function withHome(env: string[], home: string, tty: boolean): string[] {
  const out = [...env];
  if (!out.some((e) => e.startsWith('HOME='))) out.push(`HOME=${home || '/'}`);
  if (tty && !out.some((e) => e.startsWith('TERM='))) out.push('TERM=xterm');
  return out;
}

let nofileHard: number | undefined;
function hostHardNofile(): number {
  if (nofileHard !== undefined) return nofileHard;
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const m = /Max open files\s+\d+\s+(\d+|unlimited)/.exec(limits);
    nofileHard = m && m[1] !== 'unlimited' ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
  } catch {
    nofileHard = Number.MAX_SAFE_INTEGER;
  }
  return nofileHard;
}
