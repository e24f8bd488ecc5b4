// The container service: the engine's one entry to container lifecycle verbs. It holds the
// shared state (record store, exit watcher, per-container locks, waiters, restart timers) and
// wires the verbs, each in its own file: create.ts, start.ts, stop.ts, kill.ts, restart.ts,
// pause.ts, rename.ts, resize.ts, remove.ts, wait.ts, stats.ts, top.ts, update.ts; exits are
// handled in monitor.ts (and restart-policy.ts), start-up recovery in restore.ts.
import path from 'node:path';
import { NotFoundError } from '../errors.js';
import type { EventBus } from '../events.js';
import type { ImageStore } from '../images/store.js';
import type { NetworkManager } from '../network/manager.js';
import type { VolumeStore } from '../volumes/store.js';
import { ContainerStore } from './store.js';
import type { ContainerRecord, HostConfig } from './types.js';
import type { LogConfig } from './log-config.js';
import { ExitWatcher } from '../runtime/exit-watcher.js';
import type { RuntimeInfo } from '../runtime/runc.js';
import { pickDriver, rootfsPaths, type StorageDriverName } from '../storage/rootfs.js';
import { which } from '../../util/which.js';
import { ownCgroupParent } from './cgroups.js';
import { ContainerLocks } from './locks.js';
import { LifecycleWaiters } from './waiters.js';
import { RuntimeStateCleanup } from './runtime-state.js';
import { restoreContainers, startContainersAtBoot } from './restore.js';
import type { RestartManager } from './restart-policy.js';
import { createContainer, type CreateRequest } from './create.js';
import { startContainer } from './start.js';
import { stopContainer } from './stop.js';
import { killContainer } from './kill.js';
import { restartContainer } from './restart.js';
import { waitContainer, type WaitCondition } from './wait.js';
import { pauseContainer, unpauseContainer } from './pause.js';
import { renameContainer } from './rename.js';
import { resizeContainer } from './resize.js';
import { pruneContainers, removeContainer } from './remove.js';
import { sampleContainer, STATS_INTERVAL_MS } from './stats.js';
import { StatsCollector } from './stats-collector.js';
import { topContainer, type TopResult } from './top.js';
import { updateContainer } from './update.js';
import { containerSizes, containerSizesOf, RwSizeCache, usersOfImage, usersOfVolume } from './usage.js';
import { endpointsChanged } from './network-plan.js';
import { removeLink } from './links.js';
import type { RemappedRoot } from '../userns/remap.js';

export interface ContainerServiceOptions {
  dataRoot: string;
  execRoot: string;
  conmonPath: string;
  runtimes: Record<string, string>;
  defaultRuntime: string;
  storageDriver: string;
  /** The daemon's default logging driver and options (daemon config `log-driver`, `log-opts`). */
  logConfig: LogConfig;
  /** berth-logger, the program that writes json-file and local logs (native/berth-logger.c). */
  loggerPath: string;
  events: EventBus;
  images: ImageStore;
  networks: NetworkManager;
  volumes: VolumeStore;
  /** --userns-remap: the remapped root (undefined when containers run in the host's user namespace). */
  remap?: RemappedRoot;
}

export class ContainerService {
  readonly store: ContainerStore;
  readonly exits: ExitWatcher;
  readonly driver: StorageDriverName;
  readonly socketDir: string;
  readonly cgroupParent: string;
  readonly conmonPath: string;
  /** Serialises lifecycle operations per container (start/stop/rm never interleave). */
  readonly locks = new ContainerLocks();
  readonly waiters = new LifecycleWaiters();
  readonly runtimeState = new RuntimeStateCleanup();
  /** Settled once start-up is done (restore, network sweep, starts at boot): restarts wait for it, as dockerd's waitForStartupDone. */
  readonly startupDone: Promise<void>;
  private markStartupDone!: () => void;
  /** Each container's restart manager: back-off, cancellation, pending restart (restart-policy.ts). */
  readonly restartManagers = new Map<string, RestartManager>();
  /** Samples watched containers once a tick for every stats reader (stats.ts). */
  readonly statsCollector = new StatsCollector((id, system, files) => sampleContainer(this, id, system, files), STATS_INTERVAL_MS);
  /** SizeRw of stopped containers, so ps -s and system df do not walk every writable layer (usage.ts). */
  readonly rwSizes = new RwSizeCache();
  /** Told when a container starts running and when it stops (health checks hang off these). */
  hooks: { started?: (rec: ContainerRecord) => void; stopped?: (id: string) => void } = {};

  constructor(readonly o: ContainerServiceOptions) {
    this.store = new ContainerStore(path.join(o.dataRoot, 'containers'), o.remap?.root.gid);
    this.exits = new ExitWatcher(path.join(o.execRoot, 'exits'));
    this.driver = pickDriver(o.storageDriver);
    this.socketDir = path.join(o.execRoot, 's');
    this.cgroupParent = ownCgroupParent();
    this.conmonPath = which(o.conmonPath) ?? o.conmonPath;
    this.startupDone = new Promise((resolve) => (this.markStartupDone = resolve));
  }

  // ───────────────────────── where things are ─────────────────────────

