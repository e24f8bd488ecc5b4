// berthd's configuration: flags like dockerd's, over a JSON config file (daemon.json shape),
// over defaults.
import { readFileSync, existsSync } from 'node:fs';
import type { EngineConfig } from '../engine/engine.js';

export interface DaemonConfig extends EngineConfig {
  hosts: string[];
  dockerSocket?: string;
  logLevel: string;
  group?: string;
  /** --tls / --tlsverify as given (undefined when not), see tcp-security.ts for what they mean. */
  tls?: boolean;
  tlsVerify?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCaCert?: string;
  /** --userns-remap as given (`default` or `user[:group]`); main.ts resolves it before the engine opens. */
  usernsRemapSpec?: string;
}

const HELP = `Usage: berthd [OPTIONS]

A Docker-compatible container daemon.

Options:
  -H, --host list              Daemon socket(s) to listen on (unix:///path, tcp://host:port, fd:// for systemd socket activation) (default unix:///run/berth/berth.sock)
      --data-root string       Root directory of persistent state (default "/var/lib/berth")
      --exec-root string       Root directory for execution state files (default "/run/berth")
      --runtime string         Default OCI runtime (name from --add-runtime or a path) (default "runc")
      --add-runtime name=path  Register an OCI runtime
      --storage-driver string  overlay, vfs or auto (default "auto")
      --config-file string     Daemon configuration file (default "/etc/berth/daemon.json")
      --docker-socket string   Also listen on this path (e.g. /var/run/docker.sock)
  -b, --bridge string          Device name of the default bridge network (default "berth0")
      --ipv6                   Enable IPv6 on the default bridge network
      --fixed-cidr-v6 string   IPv6 subnet of the default bridge network (with --ipv6)
      --iptables-prefix string Prefix of berth's iptables chains (default "BERTH"; one per daemon on a host)
      --insecure-registry list Registries reached over plain HTTP
      --registry-mirror list   Mirrors for docker.io
      --tlsverify              TLS on tcp:// hosts, clients must show a certificate signed by --tlscacert
      --tls                    TLS on tcp:// hosts without client authentication (insecure)
      --tlscacert, --tlscert, --tlskey string  TLS files (default ca.pem, cert.pem, key.pem in $DOCKER_CERT_PATH or ~/.docker)
  -G, --group string           Group owning the unix socket (default "berth", when it exists)
      --log-driver string      Default logging driver of containers: json-file, local or none (default "json-file")
      --log-opt map            Default log driver options (repeatable; default max-size=20m, max-file=5 for json-file)
      --userns-remap string    User/Group setting for user namespaces ("default" creates and uses berth-remap)
  -l, --log-level string       debug, info, warn, error (default "info")
  -h, --help                   Print usage
`;

