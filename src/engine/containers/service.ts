// The container service: lifecycle verbs over the record store, the storage driver, the
// network manager and the runtime (conmon + runc). One instance per engine.
import { promises as fsp, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConflictError, EngineError, InvalidArgumentError, NotFoundError, NotModifiedError, SystemError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ImageStore } from '../images/store.js';
import { newId } from '../../util/ids.js';
import { ContainerStore } from './store.js';
import type { ContainerRecord, ContainerConfig, HostConfig, MountPoint, ContainerState } from './types.js';
import { ZERO_TIME } from './types.js';
import { commandOf, mergeConfig, parseSignal } from './config.js';
import { parseMounts } from './mounts.js';
import { ExitWatcher } from '../runtime/exit-watcher.js';
import { RuntimeStartError, startWithConmon, resizeViaConmon } from '../runtime/conmon.js';
import { runcDelete, runcKill, runcPause, runcResume, runcStart, runcState, runcUpdate, type RuntimeInfo } from '../runtime/runc.js';
import { oomKills, readStats, type CpuSample } from './stats.js';
import { createRootfs, mountRootfs, pickDriver, removeRootfs, rootfsPaths, unmountRootfs, type StorageDriverName } from '../storage/rootfs.js';
import { buildContainerSpec } from './spec.js';
import { hostsFile, resolvConfFromHost } from './etc-files.js';
import type { NetworkManager } from '../network/manager.js';
import type { VolumeStore } from '../volumes/store.js';
import { log, tracer } from '../../util/log.js';
import { which } from '../../util/which.js';
import { parseNormalizedNamed } from '../images/reference.js';
import { addWaiter } from './waiters.js';

export interface ContainerServiceOptions {
  dataRoot: string;
  execRoot: string;
  conmonPath: string;
  runtimes: Record<string, string>;
  defaultRuntime: string;
  storageDriver: string;
  events: EventBus;
  images: ImageStore;
  networks: NetworkManager;
  volumes: VolumeStore;
}

export interface CreateRequest extends Partial<ContainerConfig> {
  HostConfig?: HostConfig;
  NetworkingConfig?: { EndpointsConfig?: Record<string, any> };
}

type WaitCondition = 'not-running' | 'next-exit' | 'removed';

const DEFAULT_STOP_TIMEOUT = 10;

export class ContainerService {
  readonly store: ContainerStore;
  readonly exits: ExitWatcher;
  readonly driver: StorageDriverName;
  readonly socketDir: string;
  private exitWaiters = new Map<string, Array<(code: number) => void>>();
  private startWaiters = new Map<string, Array<() => void>>();
  private removeWaiters = new Map<string, Array<() => void>>();
  /** Serialises lifecycle operations per container (start/stop/rm never interleave). */
  private locks = new Map<string, Promise<unknown>>();
  private restartTimers = new Map<string, NodeJS.Timeout>();
  /** Told when a container starts running and when it stops (health checks hang off these). */
  hooks: { started?: (rec: ContainerRecord) => void; stopped?: (id: string) => void } = {};
  /** Containers whose runtime state could not be deleted at exit (retried before reuse). */
  private runtimeLeftovers = new Set<string>();
  /**
   * `runc delete` of containers that exited, while it runs. It is off the exit path (a Go program's
   * start-up, ~10 ms, that nothing a client waits for needs): only the container's next start
   * waits for it, and berthd's shutdown.
   */
  private runtimeDeletes = new Map<string, Promise<void>>();
  readonly cgroupParent: string;
  readonly conmonPath: string;

  constructor(readonly o: ContainerServiceOptions) {
    this.store = new ContainerStore(path.join(o.dataRoot, 'containers'));
    this.exits = new ExitWatcher(path.join(o.execRoot, 'exits'));
    this.driver = pickDriver(o.storageDriver);
    this.socketDir = path.join(o.execRoot, 's');
    this.cgroupParent = ownCgroupParent();
    this.conmonPath = which(o.conmonPath) ?? o.conmonPath;
  }

  runtimeFor(rec: ContainerRecord): RuntimeInfo {
    return this.runtimeNamed(rec.runtime || this.o.defaultRuntime);
  }

  private runtimeNamed(name: string): RuntimeInfo {
    const bin = which(this.o.runtimes[name] ?? name) ?? this.o.runtimes[name] ?? name;
    return { path: bin, root: path.join(this.o.execRoot, 'runtime', name) };
  }

  bundleDir(id: string): string {
    return path.join(this.o.execRoot, 'containers', id);
  }
  containerDir(id: string): string {
    return this.store.dir(id);
  }
  logPath(id: string): string {
    return path.join(this.store.dir(id), 'container.log');
  }
  rootfs(id: string) {
    return rootfsPaths(path.join(this.store.dir(id), 'rootfs'));
  }
  socketId(id: string): string {
    return id.slice(0, 32);
  }
  attachSocket(id: string): string {
    return path.join(this.socketDir, this.socketId(id), 'attach');
  }
  ctlFifo(id: string): string {
    return path.join(this.bundleDir(id), 'ctl');
  }

