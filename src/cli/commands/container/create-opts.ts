// The flags of `run` and `create`, and their mapping into the POST /containers/create body
// exactly as the docker CLI builds it (cli/command/container/opts.go): Config, HostConfig
// and NetworkingConfig, with Docker's defaults for what was not given.
import type { FlagDef, ParsedFlags } from '../../flags.js';
import { UsageError } from '../../errors.js';
import { parseGoDuration, ramInBytes } from '../../format/units.js';

const b = (name: string, short?: string, desc?: string): FlagDef => ({ name, short, kind: 'bool', desc });
const s = (name: string, short?: string, desc?: string, dflt?: string): FlagDef => ({ name, short, kind: 'string', desc, default: dflt });
const l = (name: string, short?: string, desc?: string): FlagDef => ({ name, short, kind: 'list', desc });

export const CREATE_FLAGS: FlagDef[] = [
  l('add-host', undefined, 'Add a custom host-to-IP mapping (host:ip)'),
  l('attach', 'a', 'Attach to STDIN, STDOUT or STDERR'),
  l('cap-add', undefined, 'Add Linux capabilities'),
  l('cap-drop', undefined, 'Drop Linux capabilities'),
  s('cgroup-parent', undefined, 'Optional parent cgroup for the container'),
  s('cgroupns', undefined, 'Cgroup namespace to use (host|private)'),
  s('cidfile', undefined, 'Write the container ID to the file'),
  s('cpu-period', undefined, 'Limit CPU CFS period'),
  s('cpu-quota', undefined, 'Limit CPU CFS quota'),
  { name: 'cpu-shares', short: 'c', kind: 'int', desc: 'CPU shares (relative weight)' },
  s('cpus', undefined, 'Number of CPUs'),
  s('cpuset-cpus', undefined, 'CPUs in which to allow execution (0-3, 0,1)'),
  s('cpuset-mems', undefined, 'MEMs in which to allow execution (0-3, 0,1)'),
  l('device', undefined, 'Add a host device to the container'),
  l('device-cgroup-rule', undefined, 'Add a rule to the cgroup allowed devices list'),
  l('dns', undefined, 'Set custom DNS servers'),
  { name: 'dns-option', kind: 'list', desc: 'Set DNS options', aliases: ['dns-opt'] },
  l('dns-search', undefined, 'Set custom DNS search domains'),
  s('domainname', undefined, 'Container NIS domain name'),
  s('entrypoint', undefined, 'Overwrite the default ENTRYPOINT of the image'),
  l('env', 'e', 'Set environment variables'),
  l('env-file', undefined, 'Read in a file of environment variables'),
  l('expose', undefined, 'Expose a port or a range of ports'),
  l('group-add', undefined, 'Add additional groups to join'),
  s('health-cmd', undefined, 'Command to run to check health'),
  s('health-interval', undefined, 'Time between running the check (ms|s|m|h) (default 0s)'),
  { name: 'health-retries', kind: 'int', desc: 'Consecutive failures needed to report unhealthy' },
  s('health-start-interval', undefined, 'Time between running the check during the start period (ms|s|m|h) (default 0s)'),
  s('health-start-period', undefined, 'Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)'),
  s('health-timeout', undefined, 'Maximum time to allow one check to run (ms|s|m|h) (default 0s)'),
  s('hostname', 'h', 'Container host name'),
  b('init', undefined, 'Run an init inside the container that forwards signals and reaps processes'),
  b('interactive', 'i', 'Keep STDIN open even if not attached'),
  s('ip', undefined, 'IPv4 address (e.g., 172.30.100.104)'),
  s('ip6', undefined, 'IPv6 address (e.g., 2001:db8::33)'),
  s('ipc', undefined, 'IPC mode to use'),
  s('isolation', undefined, 'Container isolation technology'),
  l('label', 'l', 'Set meta data on a container'),
  l('label-file', undefined, 'Read in a line delimited file of labels'),
  l('link', undefined, 'Add link to another container'),
  s('log-driver', undefined, 'Logging driver for the container'),
  l('log-opt', undefined, 'Log driver options'),
  s('mac-address', undefined, 'Container MAC address (e.g., 92:d0:c6:0a:29:33)'),
  s('memory', 'm', 'Memory limit'),
  s('memory-reservation', undefined, 'Memory soft limit'),
  s('memory-swap', undefined, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap"),
  { name: 'memory-swappiness', kind: 'int', desc: 'Tune container memory swappiness (0 to 100)', default: '-1' },
  l('mount', undefined, 'Attach a filesystem mount to the container'),
  s('name', undefined, 'Assign a name to the container'),
  { name: 'network', kind: 'string', desc: 'Connect a container to a network', aliases: ['net'] },
  { name: 'network-alias', kind: 'list', desc: 'Add network-scoped alias for the container', aliases: ['net-alias'] },
  b('no-healthcheck', undefined, 'Disable any container-specified HEALTHCHECK'),
  b('oom-kill-disable', undefined, 'Disable OOM Killer'),
  { name: 'oom-score-adj', kind: 'int', desc: "Tune host's OOM preferences (-1000 to 1000)" },
  s('pid', undefined, 'PID namespace to use'),
  { name: 'pids-limit', kind: 'int', desc: 'Tune container pids limit (set -1 for unlimited)' },
  s('platform', undefined, 'Set platform if server is multi-platform capable'),
  b('privileged', undefined, 'Give extended privileges to this container'),
  l('publish', 'p', "Publish a container's port(s) to the host"),
  b('publish-all', 'P', 'Publish all exposed ports to random ports'),
  s('pull', undefined, 'Pull image before running ("always", "missing", "never")', 'missing'),
  b('quiet', 'q', 'Suppress the pull output'),
  b('read-only', undefined, "Mount the container's root filesystem as read only"),
  s('restart', undefined, 'Restart policy to apply when a container exits', 'no'),
  b('rm', undefined, 'Automatically remove the container and its associated anonymous volumes when it exits'),
  s('runtime', undefined, 'Runtime to use for this container'),
  l('security-opt', undefined, 'Security Options'),
  s('shm-size', undefined, 'Size of /dev/shm'),
  s('stop-signal', undefined, 'Signal to stop the container'),
  { name: 'stop-timeout', kind: 'int', desc: 'Timeout (in seconds) to stop a container' },
  l('storage-opt', undefined, 'Storage driver options for the container'),
  l('sysctl', undefined, 'Sysctl options'),
  l('tmpfs', undefined, 'Mount a tmpfs directory'),
  b('tty', 't', 'Allocate a pseudo-TTY'),
  l('ulimit', undefined, 'Ulimit options'),
  s('user', 'u', 'Username or UID (format: <name|uid>[:<group|gid>])'),
  s('userns', undefined, 'User namespace to use'),
  s('uts', undefined, 'UTS namespace to use'),
  l('volume', 'v', 'Bind mount a volume'),
  s('volume-driver', undefined, 'Optional volume driver for the container'),
  l('volumes-from', undefined, 'Mount volumes from the specified container(s)'),
  s('workdir', 'w', 'Working directory inside the container'),
];

export const RUN_ONLY_FLAGS: FlagDef[] = [
  b('detach', 'd', 'Run container in background and print container ID'),
  s('detach-keys', undefined, 'Override the key sequence for detaching a container'),
  { name: 'sig-proxy', kind: 'bool', desc: 'Proxy received signals to the process', default: 'true' },
];

export interface CreateEnv {
  /** Reads a file named on the command line (--env-file, --label-file, seccomp profiles). */
  readFile(path: string): string;
  /** Host environment lookup for `-e NAME` without a value. */
  lookupEnv(name: string): string | undefined;
  /** [rows, cols] of the terminal, for -t. */
  consoleSize?: [number, number];
}

export interface CreateRequest {
  image: string;
  name?: string;
  platform?: string;
  pull: 'missing' | 'always' | 'never';
  body: Record<string, unknown>;
  /** The container's config as sent, for run's attach/wait decisions. */
  config: { Tty: boolean; OpenStdin: boolean; AttachStdin: boolean; AttachStdout: boolean; AttachStderr: boolean };
  autoRemove: boolean;
  cidfile: string;
}

// ---------- value parsers (exported for tests) ----------

/** `KEY=VALUE` lines; `#` comments and blank lines skipped; `KEY` alone takes the host value. */
export function parseEnvFile(text: string, lookupEnv: (n: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    out.push(...expandEnv([line], lookupEnv));
  }
  return out;
}

/** `-e NAME` without `=` becomes NAME=<host value>, or is dropped when the host has none. */
export function expandEnv(values: string[], lookupEnv: (n: string) => string | undefined): string[] {
  const out: string[] = [];
  for (const v of values) {
    if (v.startsWith('=')) throw new UsageError(`invalid environment variable: ${v}`);
    if (v.includes('=')) out.push(v);
    else {
      const host = lookupEnv(v);
      if (host !== undefined) out.push(`${v}=${host}`);
      else out.push(v);
    }
  }
  return out;
}

export function parseLabels(values: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq === 0) throw new UsageError(`invalid label format: "${v}"`);
    if (eq < 0) labels[v] = '';
    else labels[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return labels;
}

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

function expandRange(text: string): number[] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) throw new UsageError(`invalid containerPort: ${text}`);
  const start = Number(m[1]);
  const end = m[2] ? Number(m[2]) : start;
  if (end < start) throw new UsageError(`invalid range specified for port: ${text}`);
  return Array.from({ length: end - start + 1 }, (_x, i) => start + i);
}

