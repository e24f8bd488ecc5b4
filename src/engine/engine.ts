// The engine: one object holding every store and service, opened once by berthd.
// No HTTP in here; src/api calls into these.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { existsSync } from 'node:fs';
import { BERTH_VERSION } from '../version.js';
import { EventBus } from './events.js';
import { ImageStore } from './images/store.js';
import { sweepTempFiles } from '../util/fs.js';

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
}

export class Engine {
  readonly events = new EventBus();
  readonly images: ImageStore;
  readonly startedAt = new Date();

  private constructor(readonly config: EngineConfig) {
    this.images = new ImageStore({
      dataRoot: config.dataRoot,
      events: this.events,
      containersUsingImage: () => [],
    });
  }

  static async open(config: EngineConfig): Promise<Engine> {
    await fsp.mkdir(config.dataRoot, { recursive: true, mode: 0o711 });
    await fsp.mkdir(config.execRoot, { recursive: true, mode: 0o711 });
    await sweepTempFiles(config.dataRoot);
    const engine = new Engine(config);
    await engine.images.init();
    return engine;
  }

  async close(): Promise<void> {}

  /** GET /info, in Docker's shape (the fields clients read). */
  info(): Record<string, unknown> {
    const images = this.images.list();
    return {
      ID: 'berth',
      Containers: 0,
      ContainersRunning: 0,
      ContainersPaused: 0,
      ContainersStopped: 0,
      Images: images.length,
      Driver: this.config.storageDriver === 'vfs' ? 'vfs' : 'overlay2',
      DriverStatus: [['Backing Filesystem', 'extfs']],
      Plugins: { Volume: ['local'], Network: ['bridge', 'host', 'ipvlan', 'macvlan', 'null'], Authorization: null, Log: ['json-file', 'k8s-file'] },
      MemoryLimit: true,
      SwapLimit: true,
      CpuCfsPeriod: true,
      CpuCfsQuota: true,
      CPUShares: true,
      CPUSet: true,
      PidsLimit: true,
      IPv4Forwarding: true,
      Debug: false,
      NFd: 0,
      NGoroutines: 0,
      SystemTime: new Date().toISOString(),
      LoggingDriver: 'json-file',
      CgroupDriver: 'cgroupfs',
      CgroupVersion: existsSync('/sys/fs/cgroup/cgroup.controllers') ? '2' : '1',
      NEventsListener: this.events.listenerCount('event'),
      KernelVersion: os.release(),
      OperatingSystem: 'berth',
      OSVersion: '',
      OSType: 'linux',
      Architecture: os.machine(),
      IndexServerAddress: 'https://index.docker.io/v1/',
      RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: this.config.registryMirrors },
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
      SecurityOptions: ['name=seccomp,profile=builtin'],
      Warnings: [],
    };
  }

  /** GET /system/df. */
  async diskUsage(): Promise<Record<string, unknown>> {
    return { LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] };
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
