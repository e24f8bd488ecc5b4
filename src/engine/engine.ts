// The engine: one object holding every store and service, opened once by berthd.
// No HTTP in here; src/api calls into these.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { readdirSync } from 'node:fs';
import { API_VERSION, BERTH_VERSION, MIN_API_VERSION } from '../version.js';
import { goArch } from '../util/platform.js';
import type { SystemDf, SystemVersion } from '../api-types/system.js';
import { EventBus } from './events.js';
import { RemappedRoot, type UsernsRemap } from './userns/remap.js';
import { ImageStore } from './images/store.js';
import { sweepTempFiles } from '../util/fs.js';
import { ContainerService } from './containers/service.js';
import { ExecManager } from './containers/exec.js';
import { ContainerFiles } from './containers/archive.js';
import { HealthMonitor } from './containers/health.js';
import { NetworkManager } from './network/manager.js';
import { VolumeStore } from './volumes/store.js';
import { Firewall } from './network/firewall.js';
import { DiskUsage, type DiskUsageRequest } from './disk-usage.js';
import { BuildService } from './build/engine-backend.js';
import { LogFollower } from './runtime/logfile.js';
import { daemonLogConfig, SERVED_LOG_DRIVERS } from './containers/log-config.js';
import { defaultLoggerPath } from './runtime/log-writer.js';
import { pendingWaiters } from './containers/waiters.js';
import { cgroupFeatures, cgroupWarnings, driverStatus, ipv4Forwarding, registryServiceConfig, type CgroupFeatures } from './host-info.js';

export interface EngineConfig {
  dataRoot: string;
  execRoot: string;
  /** Default OCI runtime name and the table of known runtimes (name → binary). */
  defaultRuntime: string;
  runtimes: Record<string, string>;
  conmonPath: string;
  /** 'overlay', 'vfs', or 'auto' (overlay when the kernel has it). */
  storageDriver: string;
  /** Insecure registries, mirrors: used by the registry client. */
  insecureRegistries: string[];
  registryMirrors: string[];
  /** Device of the default bridge network (dockerd's --bridge). */
  defaultBridge?: string;
  /** Prefix of berth's iptables chains, so two daemons on one host keep apart. */
  iptablesPrefix?: string;
  /** Default logging driver and options (daemon config `log-driver`, `log-opts`); see log-config.ts. */
  logDriver?: string;
  logOpts?: Record<string, string>;
  /** berth-logger (default: beside berthd's bundle). */
  loggerPath?: string;
  /** IPv6 on the default bridge (dockerd's `ipv6`), in `fixedCidrV6` or a /64 of the ULA pool. */
  ipv6?: boolean;
  fixedCidrV6?: string;
  /** --userns-remap as resolved by the daemon; dataRoot is then already the per-mapping root. */
  usernsRemap?: UsernsRemap;
}

export class Engine {
  readonly events = new EventBus();
  readonly images: ImageStore;
  readonly volumes: VolumeStore;
  readonly networks: NetworkManager;
  readonly containers: ContainerService;
  readonly execs: ExecManager;
  readonly files: ContainerFiles;
  readonly health: HealthMonitor;
  readonly builds: BuildService = new BuildService(this);
  private readonly usage = new DiskUsage(this);
  readonly startedAt = new Date();
  /** The host's cgroup features, found once (they do not change while berthd runs). */
  private cgroupFeatures?: CgroupFeatures;
  /** --userns-remap's remapped root, when on. */
  readonly remap?: RemappedRoot;

  private constructor(readonly config: EngineConfig) {
    this.remap = config.usernsRemap && new RemappedRoot(config.usernsRemap, config.dataRoot, config.execRoot);
    this.images = new ImageStore({
      dataRoot: config.dataRoot,
      events: this.events,
      containersUsingImage: (id) => this.containers.usersOfImage(id),
    });
    this.volumes = new VolumeStore({ dataRoot: config.dataRoot, events: this.events, volumeUsers: (name) => this.containers.usersOfVolume(name), rootOwner: this.remap?.root });
    this.networks = new NetworkManager({
      dataRoot: config.dataRoot,
      execRoot: config.execRoot,
      events: this.events,
      lookupContainer: (ref) => {
        const c = this.containers.store.find(ref);
        if (!c) return undefined;
        const networks = [...new Set([...Object.keys(c.networkSettings?.Networks ?? {}), ...Object.keys(c.networkingConfig.EndpointsConfig ?? {})])];
        return { id: c.id, name: c.name, netnsPath: c.networkSettings?.SandboxKey || undefined, running: c.state.Running, networks };
      },
      onEndpointsChanged: (id, net, settings) => this.containers.endpointsChanged(id, net, settings),
      defaultBridgeName: config.defaultBridge,
      defaultBridgeIPv6: config.ipv6 ? { fixedCidrV6: config.fixedCidrV6 } : undefined,
      firewall: config.iptablesPrefix ? new Firewall(config.iptablesPrefix) : undefined,
    });
    this.containers = new ContainerService({
      dataRoot: config.dataRoot,
      execRoot: config.execRoot,
      conmonPath: config.conmonPath,
      logConfig: daemonLogConfig(config.logDriver, config.logOpts),
      loggerPath: config.loggerPath ?? defaultLoggerPath(),
      runtimes: config.runtimes,
      defaultRuntime: config.defaultRuntime,
      storageDriver: config.storageDriver,
      events: this.events,
      images: this.images,
      networks: this.networks,
      volumes: this.volumes,
      remap: this.remap,
    });
    this.execs = new ExecManager(this.containers);
    this.files = new ContainerFiles(this.containers);
    this.health = new HealthMonitor(this.containers, this.execs);
    this.containers.hooks = {
      started: (rec) => this.health.started(rec),
      stopped: (id) => {
        this.health.stopped(id);
        this.execs.containerStopped(id);
      },
    };
  }