  runtimeFor(rec: ContainerRecord): RuntimeInfo {
    return this.runtimeNamed(rec.runtime || this.o.defaultRuntime);
  }
  runtimeNamed(name: string): RuntimeInfo {
    const bin = which(this.o.runtimes[name] ?? name) ?? this.o.runtimes[name] ?? name;
    return { path: bin, root: path.join(this.o.execRoot, 'runtime', name) };
  }
  bundleDir(id: string): string {
    return path.join(this.o.execRoot, 'containers', id);
  }
  containerDir(id: string): string {
    return this.store.dir(id);
  }
  /** The json-file log (inspect's LogPath); logging.ts knows every driver's files. */
  logPath(id: string): string {
    return path.join(this.store.dir(id), `${id}-json.log`);
  }
  /** The remapped root when this container runs remapped (--userns-remap without --userns=host). */
  remapFor(rec: ContainerRecord): RemappedRoot | undefined {
    return this.o.remap?.applies(rec) ? this.o.remap : undefined;
  }
  /** The image's layer directories for the container's overlay, idmapped for a remapped container. */
  async lowerDirs(rec: ContainerRecord): Promise<string[]> {
    const dirs = this.o.images.find(rec.image) ? await this.o.images.layerDirs(rec.image) : [];
    const remap = this.remapFor(rec);
    return remap ? remap.layerView(dirs) : dirs;
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

  // ───────────────────────────── records ─────────────────────────────

  get(ref: string): ContainerRecord {
    return this.store.get(ref);
  }
  list(): ContainerRecord[] {
    return this.store.all();
  }
  /**
   * Runs fn with the container's lock held (see locks.ts). The record is checked again under the
   * lock: a container removed while the caller waited for it is a 404, not a verb on a ghost.
   */
  locked<T>(rec: ContainerRecord, fn: () => Promise<T>): Promise<T> {
    return this.locks.run(rec.id, async () => {
      if (this.store.find(rec.id) !== rec) throw new NotFoundError(`No such container: ${rec.id}`);
      return fn();
    });
  }
  emit(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.o.events.publish('container', action, rec.id, { ...rec.config.Labels, image: rec.config.Image, name: rec.name, ...extra });
  }

  // ───────────────────────────── verbs ─────────────────────────────

  init(): Promise<void> {
    return restoreContainers(this);
  }
  /** After init and the network sweep: starts the stopped containers whose restart policy says so. */
  async startAtBoot(): Promise<void> {
    try {
      await startContainersAtBoot(this);
    } finally {
      this.markStartupDone();
    }
  }
  create(name: string | undefined, req: CreateRequest): Promise<{ Id: string; Warnings: string[] }> {
    return createContainer(this, name, req);
  }
  start(ref: string): Promise<void> {
    return startContainer(this, ref);
  }
  stop(ref: string, o: { timeout?: number; signal?: string } = {}): Promise<void> {
    return stopContainer(this, ref, o);
  }
  kill(ref: string, signal?: string): Promise<void> {
    return killContainer(this, ref, signal);
  }
  restart(ref: string, timeout?: number, signal?: string): Promise<void> {
    return restartContainer(this, ref, timeout, signal);
  }
  wait(ref: string, condition: WaitCondition = 'not-running', signal?: AbortSignal): Promise<{ StatusCode: number; Error: { Message: string } | null }> {
    return waitContainer(this, ref, condition, signal);
  }
  /** Resolves when the container next starts (attach before start wires stdin then); `signal` withdraws it. */
  nextStart(id: string, signal?: AbortSignal): Promise<void> {
    return this.waiters.nextStart(id, signal);
  }
  /** Resolves with the exit code at the container's next exit; `signal` withdraws it. */
  nextExit(id: string, signal?: AbortSignal): Promise<number> {
    return this.waiters.nextExit(id, signal);
  }
  pause(ref: string): Promise<void> {
    return pauseContainer(this, ref);
  }
  unpause(ref: string): Promise<void> {
    return unpauseContainer(this, ref);
  }
  rename(ref: string, newName: string): Promise<void> {
    return renameContainer(this, ref, newName);
  }
  resize(ref: string, h: number, w: number): Promise<void> {
    return resizeContainer(this, ref, h, w);
  }
  remove(ref: string, o: { force?: boolean; volumes?: boolean } = {}): Promise<void> {
    return removeContainer(this, ref, o);
  }
  /** `rm --link parent/alias`: the parent loses the link (links.ts). */
  async removeLink(name: string): Promise<void> {
    await this.store.save(removeLink(this, name));
  }
  prune(filter: (c: ContainerRecord) => boolean): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    return pruneContainers(this, filter);
  }
  top(ref: string, psArgs?: string): Promise<TopResult> {
    return topContainer(this, ref, psArgs);
  }
  update(ref: string, body: HostConfig): Promise<string[]> {
    return updateContainer(this, ref, body);
  }
  sizes(id: string): Promise<{ rw: number; rootfs: number }> {
    return containerSizes(this, id);
  }
  /** The sizes of many containers at once, by ID (ps -s, system df). */
  sizesOf(recs: ContainerRecord[]): Promise<Map<string, { rw: number; rootfs: number }>> {
    return containerSizesOf(this, recs);
  }
  usersOfImage(imageId: string): Array<{ id: string; running: boolean }> {
    return usersOfImage(this, imageId);
  }
  usersOfVolume(name: string): string[] {
    return usersOfVolume(this, name);
  }
  endpointsChanged(id: string, network: string, settings: Record<string, any> | null): Promise<void> {
    return endpointsChanged(this, id, network, settings);
  }

  async close(): Promise<void> {
    this.exits.stop();
    this.statsCollector.close();
    for (const m of this.restartManagers.values()) clearTimeout(m.timer);
    await this.runtimeState.close();
  }
}