/** `-p [ip:][hostPort:]containerPort[/proto]` with ranges and bracketed IPv6 addresses (nat.ParsePortSpec). */
export function parsePortSpec(spec: string): { exposed: string[]; bindings: Record<string, PortBinding[]> } {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new UsageError(`invalid proto: ${proto}`);
  }
  let ip = '';
  let hostPart = '';
  let containerPart: string;
  const v6 = /^\[([^\]]+)\]:(.*)$/.exec(rest);
  if (v6) {
    ip = v6[1];
    const parts = v6[2].split(':');
    if (parts.length !== 2) throw new UsageError(`invalid port format for --publish: ${spec}`);
    [hostPart, containerPart] = parts;
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) containerPart = parts[0];
    else if (parts.length === 2) [hostPart, containerPart] = parts;
    else if (parts.length === 3) [ip, hostPart, containerPart] = parts;
    else {
      // A bare IPv6 address: everything before the last two colons.
      const last = rest.lastIndexOf(':');
      const mid = rest.lastIndexOf(':', last - 1);
      ip = rest.slice(0, mid);
      hostPart = rest.slice(mid + 1, last);
      containerPart = rest.slice(last + 1);
    }
  }
  if (containerPart === '') throw new UsageError(`no port specified: ${spec}<empty>`);
  const containerPorts = expandRange(containerPart);
  const hostPorts = hostPart ? expandRange(hostPart) : [];
  if (hostPorts.length > 0 && hostPorts.length !== containerPorts.length) {
    // A host range for one container port: docker passes the range through as HostPort.
    if (containerPorts.length !== 1) throw new UsageError(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`);
  }
  const exposed: string[] = [];
  const bindings: Record<string, PortBinding[]> = {};
  containerPorts.forEach((p, i) => {
    const key = `${p}/${proto}`;
    exposed.push(key);
    let hostPort = '';
    if (hostPorts.length === containerPorts.length) hostPort = String(hostPorts[i]);
    else if (hostPorts.length > 0) hostPort = hostPart;
    (bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort });
  });
  return { exposed, bindings };
}

/** `--expose 80`, `--expose 7000-7002/udp`. */
export function parseExpose(spec: string): string[] {
  const [ports, proto = 'tcp'] = spec.split('/');
  return expandRange(ports).map((p) => `${p}/${proto}`);
}

export interface MountSpec {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: Record<string, unknown>;
  VolumeOptions?: Record<string, unknown>;
  TmpfsOptions?: Record<string, unknown>;
}

const TRUE_WORDS = new Set(['', '1', 'true', 'True', 'TRUE', 't']);

/** `--mount type=bind,source=/a,target=/b,readonly` (opts.MountOpt). */
export function parseMount(spec: string): MountSpec {
  const m: MountSpec = { Type: 'volume', Target: '' };
  const volumeOptions = (): Record<string, unknown> => (m.VolumeOptions ??= {});
  const bindOptions = (): Record<string, unknown> => (m.BindOptions ??= {});
  const tmpfsOptions = (): Record<string, unknown> => (m.TmpfsOptions ??= {});
  for (const field of spec.split(',')) {
    const eq = field.indexOf('=');
    const key = (eq >= 0 ? field.slice(0, eq) : field).trim().toLowerCase();
    const value = eq >= 0 ? field.slice(eq + 1) : '';
    if (eq < 0 && !['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive', 'bind-create-src'].includes(key)) {
      throw new UsageError(`invalid argument "${spec}" for "--mount" flag: invalid field '${field}' must be a key=value pair`);
    }
    switch (key) {
      case 'type':
        m.Type = value.toLowerCase();
        break;
      case 'source':
      case 'src':
        m.Source = value;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = value;
        break;
      case 'readonly':
      case 'ro':
        m.ReadOnly = TRUE_WORDS.has(value);
        break;
      case 'consistency':
        m.Consistency = value;
        break;
      case 'bind-propagation':
        bindOptions().Propagation = value;
        break;
      case 'bind-nonrecursive':
        bindOptions().NonRecursive = TRUE_WORDS.has(value);
        break;
      case 'bind-create-src':
        bindOptions().CreateMountpoint = TRUE_WORDS.has(value);
        break;
      case 'volume-nocopy':
        volumeOptions().NoCopy = TRUE_WORDS.has(value);
        break;
      case 'volume-subpath':
        volumeOptions().Subpath = value;
        break;
      case 'volume-label': {
        const [k, ...v] = value.split('=');
        const labels = (volumeOptions().Labels ??= {}) as Record<string, string>;
        labels[k] = v.join('=');
        break;
      }
      case 'volume-driver':
        volumeOptions().DriverConfig = { ...(volumeOptions().DriverConfig as object), Name: value };
        break;
      case 'volume-opt': {
        const [k, ...v] = value.split('=');
        const dc = (volumeOptions().DriverConfig ??= {}) as { Options?: Record<string, string> };
        (dc.Options ??= {})[k] = v.join('=');
        break;
      }
      case 'tmpfs-size':
        tmpfsOptions().SizeBytes = ramInBytes(value);
        break;
      case 'tmpfs-mode':
        tmpfsOptions().Mode = parseInt(value, 8);
        break;
      default:
        throw new UsageError(`invalid argument "${spec}" for "--mount" flag: unexpected key '${key}' in '${field}'`);
    }
  }
  if (!m.Target) throw new UsageError(`invalid argument "${spec}" for "--mount" flag: target is required`);
  return m;
}

/** `--device /dev/a[:/dev/b][:rwm]`. */
export function parseDevice(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = spec.split(':');
  const src = parts[0];
  let dst = src;
  let perms = 'rwm';
  if (parts.length === 2) {
    if (/^[rwm]+$/.test(parts[1])) perms = parts[1];
    else dst = parts[1];
  } else if (parts.length === 3) {
    dst = parts[1];
    perms = parts[2];
  } else if (parts.length > 3) throw new UsageError(`invalid device specification: ${spec}`);
  return { PathOnHost: src, PathInContainer: dst, CgroupPermissions: perms };
}

/** `--ulimit nofile=1024:2048` (hard defaults to soft). */
export function parseUlimit(spec: string): { Name: string; Soft: number; Hard: number } {
  const m = /^([a-z]+)=(-?\d+)(?::(-?\d+))?$/.exec(spec);
  if (!m) throw new UsageError(`invalid argument "${spec}" for "--ulimit" flag: invalid ulimit argument: ${spec}`);
  const soft = Number(m[2]);
  const hard = m[3] !== undefined ? Number(m[3]) : soft;
  return { Name: m[1], Soft: soft, Hard: hard };
}

/** `--restart on-failure:3`. */
export function parseRestart(spec: string): { Name: string; MaximumRetryCount: number } {
  const [name, count] = spec.split(':');
  if (!['', 'no', 'always', 'unless-stopped', 'on-failure'].includes(name)) throw new UsageError(`invalid restart policy: ${spec}`);
  if (count !== undefined && name !== 'on-failure') throw new UsageError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  return { Name: name || 'no', MaximumRetryCount: count ? Number(count) : 0 };
}

/** `--tmpfs /run:rw,size=64m`. */
export function parseTmpfs(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const colon = v.indexOf(':');
    if (colon < 0) out[v] = '';
    else out[v.slice(0, colon)] = v.slice(colon + 1);
  }
  return out;
}

/** Docker 23+ normalises capability names: upper case with a CAP_ prefix; ALL stays ALL. */
export function normalizeCaps(caps: string[]): string[] | null {
  if (caps.length === 0) return null;
  return caps.map((c) => {
    const u = c.toUpperCase();
    return u === 'ALL' || u.startsWith('CAP_') ? u : `CAP_${u}`;
  });
}

/** Docker's mapping of `-v`: an absolute path alone is an anonymous volume, else a bind/named volume. */
export function splitVolumes(values: string[]): { binds: string[]; volumes: Record<string, object> } {
  const binds: string[] = [];
  const volumes: Record<string, object> = {};
  for (const v of values) {
    const parts = v.split(':');
    if (parts.length === 1) {
      if (!v.startsWith('/')) throw new UsageError(`invalid volume specification: '${v}'`);
      volumes[v] = {};
    } else if (parts.length > 3 || parts[1] === '') throw new UsageError(`invalid spec: ${v}: empty section between colons`);
    else binds.push(v);
  }
  return { binds, volumes };
}

function durationNs(flags: ParsedFlags, name: string): number {
  const v = flags.string(name);
  if (!v) return 0;
  try {
    return parseGoDuration(v);
  } catch (e) {
    throw new UsageError(`invalid argument "${v}" for "--${name}" flag: ${(e as Error).message}`);
  }
}

function bytesFlag(flags: ParsedFlags, name: string): number {
  const v = flags.string(name);
  if (!v) return 0;
  if (name === 'memory-swap' && v === '-1') return -1;
  try {
    return ramInBytes(v);
  } catch {
    throw new UsageError(`invalid argument "${v}" for "--${name}" flag: invalid size: '${v}'`);
  }
}

function orNull<T>(list: T[]): T[] | null {
  return list.length ? list : null;
}

function securityOpts(values: string[], env: CreateEnv): string[] | null {
  const out = values.map((v) => {
    const sep = v.includes('=') ? '=' : v.includes(':') ? ':' : '';
    if (!sep) return v;
    const [key, ...rest] = v.split(sep);
    const value = rest.join(sep);
    // A seccomp profile is sent inline, read by the client, as the docker CLI does.
    if (key === 'seccomp' && value !== 'unconfined' && value !== 'builtin') {
      const json = env.readFile(value);
      return `seccomp=${JSON.stringify(JSON.parse(json))}`;
    }
    return v;
  });
  return orNull(out);
}

/** Builds the create request from parsed run/create flags (positionals: IMAGE [COMMAND [ARG...]]). */
export function buildCreateRequest(flags: ParsedFlags, env: CreateEnv, opts: { detach: boolean }): CreateRequest {
  const [image, ...cmd] = flags.positionals;
  const attach = flags.list('attach').map((a) => a.toLowerCase());
  for (const a of attach) if (!['stdin', 'stdout', 'stderr'].includes(a)) throw new UsageError(`invalid argument "${a}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  const openStdin = flags.bool('interactive');
  const tty = flags.bool('tty');
  let attachStdin = attach.includes('stdin') || openStdin;
  let attachStdout = attach.length === 0 || attach.includes('stdout');
  let attachStderr = attach.length === 0 || attach.includes('stderr');
  if (opts.detach) {
    if (attach.length) throw new UsageError('Conflicting options: -a and -d');
    attachStdin = attachStdout = attachStderr = false;
  }
  const autoRemove = flags.bool('rm');
  const restart = parseRestart(flags.string('restart'));
  if (autoRemove && restart.Name !== 'no') throw new UsageError('Conflicting options: --restart and --rm');

  const pull = flags.string('pull') as CreateRequest['pull'];
  if (!['missing', 'always', 'never'].includes(pull)) throw new UsageError(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);

  // Environment: --env-file first, then -e, as docker does.
  const envList: string[] = [];
  for (const f of flags.list('env-file')) envList.push(...parseEnvFile(env.readFile(f), env.lookupEnv));
  envList.push(...expandEnv(flags.list('env'), env.lookupEnv));

  const labelValues: string[] = [];
  for (const f of flags.list('label-file')) labelValues.push(...env.readFile(f).split(/\r?\n/).map((x) => x.trim()).filter((x) => x && !x.startsWith('#')));
  labelValues.push(...flags.list('label'));

  const { binds, volumes } = splitVolumes(flags.list('volume'));

  const exposedPorts: Record<string, object> = {};
  const portBindings: Record<string, PortBinding[]> = {};
  for (const p of flags.list('publish')) {
    const { exposed, bindings } = parsePortSpec(p);
    for (const e of exposed) exposedPorts[e] = {};
    for (const [k, v] of Object.entries(bindings)) (portBindings[k] ??= []).push(...v);
  }
  for (const e of flags.list('expose')) for (const p of parseExpose(e)) exposedPorts[p] = {};

  let entrypoint: string[] | null = null;
  if (flags.changed('entrypoint')) entrypoint = [flags.string('entrypoint')];

  let healthcheck: Record<string, unknown> | undefined;
  const healthCmd = flags.string('health-cmd');
  const anyHealth = ['health-cmd', 'health-interval', 'health-timeout', 'health-start-period', 'health-start-interval', 'health-retries'].some((n) => flags.changed(n));
  if (flags.bool('no-healthcheck')) {
    if (anyHealth) throw new UsageError('--no-healthcheck conflicts with --health-* options');
    healthcheck = { Test: ['NONE'] };
  } else if (anyHealth) {
    healthcheck = {
      Test: healthCmd ? ['CMD-SHELL', healthCmd] : null,
      Interval: durationNs(flags, 'health-interval'),
      Timeout: durationNs(flags, 'health-timeout'),
      StartPeriod: durationNs(flags, 'health-start-period'),
      StartInterval: durationNs(flags, 'health-start-interval'),
      Retries: flags.int('health-retries'),
    };
  }

  const logOpts: Record<string, string> = {};
  for (const o of flags.list('log-opt')) {
    const eq = o.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid key/value pair format in logging opts`);
    logOpts[o.slice(0, eq)] = o.slice(eq + 1);
  }

  const sysctls: Record<string, string> = {};
  for (const sc of flags.list('sysctl')) {
    const eq = sc.indexOf('=');
    if (eq < 0) throw new UsageError(`invalid argument "${sc}" for "--sysctl" flag: sysctl '${sc}' is not allowed`);
    sysctls[sc.slice(0, eq)] = sc.slice(eq + 1);
  }

  const storageOpt: Record<string, string> = {};
  for (const so of flags.list('storage-opt')) {
    const eq = so.indexOf('=');
    storageOpt[so.slice(0, eq)] = so.slice(eq + 1);
  }

  const mounts = flags.list('mount').map(parseMount);
  const links = flags.list('link').map((ln) => (ln.includes(':') ? ln : `${ln}:${ln}`));
  const extraHosts = flags.list('add-host').map((h) => {
    const i = h.indexOf('=') >= 0 ? h.indexOf('=') : h.indexOf(':');
    if (i <= 0) throw new UsageError(`invalid argument "${h}" for "--add-host" flag: bad format for add-host: "${h}"`);
    return `${h.slice(0, i)}:${h.slice(i + 1)}`;
  });

  let nanoCpus = 0;
  const cpus = flags.string('cpus');
  if (cpus) {
    const n = Number(cpus);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`invalid argument "${cpus}" for "--cpus" flag: failed to parse ${cpus} as a rational number`);
    nanoCpus = Math.round(n * 1e9);
  }

  const networkMode = flags.string('network') || 'default';
  const endpoint: Record<string, unknown> = {
    IPAMConfig: null,
    Links: null,
    Aliases: null,
    MacAddress: flags.string('mac-address'),
    DriverOpts: null,
    GwPriority: 0,
    NetworkID: '',
    EndpointID: '',
    Gateway: '',
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: null,
  };
  const ip = flags.string('ip');
  const ip6 = flags.string('ip6');
  if (ip || ip6) endpoint.IPAMConfig = { ...(ip ? { IPv4Address: ip } : {}), ...(ip6 ? { IPv6Address: ip6 } : {}) };
  const aliases = flags.list('network-alias');
  if (aliases.length) endpoint.Aliases = aliases;
  const networkAttached = !['host', 'none'].includes(networkMode) && !networkMode.startsWith('container:');
  if (!networkAttached && (ip || ip6 || aliases.length)) throw new UsageError('Conflicting options: IP/aliases cannot be used with the host, none or container network');

  const config: Record<string, unknown> = {
    Hostname: flags.string('hostname'),
    Domainname: flags.string('domainname'),
    User: flags.string('user'),
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
  };
  if (Object.keys(exposedPorts).length) config.ExposedPorts = exposedPorts;
  Object.assign(config, {
    Tty: tty,
    OpenStdin: openStdin,
    StdinOnce: openStdin && attachStdin,
    Env: orNull(envList),
    Cmd: cmd.length ? cmd : null,
  });
  if (healthcheck) config.Healthcheck = healthcheck;
  Object.assign(config, {
    Image: image,
    Volumes: volumes,
    WorkingDir: flags.string('workdir'),
    Entrypoint: entrypoint,
    OnBuild: null,
    Labels: parseLabels(labelValues),
  });
  if (flags.changed('stop-signal')) config.StopSignal = flags.string('stop-signal');
  if (flags.changed('stop-timeout')) config.StopTimeout = flags.int('stop-timeout');

  const hostConfig: Record<string, unknown> = {
    Binds: orNull(binds),
    ContainerIDFile: flags.string('cidfile'),
    LogConfig: { Type: flags.string('log-driver'), Config: logOpts },
    NetworkMode: networkMode,
    PortBindings: portBindings,
    RestartPolicy: restart,
    AutoRemove: autoRemove,
    VolumeDriver: flags.string('volume-driver'),
    VolumesFrom: orNull(flags.list('volumes-from')),
    ConsoleSize: tty && env.consoleSize ? env.consoleSize : [0, 0],
    CapAdd: normalizeCaps(flags.list('cap-add')),
    CapDrop: normalizeCaps(flags.list('cap-drop')),
    CgroupnsMode: flags.string('cgroupns'),
    Dns: flags.list('dns'),
    DnsOptions: flags.list('dns-option'),
    DnsSearch: flags.list('dns-search'),
    ExtraHosts: orNull(extraHosts),
    GroupAdd: orNull(flags.list('group-add')),
    IpcMode: flags.string('ipc'),
    Cgroup: '',
    Links: orNull(links),
    OomScoreAdj: flags.int('oom-score-adj'),
    PidMode: flags.string('pid'),
    Privileged: flags.bool('privileged'),
    PublishAllPorts: flags.bool('publish-all'),
    ReadonlyRootfs: flags.bool('read-only'),
    SecurityOpt: securityOpts(flags.list('security-opt'), env),
  };
  if (Object.keys(storageOpt).length) hostConfig.StorageOpt = storageOpt;
  if (flags.list('tmpfs').length) hostConfig.Tmpfs = parseTmpfs(flags.list('tmpfs'));
  Object.assign(hostConfig, {
    UTSMode: flags.string('uts'),
    UsernsMode: flags.string('userns'),
    ShmSize: bytesFlag(flags, 'shm-size'),
  });
  if (Object.keys(sysctls).length) hostConfig.Sysctls = sysctls;
  if (flags.string('runtime')) hostConfig.Runtime = flags.string('runtime');
  Object.assign(hostConfig, {
    Isolation: flags.string('isolation'),
    CpuShares: flags.int('cpu-shares'),
    Memory: bytesFlag(flags, 'memory'),
    NanoCpus: nanoCpus,
    CgroupParent: flags.string('cgroup-parent'),
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: flags.string('cpu-period') ? Number(flags.string('cpu-period')) : 0,
    CpuQuota: flags.string('cpu-quota') ? Number(flags.string('cpu-quota')) : 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: flags.string('cpuset-cpus'),
    CpusetMems: flags.string('cpuset-mems'),
    Devices: flags.list('device').map(parseDevice),
    DeviceCgroupRules: orNull(flags.list('device-cgroup-rule')),
    DeviceRequests: null,
    MemoryReservation: bytesFlag(flags, 'memory-reservation'),
    MemorySwap: bytesFlag(flags, 'memory-swap'),
    MemorySwappiness: flags.int('memory-swappiness'),
    OomKillDisable: flags.bool('oom-kill-disable'),
    PidsLimit: flags.int('pids-limit'),
    Ulimits: flags.list('ulimit').map(parseUlimit),
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
  });
  if (mounts.length) hostConfig.Mounts = mounts;
  if (flags.changed('init')) hostConfig.Init = flags.bool('init');
  Object.assign(hostConfig, { MaskedPaths: null, ReadonlyPaths: null });

  const networkKey = networkMode === 'default' ? 'default' : networkMode;
  const body = { ...config, HostConfig: hostConfig, NetworkingConfig: { EndpointsConfig: { [networkKey]: endpoint } } };
  return {
    image,
    name: flags.optString('name') || undefined,
    platform: flags.string('platform') || undefined,
    pull,
    body,
    config: { Tty: tty, OpenStdin: openStdin, AttachStdin: attachStdin, AttachStdout: attachStdout, AttachStderr: attachStderr },
    autoRemove,
    cidfile: flags.string('cidfile'),
  };
}