  /** Runs fn with the container's lock held. */
  private async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chain = prev.then(() => mine);
    this.locks.set(id, chain);
    await prev.catch(() => undefined);
    try {
      return await fn();
    } finally {
      release();
      if (this.locks.get(id) === chain) this.locks.delete(id);
    }
  }

  // ───────────────────────── start-up recovery ─────────────────────────

  /** Loads records and reconciles them with reality: containers kept running while berthd was down. */
  async init(): Promise<void> {
    await fsp.mkdir(this.socketDir, { recursive: true });
    await fsp.mkdir(path.join(this.o.execRoot, 'containers'), { recursive: true });
    await this.exits.start();
    const recs = await this.store.load();
    await Promise.all(recs.map((rec) => this.recover(rec).catch((e) => log.error(`recover ${rec.id.slice(0, 12)}: ${e?.message ?? e}`))));
    await this.sweepRuntimeState();
  }

  /**
   * Deletes runtime state (runc's state dir, the container's cgroups) that belongs to no running
   * container: a `runc delete` after an exit is not waited for, so berthd may have died before it.
   */
  private async sweepRuntimeState(): Promise<void> {
    const runtimes = path.join(this.o.execRoot, 'runtime');
    for (const name of await fsp.readdir(runtimes).catch(() => [] as string[])) {
      for (const id of await fsp.readdir(path.join(runtimes, name)).catch(() => [] as string[])) {
        const rec = this.store.find(id);
        if (rec && (rec.state.Running || rec.state.Status === 'restarting')) continue;
        if (rec) {
          // Its next start deletes it first (it may belong to another runtime than the record's).
          this.runtimeLeftovers.add(id);
          continue;
        }
        await runcDelete(this.runtimeNamed(name), id, true).catch((e: Error) => log.warn(`runtime leftover ${id.slice(0, 12)}: ${e.message}`));
      }
    }
  }

  private async recover(rec: ContainerRecord): Promise<void> {
    if (rec.state.Status === 'removing') {
      await this.removeNow(rec, { volumes: false });
      return;
    }
    if (!rec.state.Running && rec.state.Status !== 'restarting') return;
    const rt = this.runtimeFor(rec);
    const st = await runcState(rt, rec.id);
    const code = await this.exits.readExit(rec.id);
    if (st && (st.status === 'running' || st.status === 'paused') && code === undefined) {
      rec.state.Paused = st.status === 'paused';
      rec.state.Status = st.status === 'paused' ? 'paused' : 'running';
      rec.state.Pid = st.pid;
      await this.store.save(rec);
      this.exits.watchFor(rec.id, (id, c) => void this.onExit(id, c));
      this.hooks.started?.(rec);
      return;
    }
    // It exited while we were away: its exit file has the real code.
    await this.onExit(rec.id, code ?? 255, { recovering: true });
  }

  // ───────────────────────────── create ─────────────────────────────

  async create(name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    if (!req || typeof req !== 'object') throw new InvalidArgumentError('config cannot be empty in order to create a container');
    if (!req.Image) throw new InvalidArgumentError('No image specified');
    const hc: HostConfig = req.HostConfig ?? {};
    // An invalid reference is a 400 before any lookup (a 404 would make the CLI try to pull it).
    if (!/^(sha256:)?[0-9a-f]{6,64}$/.test(req.Image)) parseNormalizedNamed(req.Image);
    const image = this.o.images.get(req.Image);
    if (name) this.store.checkName(name);
    const id = newId();
    const finalName = name ? name.replace(/^\//, '') : this.generateName();
    const config = mergeConfig(req, image.config.config, req.Image);
    if (!config.Hostname) config.Hostname = id.slice(0, 12);
    const { path: cmdPath, args } = commandOf(config);
    validateHostConfig(hc);
    const runtime = hc.Runtime || this.o.defaultRuntime;
    if (!this.o.runtimes[runtime]) throw new InvalidArgumentError(`unknown or invalid runtime name: ${runtime}`);
    const networkMode = !hc.NetworkMode || hc.NetworkMode === 'default' ? 'bridge' : hc.NetworkMode;
    // A named network that does not exist fails at start (404), as in dockerd: a 404 here would
    // make clients think the image is missing and try to pull it.
    if (networkMode.startsWith('container:')) this.get(networkMode.slice(10));
    const mounts = parseMounts(hc, config.Volumes);
    for (const m of mounts) {
      if (m.Type === 'bind' && hc.Mounts?.some((x) => x.Type === 'bind' && path.normalize(x.Target) === m.Destination) && !existsSync(m.Source)) {
        throw new InvalidArgumentError(`invalid mount config for type "bind": bind source path does not exist: ${m.Source}`);
      }
    }
    const now = new Date().toISOString();
    const rec: ContainerRecord = {
      id,
      name: finalName,
      created: now,
      image: image.id,
      path: cmdPath,
      args,
      config,
      hostConfig: normaliseHostConfig(hc, networkMode, runtime),
      networkingConfig: { EndpointsConfig: normaliseEndpoints(req.NetworkingConfig?.EndpointsConfig, networkMode) },
      state: freshState(),
      restartCount: 0,
      manuallyStopped: false,
      mounts,
      driver: this.driver,
      networkSettings: {},
      execIds: [],
      runtime,
    };
    // Nothing is visible until the record is saved: a failure before leaves only a directory that
    // the next start-up sweeps.
    try {
      const layers = await this.o.images.layerDirs(image.id);
      await createRootfs(this.driver, this.rootfs(id), layers, this.o.images.layerInfo(image.id));
      await this.prepareVolumes(rec);
      await this.store.save(rec);
    } catch (e) {
      await removeRootfs(this.driver, this.rootfs(id)).catch(() => undefined);
      await fsp.rm(this.store.dir(id), { recursive: true, force: true });
      throw e;
    }
    this.emit(rec, 'create');
    return { Id: id, Warnings: [] };
  }

  /** Names volumes (anonymous ones get a fresh name) and creates them on first use. */
  private async prepareVolumes(rec: ContainerRecord): Promise<void> {
    for (const m of rec.mounts) {
      if (m.Type !== 'volume') continue;
      const v = await this.o.volumes.ensure(m.Name || '', m.anonymous ? { 'com.docker.volume.anonymous': '' } : undefined);
      m.Name = v.Name;
      m.Source = v.Mountpoint;
    }
  }

  private generateName(): string {
    for (;;) {
      const n = randomName();
      if (!this.store.find(n)) return n;
    }
  }

  get(ref: string): ContainerRecord {
    return this.store.get(ref);
  }
  list(): ContainerRecord[] {
    return this.store.all();
  }

  // ───────────────────────────── start ─────────────────────────────

  async start(ref: string): Promise<void> {
    const rec = this.get(ref);
    await this.locked(rec.id, async () => {
      if (rec.state.Paused) throw new ConflictError('cannot start a paused container, try unpause instead');
      if (rec.state.Running) throw new NotModifiedError();
      if (rec.state.Status === 'removing' || rec.state.Dead) throw new ConflictError(`container is marked for removal and cannot be started`);
      rec.manuallyStopped = false;
      await this.startNow(rec);
    });
  }

  private async startNow(rec: ContainerRecord): Promise<void> {
    const id = rec.id;
    const rt = this.runtimeFor(rec);
    const fs = this.rootfs(id);
    const bundle = this.bundleDir(id);
    const undo: Array<() => Promise<unknown>> = [];
    const t = tracer('start', id);
    try {
      this.clearRestartTimer(id);
      await this.exits.removeExitFile(id);
      await this.runtimeDeletes.get(id);
      // Only a runtime container left over by a failed clean-up needs deleting (one spawn saved per start).
      if (this.runtimeLeftovers.delete(id)) await runcDelete(rt, id, true).catch(() => undefined);
      await fsp.mkdir(bundle, { recursive: true, mode: 0o700 });
      const image = this.o.images.find(rec.image);
      const layers = image ? await this.o.images.layerDirs(image.id) : [];
      t('prepare');
      // The network is connected (CNI ADD) while the rootfs is mounted and the runtime creates the
      // container; it only has to be ready, with the /etc files that name its address, before
      // `runc start` runs the container's process.
      const plan = await this.planNetwork(rec);
      const connecting = plan.connect();
      connecting.catch(() => undefined);
      undo.push(() => connecting.then(() => this.teardownNetwork(rec), () => this.teardownNetwork(rec)));
      await mountRootfs(this.driver, fs, layers);
      t('mount');
      undo.push(() => unmountRootfs(this.driver, fs));
      await this.copyUpVolumes(rec, fs.merged);
      await this.ensureEtcFiles(rec);
      const spec = await buildContainerSpec(this, rec, plan.netns);
      // Regenerated at every start, in the exec root: no fsync needed.
      await fsp.writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec));
      t('spec');
      // A failed connect removes the namespace the runtime is joining: its error is the one to report.
      const { pid } = await startWithConmon({
        conmonPath: this.conmonPath,
        runtime: rt,
        id,
        name: rec.name,
        bundleDir: bundle,
        socketDir: this.socketDir,
        socketId: this.socketId(id),
        exitDir: this.exits.exitDir,
        logPath: this.logPath(id),
        stdin: rec.config.OpenStdin,
        tty: rec.config.Tty,
        // A TTY session survives a detached client; non-TTY stdin closes on the client's EOF.
        leaveStdinOpen: rec.config.Tty || !rec.config.StdinOnce,
      }).catch(async (e: unknown) => {
        throw (await connecting.then(() => undefined, (ne: unknown) => ne)) ?? e;
      });
      undo.push(() => runcDelete(rt, id, true));
      t('conmon');
      await connecting;
      await this.writeEtcFiles(rec);
      t('network');
      this.exits.watchFor(id, (cid, code) => void this.onExit(cid, code));
      await runcStart(rt, id, pid);
      t('runc start');
      const st = rec.state;
      st.Status = 'running';
      st.Running = true;
      st.Paused = false;
      st.Restarting = false;
      st.Dead = false;
      st.OOMKilled = false;
      st.Pid = pid;
      st.ExitCode = 0;
      st.Error = '';
      st.StartedAt = new Date().toISOString();
      await this.store.save(rec);
      t('saved');
      this.emit(rec, 'start');
      this.hooks.started?.(rec);
      const starters = this.startWaiters.get(id) ?? [];
      this.startWaiters.delete(id);
      for (const w of starters) w();
    } catch (e: any) {
      this.exits.forget(id);
      for (const u of undo.reverse()) await u().catch(() => undefined);
      const msg = String(e?.message ?? e);
      // Docker keeps the container as created with the exit code the CLI maps (127, 126, 128).
      rec.state.Status = rec.state.StartedAt !== ZERO_TIME ? 'exited' : 'created';
      rec.state.Running = false;
      rec.state.Restarting = false;
      rec.state.Pid = 0;
      rec.state.ExitCode = /executable file not found|no such file or directory/.test(msg) ? 127 : /permission denied/.test(msg) ? 126 : 128;
      rec.state.Error = msg;
      await this.store.save(rec).catch(() => undefined);
      // Attached clients and waiters learn of the failed start; --rm containers go, as in Docker.
      const waiters = this.exitWaiters.get(id) ?? [];
      this.exitWaiters.delete(id);
      for (const w of waiters) w(rec.state.ExitCode);
      if (rec.hostConfig.AutoRemove) setImmediate(() => void this.remove(id, { force: true, volumes: true }).catch(() => undefined));
      if (e instanceof RuntimeStartError) {
        const inner = msg.startsWith('runc create failed') ? msg : `runc create failed: unable to start container process: ${msg}`;
        const wrapped = `failed to create task for container: failed to create shim task: OCI runtime create failed: ${inner}: unknown`;
        throw new EngineError(/executable file not found|no such file or directory|permission denied/.test(msg) ? 400 : 500, wrapped);
      }
      throw e;
    }
  }

  private async copyUpVolumes(rec: ContainerRecord, rootfs: string): Promise<void> {
    for (const m of rec.mounts) {
      if (m.Type === 'volume' && m.copyUp && m.Name) {
        await this.o.volumes.copyUpIfEmpty(m.Name, path.join(rootfs, m.Destination));
      }
    }
  }

  /** Network namespace and endpoints for the container's NetworkMode. */
  /**
   * The network namespace the container's spec names, and `connect()`, which attaches it to its
   * networks (the slow part, CNI ADD) and may run while the runtime creates the container.
   */
  private async planNetwork(rec: ContainerRecord): Promise<{ netns: { mode: 'private' | 'host' | 'path'; path?: string }; connect(): Promise<void> }> {
    const mode = rec.hostConfig.NetworkMode ?? 'bridge';
    const nothingToConnect = async (): Promise<void> => {};
    if (mode === 'host') {
      rec.networkSettings = emptyNetworkSettings();
      rec.networkSettings.Networks = { host: endpointStub() };
      return { netns: { mode: 'host' }, connect: nothingToConnect };
    }
    if (mode === 'none') {
      rec.networkSettings = emptyNetworkSettings();
      rec.networkSettings.Networks = { none: endpointStub() };
      return { netns: { mode: 'private' }, connect: nothingToConnect };
    }
    if (mode.startsWith('container:')) {
      const other = this.get(mode.slice(10));
      if (!other.state.Running) throw new ConflictError(`cannot join network of a non running container: ${other.id}`);
      rec.networkSettings = emptyNetworkSettings();
      const nsPath = other.networkSettings.SandboxKey || `/proc/${other.state.Pid}/ns/net`;
      return { netns: { mode: 'path', path: other.hostConfig.NetworkMode === 'host' ? undefined : nsPath }, connect: nothingToConnect };
    }
    const netnsPath = await this.o.networks.createNetns(rec.id);
    return { netns: { mode: 'path', path: netnsPath }, connect: () => this.connectNetworks(rec, mode, netnsPath) };
  }

  private async connectNetworks(rec: ContainerRecord, mode: string, netnsPath: string): Promise<void> {
    const endpoints: Record<string, any> = { ...(rec.networkingConfig.EndpointsConfig ?? {}) };
    if (!Object.keys(endpoints).some((k) => k === mode || this.o.networks.resolve(k).Id === this.o.networks.resolve(mode).Id)) endpoints[mode] = {};
    try {
      const settings = await this.o.networks.attachContainer({
        containerId: rec.id,
        name: rec.name,
        hostname: rec.config.Hostname,
        netnsPath,
        endpoints,
        portBindings: rec.hostConfig.PortBindings as any,
        publishAll: rec.hostConfig.PublishAllPorts,
        exposedPorts: rec.config.ExposedPorts,
        links: rec.hostConfig.Links ?? undefined,
        dns: { dns: rec.hostConfig.Dns ?? undefined, dnsSearch: rec.hostConfig.DnsSearch ?? undefined, dnsOptions: rec.hostConfig.DnsOptions ?? undefined },
      });
      rec.networkSettings = settings as any;
    } catch (e) {
      await this.o.networks.detachContainer(rec.id).catch(() => undefined);
      throw e;
    }
  }

  private async teardownNetwork(rec: ContainerRecord): Promise<void> {
    const mode = rec.hostConfig.NetworkMode ?? 'bridge';
    if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) return;
    await this.o.networks.detachContainer(rec.id);
  }

  /** The /etc files the spec bind-mounts must exist when the runtime creates the container; their content comes before start. */
  private async ensureEtcFiles(rec: ContainerRecord): Promise<void> {
    const dir = this.containerDir(rec.id);
    await Promise.all(['hostname', 'hosts', 'resolv.conf'].map((f) => fsp.writeFile(path.join(dir, f), '', { flag: 'a' })));
  }

  private async writeEtcFiles(rec: ContainerRecord): Promise<void> {
    const dir = this.containerDir(rec.id);
    const hc = rec.hostConfig;
    const mode = hc.NetworkMode ?? 'bridge';
    const hostname = rec.config.Hostname + (rec.config.Domainname ? `.${rec.config.Domainname}` : '');
    let hosts: string;
    let resolv: string;
    if (mode === 'host') {
      hosts = await fsp.readFile('/etc/hosts', 'utf8').catch(() => hostsFile({ hostname }));
      resolv = await resolvConfFromHost({ dns: hc.Dns, dnsSearch: hc.DnsSearch, dnsOptions: hc.DnsOptions, keepLoopback: true });
      for (const h of hc.ExtraHosts ?? []) hosts += hostsFile({ hostname, extraHosts: [h] }).slice(hostsFile({ hostname }).length);
    } else if (mode === 'none' || mode.startsWith('container:')) {
      hosts = hostsFile({ hostname, extraHosts: hc.ExtraHosts ?? [] });
      resolv = await resolvConfFromHost({ dns: hc.Dns, dnsSearch: hc.DnsSearch, dnsOptions: hc.DnsOptions });
    } else {
      hosts = this.o.networks.hostsFor(rec.id, { extraHosts: hc.ExtraHosts ?? [], hostname: rec.config.Hostname, domainname: rec.config.Domainname });
      resolv = await this.o.networks.resolvConfFor(rec.id, { dns: hc.Dns ?? undefined, dnsSearch: hc.DnsSearch ?? undefined, dnsOptions: hc.DnsOptions ?? undefined });
    }
    // Regenerated at every start: written in place (the container bind-mounts these inodes).
    await Promise.all([
      fsp.writeFile(path.join(dir, 'hostname'), rec.config.Hostname + '\n'),
      fsp.writeFile(path.join(dir, 'hosts'), hosts),
      fsp.writeFile(path.join(dir, 'resolv.conf'), resolv),
    ]);
  }

  // ───────────────────────────── exit ─────────────────────────────

  private async onExit(id: string, exitCode: number, o: { recovering?: boolean } = {}): Promise<void> {
    const rec = this.store.find(id);
    if (!rec) return;
    const t = tracer('exit', id);
    this.hooks.stopped?.(id);
    await this.locked(id, async () => {
      if (!rec.state.Running && !o.recovering && rec.state.Status !== 'restarting') return;
      const rt = this.runtimeFor(rec);
      // The cgroup goes with `runc delete`: its OOM kill count (State.OOMKilled) is read first.
      const oomRead = oomKills(path.join(this.cgroupParent, id));
      this.deleteRuntimeState(rt, id, oomRead);
      // Independent clean-ups, done side by side: network, rootfs mount.
      await Promise.all([
        oomRead,
        this.exits.removeExitFile(id),
        this.teardownNetwork(rec).catch((e) => log.warn(`network teardown ${id.slice(0, 12)}: ${e.message}`)),
        unmountRootfs(this.driver, this.rootfs(id)).catch((e) => log.warn(`unmount ${id.slice(0, 12)}: ${e.message}`)),
      ]);
      t('cleaned up');
      const oom = (await oomRead) > 0;
      const st = rec.state;
      st.Status = 'exited';
      st.Running = false;
      st.Paused = false;
      st.Restarting = false;
      st.Pid = 0;
      st.ExitCode = exitCode;
      st.OOMKilled = oom;
      st.FinishedAt = new Date().toISOString();
      // A container removed right after (--rm) is not worth an fsync'd write: should berthd die
      // first, the record still says running, and start-up recovery finishes exit and removal.
      if (!rec.hostConfig.AutoRemove) await this.store.save(rec);
      if (oom) this.emit(rec, 'oom');
      this.emit(rec, 'die', { exitCode: String(exitCode) });
    });
    const waiters = this.exitWaiters.get(id) ?? [];
    this.exitWaiters.delete(id);
    for (const w of waiters) w(exitCode);
    if (rec.hostConfig.AutoRemove) {
      await this.remove(id, { force: true, volumes: true }).catch(async (e) => {
        log.warn(`auto-remove ${id.slice(0, 12)}: ${e.message}`);
        if (this.store.find(id)) await this.store.save(rec).catch(() => undefined);
      });
      return;
    }
    this.maybeRestart(rec);
  }



  /** Starts `runc delete` of an exited container once `after` is done (see runtimeDeletes). */
  private deleteRuntimeState(rt: RuntimeInfo, id: string, after: Promise<unknown>): void {
    const deleting = after
      .then(() => runcDelete(rt, id, true))
      .catch((e: Error) => {
        this.runtimeLeftovers.add(id);
        log.warn(`runtime delete ${id.slice(0, 12)}: ${e.message}`);
      })
      .finally(() => {
        if (this.runtimeDeletes.get(id) === deleting) this.runtimeDeletes.delete(id);
      });
    this.runtimeDeletes.set(id, deleting);
  }

  private maybeRestart(rec: ContainerRecord): void {
    const p = rec.hostConfig.RestartPolicy ?? {};
    const name = p.Name || 'no';
    if (name === 'no' || rec.manuallyStopped) return;
    if (name === 'on-failure') {
      if (rec.state.ExitCode === 0) return;
      if (p.MaximumRetryCount && rec.restartCount >= p.MaximumRetryCount) return;
    }
    const delay = Math.min(100 * 2 ** Math.min(rec.restartCount, 10), 60_000);
    rec.state.Restarting = true;
    rec.state.Status = 'restarting';
    void this.store.save(rec);
    const t = setTimeout(() => {
      this.restartTimers.delete(rec.id);
      void this.locked(rec.id, async () => {
        if (!this.store.find(rec.id) || rec.manuallyStopped || rec.state.Running) return;
        rec.restartCount++;
        await this.startNow(rec);
        this.emit(rec, 'restart');
      }).catch((e) => log.warn(`restart ${rec.id.slice(0, 12)}: ${e.message}`));
    }, delay);
    t.unref();
    this.restartTimers.set(rec.id, t);
  }

  private clearRestartTimer(id: string): void {
    const t = this.restartTimers.get(id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(id);
  }

  // ───────────────────────────── stop / kill ─────────────────────────────

  async stop(ref: string, o: { timeout?: number; signal?: string } = {}): Promise<void> {
    const rec = this.get(ref);
    rec.manuallyStopped = true;
    this.clearRestartTimer(rec.id);
    if (rec.state.Restarting) {
      rec.state.Restarting = false;
      rec.state.Status = 'exited';
      await this.store.save(rec);
      return;
    }
    if (!rec.state.Running) throw new NotModifiedError();
    const timeout = o.timeout ?? rec.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT;
    const sig = parseSignal(o.signal || rec.config.StopSignal, 'SIGTERM');
    const exited = this.nextExit(rec.id);
    const rt = this.runtimeFor(rec);
    if (rec.state.Paused) await runcResume(rt, rec.id).catch(() => undefined);
    if (timeout !== 0) await runcKill(rt, rec.id, sig.name).catch(() => undefined);
    const gone = timeout < 0 ? await exited.then(() => true) : await Promise.race([exited.then(() => true), sleep(timeout * 1000).then(() => false)]);
    if (!gone) {
      await runcKill(rt, rec.id, 'SIGKILL', true).catch(() => undefined);
      await exited;
    }
    this.emit(rec, 'stop');
  }

  async kill(ref: string, signal?: string): Promise<void> {
    const rec = this.get(ref);
    if (!rec.state.Running) throw new ConflictError(`Cannot kill container: ${ref}: Container ${rec.id} is not running`);
    const sig = parseSignal(signal, 'SIGKILL');
    if (sig.num === 9 || sig.num === 15) rec.manuallyStopped = true;
    const rt = this.runtimeFor(rec);
    await runcKill(rt, rec.id, sig.name, sig.num === 9);
    this.emit(rec, 'kill', { signal: String(sig.num) });
    if (sig.num === 9) await this.nextExit(rec.id);
  }

  async restart(ref: string, timeout?: number, signal?: string): Promise<void> {
    const rec = this.get(ref);
    if (rec.state.Running) await this.stop(rec.id, { timeout, signal }).catch((e) => {
      if (!(e instanceof NotModifiedError)) throw e;
    });
    await this.locked(rec.id, async () => {
      rec.manuallyStopped = false;
      if (!rec.state.Running) await this.startNow(rec);
    });
    this.emit(rec, 'restart');
  }

  /** Resolves when the container next starts (attach before start wires stdin then); `signal` withdraws it. */
  nextStart(id: string, signal?: AbortSignal): Promise<void> {
    return addWaiter(this.startWaiters, id, signal);
  }

  /** Resolves with the exit code at the container's next exit (an abort of `signal` withdraws the waiter). */
  nextExit(id: string, signal?: AbortSignal): Promise<number> {
    return addWaiter(this.exitWaiters, id, signal);
  }

  async wait(ref: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    const rec = this.get(ref);
    const result = (code: number) => ({ StatusCode: code, Error: null });
    if (condition === 'removed') {
      const removed = new Promise<void>((resolve) => {
        const l = this.removeWaiters.get(rec.id) ?? [];
        l.push(resolve);
        this.removeWaiters.set(rec.id, l);
      });
      await abortable(removed, signal);
      return result(rec.state.ExitCode);
    }
    if (condition === 'not-running' && !rec.state.Running && !rec.state.Restarting) return result(rec.state.ExitCode);
    return result(await abortable(this.nextExit(rec.id), signal));
  }

  async pause(ref: string): Promise<void> {
    const rec = this.get(ref);
    if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`);
    if (rec.state.Paused) throw new ConflictError(`Container ${rec.id} is already paused`);
    await runcPause(this.runtimeFor(rec), rec.id);
    rec.state.Paused = true;
    rec.state.Status = 'paused';
    await this.store.save(rec);
    this.emit(rec, 'pause');
  }

  async unpause(ref: string): Promise<void> {
    const rec = this.get(ref);
    if (!rec.state.Paused) throw new ConflictError(`Container ${rec.id} is not paused`);
    await runcResume(this.runtimeFor(rec), rec.id);
    rec.state.Paused = false;
    rec.state.Status = 'running';
    await this.store.save(rec);
    this.emit(rec, 'unpause');
  }

  async rename(ref: string, newName: string): Promise<void> {
    const rec = this.get(ref);
    const n = newName.replace(/^\//, '');
    if (!n) throw new InvalidArgumentError('Neither old nor new names may be empty');
    if (n === rec.name) throw new InvalidArgumentError(`Renaming a container with the same name as its current name`);
    this.store.checkName(n, rec.id);
    const old = rec.name;
    await this.store.rename(rec, n);
    this.emit(rec, 'rename', { oldName: '/' + old });
  }

  async resize(ref: string, h: number, w: number): Promise<void> {
    const rec = this.get(ref);
    if (!rec.state.Running) throw new ConflictError(`Container ${rec.id} is not running`);
    if (!rec.config.Tty) return;
    await resizeViaConmon(this.ctlFifo(rec.id), h, w).catch(() => undefined);
  }

  // ───────────────────────────── remove ─────────────────────────────

  async remove(ref: string, o: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    const rec = this.get(ref);
    if (rec.state.Running && !o.force) {
      const what = rec.state.Paused ? 'paused' : 'running';
      throw new ConflictError(`cannot remove container "/${rec.name}": container is ${what}: stop the container before removing or force remove`);
    }
    if (rec.state.Status === 'removing') throw new ConflictError(`removal of container ${rec.id} is already in progress`);
    this.clearRestartTimer(rec.id);
    rec.manuallyStopped = true;
    if (rec.state.Running) {
      const exited = this.nextExit(rec.id);
      await runcKill(this.runtimeFor(rec), rec.id, 'SIGKILL', true).catch(() => undefined);
      await Promise.race([exited, sleep(10_000)]);
    }
    await this.locked(rec.id, () => this.removeNow(rec, { volumes: !!o.volumes }));
  }

  private async removeNow(rec: ContainerRecord, o: { volumes: boolean }): Promise<void> {
    const t = tracer('remove', rec.id);
    rec.state.Status = 'removing';
    // A crash mid-removal leaves a record that another rm finishes; no need to persist 'removing'.
    if (rec.state.Running || this.runtimeLeftovers.delete(rec.id)) await runcDelete(this.runtimeFor(rec), rec.id, true).catch(() => undefined);
    // Independent of each other; the rootfs must be gone before the record's directory (below).
    await Promise.all([
      this.teardownNetwork(rec).catch(() => undefined),
      removeRootfs(this.driver, this.rootfs(rec.id)),
      fsp.rm(this.bundleDir(rec.id), { recursive: true, force: true }),
      fsp.rm(path.join(this.socketDir, this.socketId(rec.id)), { recursive: true, force: true }),
      this.exits.removeExitFile(rec.id),
    ]);
    t('cleanup');
    await this.store.delete(rec);
    t('deleted');
    if (o.volumes) {
      for (const m of rec.mounts) {
        if (m.Type === 'volume' && m.anonymous && m.Name) await this.o.volumes.remove(m.Name, {}).catch(() => undefined);
      }
    }
    await this.o.images.releaseHolds().catch(() => undefined);
    this.emit(rec, 'destroy');
    const waiters = this.removeWaiters.get(rec.id) ?? [];
    this.removeWaiters.delete(rec.id);
    for (const w of waiters) w();
  }

  async prune(filter: (c: ContainerRecord) => boolean): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    const deleted: string[] = [];
    let space = 0;
    for (const c of this.store.all()) {
      if (c.state.Running || c.state.Restarting || !filter(c)) continue;
      space += await dirSize(this.rootfs(c.id).upper).catch(() => 0);
      await this.remove(c.id, {});
      deleted.push(c.id);
    }
    return { ContainersDeleted: deleted.length ? deleted : null, SpaceReclaimed: space };
  }

  private lastStats = new Map<string, { read: string; cpu: CpuSample }>();

  /** GET /containers/{id}/stats: one sample (the CLI computes CPU% from consecutive ones). */
  async stats(ref: string): Promise<Record<string, unknown>> {
    const rec = this.get(ref);
    const base = { name: '/' + rec.name, id: rec.id };
    if (!rec.state.Running) {
      return { ...base, read: '0001-01-01T00:00:00Z', preread: '0001-01-01T00:00:00Z', pids_stats: {}, blkio_stats: {}, num_procs: 0, storage_stats: {}, cpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, precpu_stats: { cpu_usage: { total_usage: 0 }, throttling_data: {} }, memory_stats: {} };
    }
    const r = await readStats(path.join(this.cgroupParent, rec.id), rec.state.Pid, this.lastStats.get(rec.id));
    this.lastStats.set(rec.id, { read: r.read, cpu: r.cpu });
    const networks: Record<string, unknown> = {};
    return { ...r.stats, ...base, networks };
  }

  /** POST /containers/{id}/update: resources (applied live through runc) and the restart policy. */
  async update(ref: string, body: HostConfig): Promise<string[]> {
    const rec = this.get(ref);
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
    if (rec.state.Running && Object.keys(changed).length) {
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
      await runcUpdate(this.runtimeFor(rec), rec.id, JSON.stringify(res));
    }
    await this.store.save(rec);
    this.emit(rec, 'update');
    return [];
  }

  /** SizeRw (the writable layer) and SizeRootFs (it plus the image), as inspect/ps -s/system df show them. */
  async sizes(id: string): Promise<{ rw: number; rootfs: number }> {
    const rec = this.get(id);
    const rw = await dirSize(this.rootfs(rec.id).upper).catch(() => 0);
    return { rw, rootfs: rw + (this.o.images.find(rec.image)?.size ?? 0) };
  }

  /** Which containers use an image (for rmi's conflict rules). */
  usersOfImage(imageId: string): Array<{ id: string; running: boolean }> {
    return this.store
      .all()
      .filter((c) => c.image === imageId)
      .map((c) => ({ id: c.id, running: c.state.Running }));
  }

  /** Which containers mount a volume. */
  usersOfVolume(name: string): string[] {
    return this.store
      .all()
      .filter((c) => c.mounts.some((m) => m.Type === 'volume' && m.Name === name))
      .map((c) => c.id);
  }

  /** connect/disconnect on a stopped container: remembered for its next start. */
  endpointsChanged(id: string, network: string, settings: Record<string, any> | null): void {
    const rec = this.store.find(id);
    if (!rec) return;
    const eps = { ...(rec.networkingConfig.EndpointsConfig ?? {}) };
    if (settings) eps[network] = settings;
    else delete eps[network];
    rec.networkingConfig.EndpointsConfig = eps;
    if (settings === null && rec.hostConfig.NetworkMode === network) {
      // Disconnected from its primary network: Docker leaves the mode; the next start joins none.
    }
    // inspect reads rec.networkSettings: a running container shows its live endpoints, a stopped
    // one the networks it will join (without addresses), as Docker does.
    const live = rec.state.Running ? this.o.networks.networkSettings(id) : undefined;
    if (live) rec.networkSettings = live as any;
    else if (!rec.state.Running) {
      const nets = { ...(rec.networkSettings.Networks ?? {}) };
      // Never started: the view showed only the NetworkMode's network, keep showing it.
      const mode = rec.hostConfig.NetworkMode ?? 'bridge';
      if (!Object.keys(nets).length && !mode.startsWith('container:')) nets[mode] = endpointStub();
      if (settings) nets[network] = { ...endpointStub(), IPAMConfig: settings.IPAMConfig ?? null, Aliases: settings.Aliases ?? null, NetworkID: this.o.networks.resolve(network).Id };
      else delete nets[network];
      rec.networkSettings = { ...emptyNetworkSettings(), ...rec.networkSettings, Networks: nets };
    }
    void this.store.save(rec);
  }

  emit(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.o.events.publish('container', action, rec.id, { ...rec.config.Labels, image: rec.config.Image, name: rec.name, ...extra });
  }

  async close(): Promise<void> {
    this.exits.stop();
    for (const t of this.restartTimers.values()) clearTimeout(t);
    await Promise.all(this.runtimeDeletes.values());
  }
}

// ───────────────────────────── helpers ─────────────────────────────

/** The CLI names the NetworkMode's endpoint "default"; the engine keys endpoints by network. */
function normaliseEndpoints(eps: Record<string, any> | undefined, networkMode: string): Record<string, any> {
  const out: Record<string, any> = {};
  for (const [k, v] of Object.entries(eps ?? {})) out[k === 'default' ? networkMode : k] = v ?? {};
  if (networkMode === 'host' || networkMode === 'none' || networkMode.startsWith('container:')) delete out[networkMode];
  return out;
}

export function freshState(): ContainerState {
  return { Status: 'created', Running: false, Paused: false, Restarting: false, OOMKilled: false, Dead: false, Pid: 0, ExitCode: 0, Error: '', StartedAt: ZERO_TIME, FinishedAt: ZERO_TIME };
}

function validateHostConfig(hc: HostConfig): void {
  const rp = hc.RestartPolicy?.Name;
  if (rp && !['no', 'always', 'unless-stopped', 'on-failure', ''].includes(rp)) throw new InvalidArgumentError(`invalid restart policy '${rp}'`);
  if (hc.AutoRemove && rp && rp !== 'no') throw new InvalidArgumentError("can't create 'AutoRemove' container with restart policy");
  if (hc.RestartPolicy?.MaximumRetryCount && rp !== 'on-failure') throw new InvalidArgumentError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  if ((hc.Memory ?? 0) !== 0 && (hc.Memory ?? 0) < 6 * 1024 * 1024) throw new InvalidArgumentError('Minimum memory limit allowed is 6MB');
  if (hc.NanoCpus && (hc.CpuQuota || hc.CpuPeriod)) throw new InvalidArgumentError('Conflicting options: Nano CPUs and CPU Period cannot both be set');
  for (const mode of [hc.PidMode, hc.IpcMode, hc.UTSMode]) {
    if (mode && !['host', 'private', 'shareable', ''].includes(mode) && !mode.startsWith('container:')) throw new InvalidArgumentError(`invalid mode: ${mode}`);
  }
  for (const o of hc.SecurityOpt ?? []) {
    if (!/^(no-new-privileges(:(true|false))?|no-new-privileges=(true|false)|seccomp[=:].+|apparmor[=:].+|label[=:].+|systempaths=unconfined)$/.test(o)) {
      throw new InvalidArgumentError(`Invalid --security-opt: "${o}"`);
    }
  }
}

function normaliseHostConfig(hc: HostConfig, networkMode: string, runtime: string): HostConfig {
  return {
    ...hc,
    NetworkMode: networkMode,
    Runtime: runtime,
    LogConfig: { Type: hc.LogConfig?.Type || 'json-file', Config: hc.LogConfig?.Config ?? {} },
    RestartPolicy: { Name: hc.RestartPolicy?.Name || 'no', MaximumRetryCount: hc.RestartPolicy?.MaximumRetryCount ?? 0 },
    ShmSize: hc.ShmSize || 64 * 1024 * 1024,
    IpcMode: hc.IpcMode || 'private',
    CgroupnsMode: hc.CgroupnsMode || 'host',
    PortBindings: hc.PortBindings ?? {},
  };
}

export function emptyNetworkSettings(): Record<string, any> {
  return {
    Bridge: '', SandboxID: '', SandboxKey: '', Ports: {}, HairpinMode: false, LinkLocalIPv6Address: '', LinkLocalIPv6PrefixLen: 0,
    SecondaryIPAddresses: null, SecondaryIPv6Addresses: null, EndpointID: '', Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0,
    IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', MacAddress: '', Networks: {},
  };
}

export function endpointStub(): Record<string, any> {
  return {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '',
    IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  };
}

/** Containers' cgroups go under berthd's own (v1: the memory controller's path; v2: the unified one). */
function ownCgroupParent(): string {
  try {
    const lines = readFileSync('/proc/self/cgroup', 'utf8').split('\n');
    const line = lines.find((l) => /^\d+:([^:]*\bmemory\b[^:]*):/.test(l)) ?? lines.find((l) => l.startsWith('0::'));
    const p = line ? line.split(':').slice(2).join(':') : '/';
    // On v2 a cgroup with processes cannot have children with controllers: use the parent's.
    const base = line?.startsWith('0::') ? path.dirname(p) : p;
    return path.join(base === '.' ? '/' : base, 'berth');
  } catch {
    return '/berth';
  }
}

const ADJECTIVES = ['admiring', 'brave', 'calm', 'eager', 'focused', 'gallant', 'happy', 'jolly', 'keen', 'lucid', 'modest', 'nifty', 'quirky', 'serene', 'tender', 'vibrant', 'wizardly', 'zealous', 'bold', 'clever'];
const NAMES = ['albattani', 'babbage', 'curie', 'darwin', 'euclid', 'fermi', 'galileo', 'hopper', 'kepler', 'lovelace', 'meitner', 'newton', 'pasteur', 'ritchie', 'shannon', 'turing', 'wozniak', 'yalow', 'noether', 'hypatia'];
function randomName(): string {
  const a = ADJECTIVES[Math.floor(Math.random() * ADJECTIVES.length)];
  const n = NAMES[Math.floor(Math.random() * NAMES.length)];
  return `${a}_${n}${Math.random() < 0.5 ? '' : Math.floor(Math.random() * 10)}`;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref());

function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new SystemError('context canceled'));
    signal.addEventListener('abort', () => reject(new SystemError('context canceled')), { once: true });
    p.then(resolve, reject);
  });
}

export async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries;
    try {
      entries = await fsp.readdir(d, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) total += (await fsp.lstat(p).catch(() => ({ size: 0 }))).size;
    }
  }
  return total;
}

export type { MountPoint };
export { NotFoundError };