  static async open(config: EngineConfig): Promise<Engine> {
    await fsp.mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
    await fsp.mkdir(config.execRoot, { recursive: true, mode: 0o711 });
    // Each store sweeps its own leftovers; only container metadata dirs are swept here (never
    // layers or volumes, whose files are the user's).
    await sweepTempFiles(path.join(config.dataRoot, 'containers'), 1);
    const engine = new Engine(config);
    await engine.images.init();
    if (engine.remap) {
      if (engine.containers.driver !== 'overlay') throw new Error('userns-remap needs the overlay storage driver (image layers are idmapped, not copied)');
      await engine.remap.init();
    }
    await engine.volumes.init();
    await engine.networks.init();
    await engine.containers.init();
    await engine.networks.sweep((id) => engine.containers.store.find(id)?.state.Running ?? false);
    await engine.remap?.sweep((id) => engine.containers.store.find(id)?.state.Running ?? false);
    await engine.containers.startAtBoot();
    // Sweeps build scratch and step containers a crash left behind.
    await engine.builds.init();
    return engine;
  }

  /** Sizes of what the engine holds for clients and sessions (berthd's debug report; leak tests). */
  resources(): Record<string, number> {
    return {
      execSessions: this.execs.size,
      execsRunning: this.execs.running,
      logFollowers: LogFollower.open,
      containerWaiters: pendingWaiters(),
      copyMounts: this.files.mountedForCopies,
      eventListeners: this.events.listenerCount('event'),
    };
  }

  async close(): Promise<void> {
    await this.containers.close();
    await this.networks.close();
  }

  /** GET /version, in Docker's shape. */
  version(): SystemVersion {
    const details = { ApiVersion: API_VERSION, MinAPIVersion: MIN_API_VERSION, Os: 'linux', Arch: goArch(), KernelVersion: os.release() };
    return {
      Platform: { Name: 'berth' },
      Components: [{ Name: 'Engine', Version: BERTH_VERSION, Details: details }],
      Version: BERTH_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: 'berth',
      GoVersion: `node${process.versions.node}`,
      Os: 'linux',
      Arch: goArch(),
      KernelVersion: os.release(),
      BuildTime: new Date(0).toISOString(),
    };
  }

  /** GET /info, in Docker's shape (the fields clients read). */
  info(): Record<string, unknown> {
    const images = this.images.list();
    const all = this.containers.list();
    const running = all.filter((c) => c.state.Running && !c.state.Paused).length;
    const paused = all.filter((c) => c.state.Paused).length;
    const driver = this.containers.driver === 'vfs' ? 'vfs' : 'overlay2';
    const cg = (this.cgroupFeatures ??= cgroupFeatures());
    const forwarding = ipv4Forwarding();
    return {
      ID: 'berth',
      Containers: all.length,
      ContainersRunning: running,
      ContainersPaused: paused,
      ContainersStopped: all.length - running - paused,
      Images: images.length,
      Driver: driver,
      DriverStatus: driverStatus(driver, this.config.dataRoot),
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null'], Authorization: null, Log: [...SERVED_LOG_DRIVERS].filter((d) => d !== 'none') },
      MemoryLimit: cg.MemoryLimit,
      SwapLimit: cg.SwapLimit,
      KernelMemoryTCP: cg.KernelMemoryTCP,
      CpuCfsPeriod: cg.CpuCfsPeriod,
      CpuCfsQuota: cg.CpuCfsQuota,
      CPUShares: cg.CPUShares,
      CPUSet: cg.CPUSet,
      PidsLimit: cg.PidsLimit,
      OomKillDisable: cg.OomKillDisable,
      IPv4Forwarding: forwarding,
      Debug: false,
      NFd: openDescriptors(),
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: this.containers.o.logConfig.Type,
      CgroupDriver: 'cgroupfs',
      CgroupVersion: cg.CgroupVersion,
      NEventsListener: this.events.listenerCount('event'),
      KernelVersion: os.release(),
      OperatingSystem: 'berth',
      OSVersion: '',
      OSType: 'linux',
      Architecture: os.machine(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: registryServiceConfig(this.config.insecureRegistries, this.config.registryMirrors),
      NCPU: os.cpus().length,
      MemTotal: os.totalmem(),
      DockerRootDir: this.config.dataRoot,
      Name: os.hostname(),
      Labels: [],
      ExperimentalBuild: false,
      ServerVersion: BERTH_VERSION,
      Runtimes: Object.fromEntries(Object.entries(this.config.runtimes).map(([k, v]) => [k, { path: v }])),
      DefaultRuntime: this.config.defaultRuntime,
      Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
      LiveRestoreEnabled: true,
      Isolation: '',
      InitBinary: 'tini',
      SecurityOptions: ['name=seccomp,profile=builtin', ...(this.remap ? ['name=userns'] : [])],
      Warnings: cgroupWarnings(cg, forwarding),
    };
  }

  /** GET /system/df (disk-usage.ts). */
  diskUsage(req: DiskUsageRequest = {}): Promise<SystemDf> {
    return this.usage.compute(req);
  }

  get dataRoot(): string {
    return this.config.dataRoot;
  }
  dataPath(...p: string[]): string {
    return path.join(this.config.dataRoot, ...p);
  }
  execPath(...p: string[]): string {
    return path.join(this.config.execRoot, ...p);
  }
}

/** How many descriptors berthd has open (dockerd's NFd). */
function openDescriptors(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 0;
  }
}