export function parseDaemonArgs(argv: string[]): DaemonConfig {
  const cfg: DaemonConfig = {
    hosts: [],
    dataRoot: '/var/lib/berth',
    execRoot: '/run/berth',
    defaultRuntime: 'runc',
    runtimes: { runc: 'runc' },
    conmonPath: 'conmon',
    storageDriver: 'auto',
    insecureRegistries: [],
    registryMirrors: [],
    logLevel: 'info',
  };
  const flags = new Map<string, string[]>();
  let configFile = '/etc/berth/daemon.json';
  let configFileGiven = false;
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === '-h' || a === '--help') {
      process.stdout.write(HELP);
      process.exit(0);
    }
    if (a === '-v' || a === '--version') {
      process.stdout.write('berthd version 0.1.0\n');
      process.exit(0);
    }
    let val: string | undefined;
    const eq = a.indexOf('=');
    if (a.startsWith('--') && eq > 0) {
      val = a.slice(eq + 1);
      a = a.slice(0, eq);
    }
    const name = { '-H': '--host', '-l': '--log-level', '-G': '--group', '-b': '--bridge' }[a] ?? a;
    if (!name.startsWith('--')) throw new Error(`unknown flag: ${a}`);
    // --ipv6 is a boolean flag, as dockerd's (`--ipv6=false` turns it off).
    if ((name === '--ipv6' || name === '--tls' || name === '--tlsverify') && val === undefined) val = 'true';
    if (val === undefined) {
      val = argv[++i];
      if (val === undefined) throw new Error(`flag needs an argument: ${a}`);
    }
    if (name === '--config-file') {
      configFile = val;
      configFileGiven = true;
      continue;
    }
    flags.set(name, [...(flags.get(name) ?? []), val]);
  }
  if (existsSync(configFile)) {
    const file = JSON.parse(readFileSync(configFile, 'utf8'));
    if (file.hosts) cfg.hosts = file.hosts;
    if (file['data-root']) cfg.dataRoot = file['data-root'];
    if (file['exec-root']) cfg.execRoot = file['exec-root'];
    if (file['default-runtime']) cfg.defaultRuntime = file['default-runtime'];
    if (file.runtimes) for (const [k, v] of Object.entries<any>(file.runtimes)) cfg.runtimes[k] = v.path ?? v;
    if (file['storage-driver']) cfg.storageDriver = file['storage-driver'];
    if (file['insecure-registries']) cfg.insecureRegistries = file['insecure-registries'];
    if (file['registry-mirrors']) cfg.registryMirrors = file['registry-mirrors'];
    if (file['log-level']) cfg.logLevel = file['log-level'];
    if (file['docker-socket']) cfg.dockerSocket = file['docker-socket'];
    if (file.bridge) cfg.defaultBridge = file.bridge;
    if (file['iptables-prefix']) cfg.iptablesPrefix = file['iptables-prefix'];
    if (file['log-driver']) cfg.logDriver = file['log-driver'];
    if (file['log-opts']) cfg.logOpts = file['log-opts'];
    if (typeof file.ipv6 === 'boolean') cfg.ipv6 = file.ipv6;
    if (file['fixed-cidr-v6']) cfg.fixedCidrV6 = file['fixed-cidr-v6'];
    if (typeof file.tls === 'boolean') cfg.tls = file.tls;
    if (typeof file.tlsverify === 'boolean') cfg.tlsVerify = file.tlsverify;
    if (file.tlscacert) cfg.tlsCaCert = file.tlscacert;
    if (file.tlscert) cfg.tlsCert = file.tlscert;
    if (file.tlskey) cfg.tlsKey = file.tlskey;
    if (file.group) cfg.group = file.group;
    if (file['userns-remap']) cfg.usernsRemapSpec = file['userns-remap'];
  } else if (configFileGiven) {
    throw new Error(`config file ${configFile} does not exist`);
  }
  const one = (n: string) => flags.get(n)?.at(-1);
  if (flags.get('--host')) cfg.hosts = flags.get('--host')!;
  cfg.dataRoot = one('--data-root') ?? cfg.dataRoot;
  cfg.execRoot = one('--exec-root') ?? cfg.execRoot;
  for (const rt of flags.get('--add-runtime') ?? []) {
    const [n, p] = rt.split('=', 2);
    cfg.runtimes[n] = p;
  }
  const rt = one('--runtime');
  if (rt) {
    if (rt.includes('/')) {
      cfg.runtimes.custom = rt;
      cfg.defaultRuntime = 'custom';
    } else cfg.defaultRuntime = rt;
  }
  cfg.storageDriver = one('--storage-driver') ?? cfg.storageDriver;
  cfg.dockerSocket = one('--docker-socket') ?? cfg.dockerSocket;
  cfg.logLevel = one('--log-level') ?? cfg.logLevel;
  cfg.insecureRegistries.push(...(flags.get('--insecure-registry') ?? []));
  cfg.registryMirrors.push(...(flags.get('--registry-mirror') ?? []));
  cfg.tlsCert = one('--tlscert') ?? cfg.tlsCert;
  cfg.tlsKey = one('--tlskey') ?? cfg.tlsKey;
  cfg.tlsCaCert = one('--tlscacert') ?? cfg.tlsCaCert;
  if (one('--tls') !== undefined) cfg.tls = one('--tls') !== 'false';
  if (one('--tlsverify') !== undefined) cfg.tlsVerify = one('--tlsverify') !== 'false';
  cfg.group = one('--group') ?? cfg.group;
  cfg.defaultBridge = one('--bridge') ?? cfg.defaultBridge;
  cfg.iptablesPrefix = one('--iptables-prefix') ?? cfg.iptablesPrefix;
  cfg.logDriver = one('--log-driver') ?? cfg.logDriver;
  cfg.usernsRemapSpec = one('--userns-remap') ?? cfg.usernsRemapSpec;
  if (flags.get('--log-opt')) {
    cfg.logOpts = {};
    for (const kv of flags.get('--log-opt')!) {
      const eq = kv.indexOf('=');
      if (eq <= 0) throw new Error(`invalid --log-opt ${kv}: expected key=value`);
      cfg.logOpts[kv.slice(0, eq)] = kv.slice(eq + 1);
    }
  }
  if (one('--ipv6') !== undefined) cfg.ipv6 = one('--ipv6') !== 'false';
  cfg.fixedCidrV6 = one('--fixed-cidr-v6') ?? cfg.fixedCidrV6;
  if (cfg.iptablesPrefix && !/^[A-Z][A-Z0-9_]{0,10}$/.test(cfg.iptablesPrefix)) throw new Error(`invalid --iptables-prefix: ${cfg.iptablesPrefix}`);
  if (cfg.hosts.length === 0) cfg.hosts = [`unix://${cfg.execRoot}/berth.sock`];
  const known = new Set(['--host', '--data-root', '--exec-root', '--add-runtime', '--runtime', '--storage-driver', '--docker-socket', '--log-level', '--insecure-registry', '--registry-mirror', '--tlscert', '--tlskey', '--tlscacert', '--tls', '--tlsverify', '--group', '--bridge', '--iptables-prefix', '--ipv6', '--fixed-cidr-v6', '--log-driver', '--log-opt', '--userns-remap']);
  for (const k of flags.keys()) if (!known.has(k)) throw new Error(`unknown flag: ${k}`);
  if (!cfg.runtimes[cfg.defaultRuntime]) throw new Error(`unknown runtime: ${cfg.defaultRuntime}`);
  return cfg;
}
