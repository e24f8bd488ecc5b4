// The volume store: Docker's `local` volume driver and the volume service in front of it.
//
// On disk, as Docker lays it out: <dataRoot>/volumes/<name>/_data holds the data (the Mountpoint
// shown to users and bind-mounted into containers) and <name>/volume.json the metadata. A volume
// is created in a staging directory and renamed into place, and removed by renaming it away
// before deleting, so a crash at any point leaves either a whole volume or none; init() sweeps
// the leftovers. Staging and trash names start with `_`, which no volume name can.
import { promises as fsp } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { EventBus } from '../events.js';
import { ConflictError, InvalidArgumentError, NotFoundError, SystemError } from '../errors.js';
import { pluginNotFound } from '../plugins.js';
import { atomicWriteJson, readJsonIfExists, statIfExists, TEMP_MARK } from '../../util/fs.js';
import { KeyedLock } from '../../util/keyed-lock.js';
import { log } from '../../util/log.js';
import { removeTree } from '../../util/remove-tree.js';
import { copyDirectoryContent, isEmptyDir } from './copy-up.js';
import { hasOptions, listPredicate, prunePredicate, type Filters } from './filters.js';
import { checkLocalOptions, isMountPoint, mountLocal, needsMount, unmountLocal } from './local-driver.js';
import { ANONYMOUS_LABEL, anonymousVolumeName, checkVolumeName, isValidVolumeName } from './names.js';
import { directorySize } from '../../util/dir-size.js';
import type { Volume, VolumeCreateOptions, VolumeListResult, VolumeMountInfo, VolumePruneResult, VolumeRecord } from './types.js';

export interface VolumeStoreOptions {
  dataRoot: string;
  events: EventBus;
  /** IDs of the containers that reference a volume (given by the container engine). */
  volumeUsers: (name: string) => string[];
  /** Owner of a new volume's _data: the remapped root under --userns-remap, as dockerd. */
  rootOwner?: { uid: number; gid: number };
}

const DATA_DIR = '_data';
const META_FILE = 'volume.json';
const STAGING_PREFIX = '_creating-';
const TRASH_PREFIX = '_removing-';
/** The reference copy-up holds while it mounts a device volume on its own. */
const COPY_UP_REF = '\0copy-up';

/** Mount state of a volume whose options mount a filesystem over _data. */
interface ActiveMount {
  refs: Set<string>;
  mounted: boolean;
}

export class VolumeStore {
  /** <dataRoot>/volumes */
  readonly root: string;
  private readonly events: EventBus;
  private readonly volumeUsers: (name: string) => string[];
  private readonly records = new Map<string, VolumeRecord>();
  private readonly active = new Map<string, ActiveMount>();
  /** Operations on one volume name run one after another. */
  private readonly locks = new KeyedLock();
  private pruneRunning = false;

  constructor(opts: VolumeStoreOptions) {
    this.root = path.join(opts.dataRoot, 'volumes');
    this.events = opts.events;
    this.volumeUsers = opts.volumeUsers;
    this.rootOwner = opts.rootOwner;
  }
  private readonly rootOwner?: { uid: number; gid: number };

  /** Loads every volume from disk and sweeps what interrupted creates and removes left. */
  async init(): Promise<void> {
    await fsp.mkdir(this.root, { recursive: true, mode: 0o701 });
    this.records.clear();
    for (const entry of await fsp.readdir(this.root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = path.join(this.root, entry.name);
      if (entry.name.startsWith(STAGING_PREFIX) || entry.name.startsWith(TRASH_PREFIX)) {
        await this.removeTree(dir).catch((e: Error) => log.warn(`volumes: could not remove ${dir}, left in place: ${e.message}`));
        continue;
      }
      if (!isValidVolumeName(entry.name)) continue;
      const record = await this.loadRecord(entry.name, dir);
      if (!record) continue;
      this.records.set(record.Name, record);
      // A device volume still mounted from before a restart stays mounted for the containers
      // that run on; they re-register with restoreMount().
      if (needsMount(record.Options) && (await isMountPoint(path.join(dir, DATA_DIR)))) {
        this.active.set(record.Name, { refs: new Set(), mounted: true });
      }
    }
  }

  private async loadRecord(name: string, dir: string): Promise<VolumeRecord | undefined> {
    for (const f of await fsp.readdir(dir)) {
      if (f.startsWith(META_FILE + TEMP_MARK)) await fsp.rm(path.join(dir, f), { force: true });
    }
    let record: VolumeRecord | undefined;
    try {
      record = await readJsonIfExists<VolumeRecord>(path.join(dir, META_FILE));
    } catch (e) {
      log.warn(`volume ${name}: unreadable metadata, taken as a plain local volume: ${(e as Error).message}`);
    }
    if (record && record.Name === name) return record;
    // A directory with data but no (valid) metadata: a volume put there by hand or by another
    // engine. Docker's local driver lists such directories; adopt it rather than hide its data.
    const st = await statIfExists(path.join(dir, DATA_DIR));
    if (!st?.isDirectory()) return undefined;
    record = { Name: name, Driver: 'local', CreatedAt: rfc3339(st.ctime), Labels: null, Options: null };
    await atomicWriteJson(path.join(dir, META_FILE), record);
    return record;
  }

  // ---- create / ensure -------------------------------------------------------------------

  /**
   * POST /volumes/create. No name gives an anonymous volume; an existing name returns that
   * volume unchanged, as Docker does.
   */
  async create(opts: VolumeCreateOptions = {}): Promise<Volume> {
    const { name, labels, options } = validateCreate(opts);
    return this.view(await this.createRecord(name, labels, options));
  }

  /** For containers: the named volume, created on first use (no name: a new anonymous one). */
  async ensure(name?: string, labels?: Record<string, string> | null): Promise<Volume> {
    return this.create({ Name: name, Labels: labels ?? null });
  }

  private async createRecord(
    name: string,
    labels: Record<string, string> | null,
    options: Record<string, string> | null,
  ): Promise<VolumeRecord> {
    return this.locks.run(name, async () => {
      const existing = this.records.get(name);
      if (existing) return existing;
      // Options are the driver's to check, and the driver is not asked when the name exists.
      if (options) checkLocalOptions(name, options);
      const record: VolumeRecord = { Name: name, Driver: 'local', CreatedAt: rfc3339(new Date()), Labels: labels, Options: options };
      const staging = path.join(this.root, `${STAGING_PREFIX}${randomBytes(8).toString('hex')}`);
      try {
        await fsp.mkdir(path.join(staging, DATA_DIR), { recursive: true, mode: 0o755 });
        if (this.rootOwner) await fsp.chown(path.join(staging, DATA_DIR), this.rootOwner.uid, this.rootOwner.gid);
        await fsp.chmod(staging, 0o755);
        await atomicWriteJson(path.join(staging, META_FILE), record);
        await fsp.rename(staging, this.dir(name));
      } catch (e) {
        await fsp.rm(staging, { recursive: true, force: true });
        if ((e as NodeJS.ErrnoException).code === 'ENOTEMPTY' || (e as NodeJS.ErrnoException).code === 'EEXIST') {
          throw new ConflictError(`create ${name}: volume already exists under ${this.dir(name)}`);
        }
        throw e;
      }
      this.records.set(name, record);
      this.events.publish('volume', 'create', name, { driver: 'local' });
      return record;
    });
  }

  // ---- lookups ----------------------------------------------------------------------------

  /** GET /volumes/{name}. */
  get(name: string): Volume {
    return this.view(this.mustGet(name));
  }

  /** Same as get: the inspect shape. */
  inspect(name: string): Volume {
    return this.get(name);
  }

  has(name: string): boolean {
    return this.records.has(name);
  }

  /** GET /volumes: Docker's filters dangling, driver, label, name. */
  list(filters: Filters = new Map()): VolumeListResult {
    const match = listPredicate(filters);
    const Volumes = [...this.records.values()]
      .filter((record) => match({ record, inUse: this.isInUse(record.Name) }))
      .sort((a, b) => a.Name.localeCompare(b.Name))
      .map((r) => this.view(r));
    return { Volumes, Warnings: null };
  }

  /** Where the volume's data is: <dataRoot>/volumes/<name>/_data. */
  mountpoint(name: string): string {
    return path.join(this.dir(name), DATA_DIR);
  }

  isAnonymous(name: string): boolean {
    const labels = this.records.get(name)?.Labels;
    return !!labels && Object.prototype.hasOwnProperty.call(labels, ANONYMOUS_LABEL);
  }

  /** Volumes with their disk use and reference count, for GET /system/df (local volumes without mount options, as Docker). */
  async usage(): Promise<Volume[]> {
    const out: Volume[] = [];
    for (const record of this.records.values()) {
      if (hasOptions(record)) continue;
      const size = await directorySize(this.mountpoint(record.Name)).catch(() => -1);
      out.push({ ...this.view(record), UsageData: { Size: size, RefCount: this.volumeUsers(record.Name).length } });
    }
    return out.sort((a, b) => a.Name.localeCompare(b.Name));
  }

  // ---- remove / prune ---------------------------------------------------------------------

  /** DELETE /volumes/{name}. force only makes a missing volume a success; in use is always refused. */
  async remove(name: string, opts: { force?: boolean } = {}): Promise<void> {
    if (!this.records.has(name)) {
      if (opts.force) return;
      this.mustGet(name);
    }
    await this.locks.run(name, async () => {
      if (!this.records.has(name)) {
        if (opts.force) return;
        this.mustGet(name);
      }
      const users = this.users(name);
      if (users.length > 0) throw new ConflictError(`remove ${name}: volume is in use - [${users.join(', ')}]`);
      await this.removeUnlocked(name);
    });
  }

  private async removeUnlocked(name: string): Promise<void> {
    const data = this.mountpoint(name);
    if (await isMountPoint(data)) {
      // Only a device volume's own mount is ours to undo; anything else mounted there would
      // have its content deleted with the volume.
      if (!needsMount(this.records.get(name)?.Options ?? null)) {
        throw new SystemError(`remove ${name}: volume data path ${data} is a mount point; unmount it first`);
      }
      await unmountLocal(data);
      this.active.delete(name);
    }
    const trash = path.join(this.root, `${TRASH_PREFIX}${name}-${randomBytes(4).toString('hex')}`);
    await fsp.rename(this.dir(name), trash);
    this.records.delete(name);
    this.active.delete(name);
    this.events.publish('volume', 'destroy', name, { driver: 'local' });
    await this.removeTree(trash);
  }

  /**
   * POST /volumes/prune: unused local volumes without mount options; only anonymous ones unless
   * `all` (option or filter), as Docker since API 1.42.
   */
  async prune(filters: Filters = new Map(), opts: { all?: boolean } = {}): Promise<VolumePruneResult> {
    const match = prunePredicate(filters, opts);
    if (this.pruneRunning) throw new ConflictError('a prune operation is already running');
    this.pruneRunning = true;
    try {
      const result: VolumePruneResult = { VolumesDeleted: [], SpaceReclaimed: 0 };
      const candidates = [...this.records.values()].filter((record) => match({ record, inUse: this.isInUse(record.Name) }));
      for (const { Name } of candidates) {
        try {
          await this.locks.run(Name, async () => {
            if (!this.records.has(Name) || this.isInUse(Name)) return;
            const size = await directorySize(this.mountpoint(Name));
            await this.removeUnlocked(Name);
            result.SpaceReclaimed += size;
            result.VolumesDeleted.push(Name);
          });
        } catch (e) {
          log.warn(`prune: could not remove volume ${Name}: ${(e as Error).message}`);
        }
      }
      this.events.publish('volume', 'prune', '', { reclaimed: String(result.SpaceReclaimed) });
      return result;
    } finally {
      this.pruneRunning = false;
    }
  }

  // ---- use by containers ------------------------------------------------------------------

  /**
   * A container starts using the volume: mounts its device on first use (volumes created with
   * type/device/o), publishes Docker's mount event, and returns the path to bind-mount.
   */
  async mount(name: string, info: VolumeMountInfo): Promise<string> {
    const data = await this.locks.run(name, async () => {
      this.mustGet(name);
      await this.acquire(name, info.containerId);
      return this.mountpoint(name);
    });
    this.events.publish('volume', 'mount', name, {
      driver: 'local',
      container: info.containerId,
      destination: info.destination ?? '',
      'read/write': String(info.readWrite ?? true),
      propagation: info.propagation ?? '',
    });
    return data;
  }

  /** The container stopped using the volume: the device is unmounted when no one else uses it. */
  async unmount(name: string, containerId: string): Promise<void> {
    await this.locks.run(name, async () => {
      if (!this.records.has(name)) return;
      await this.release(name, containerId);
    });
    this.events.publish('volume', 'unmount', name, { driver: 'local', container: containerId });
  }

  /** After a daemon restart: a container still running holds its mount again (no event, no mount if still mounted). */
  async restoreMount(name: string, containerId: string): Promise<void> {
    await this.locks.run(name, async () => {
      if (this.records.has(name)) await this.acquire(name, containerId);
    });
  }

  /**
   * Docker's copy on first mount: when the volume was never populated and is empty, the image's
   * content at the mount destination (srcDir, already resolved inside the container's rootfs) is
   * copied in, keeping owners, modes and symlinks. Happens once per volume: afterwards, or when the
   * volume already held data, it is marked populated and never copied into again.
   * Returns whether anything was copied.
   */
  async copyUpIfEmpty(name: string, srcDir: string): Promise<boolean> {
    return this.locks.run(name, async () => {
      const record = this.mustGet(name);
      if (record.Populated) return false;
      const data = this.mountpoint(name);
      await this.acquire(name, COPY_UP_REF);
      let copied = false;
      let populated: boolean;
      try {
        // A volume that already holds data counts as populated: it is never copied into.
        populated = !(await isEmptyDir(data));
        if (!populated) populated = copied = await copyDirectoryContent(srcDir, data);
      } finally {
        await this.release(name, COPY_UP_REF);
      }
      if (populated) {
        const next: VolumeRecord = { ...record, Populated: true };
        await atomicWriteJson(path.join(this.dir(name), META_FILE), next);
        this.records.set(name, next);
      }
      return copied;
    });
  }

  // ---- internals --------------------------------------------------------------------------

  private async acquire(name: string, ref: string): Promise<void> {
    const record = this.records.get(name);
    if (!record || !needsMount(record.Options)) return;
    let a = this.active.get(name);
    if (!a) this.active.set(name, (a = { refs: new Set(), mounted: false }));
    if (!a.mounted) {
      await mountLocal(record.Options!, this.mountpoint(name));
      a.mounted = true;
    }
    a.refs.add(ref);
  }

  private async release(name: string, ref: string): Promise<void> {
    const a = this.active.get(name);
    if (!a) return;
    a.refs.delete(ref);
    if (a.refs.size === 0 && a.mounted) {
      await unmountLocal(this.mountpoint(name));
      a.mounted = false;
    }
  }

  /** Containers referencing the volume, and holders of its device mount (in Docker's in-use message). */
  private users(name: string): string[] {
    const ids = new Set(this.volumeUsers(name));
    for (const r of this.active.get(name)?.refs ?? []) if (r !== COPY_UP_REF) ids.add(r);
    return [...ids];
  }

  private isInUse(name: string): boolean {
    return this.users(name).length > 0 || (this.active.get(name)?.refs.size ?? 0) > 0;
  }

  private mustGet(name: string): VolumeRecord {
    const r = this.records.get(name);
    if (!r) throw new NotFoundError(`get ${name}: no such volume`);
    return r;
  }

  private dir(name: string): string {
    return path.join(this.root, name);
  }

  private view(r: VolumeRecord): Volume {
    return {
      CreatedAt: r.CreatedAt,
      Driver: r.Driver,
      Labels: r.Labels,
      Mountpoint: this.mountpoint(r.Name),
      Name: r.Name,
      Options: r.Options,
      Scope: 'local',
    };
  }

  /** Deletes a staging or trash tree, but never through a mount point (its content is not ours). */
  private async removeTree(dir: string): Promise<void> {
    if (await isMountPoint(path.join(dir, DATA_DIR))) {
      log.warn(`volumes: ${dir}/${DATA_DIR} is still mounted; left in place`);
      return;
    }
    await removeTree(dir);
  }
}

/** Docker's volume timestamps: RFC 3339 to the second. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function stringMap(value: unknown, what: string): Record<string, string> | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidArgumentError(`invalid ${what}: expected an object of strings`);
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new InvalidArgumentError(`invalid ${what}: value of ${JSON.stringify(k)} is not a string`);
  }
  return { ...(value as Record<string, string>) };
}

/**
 * A volume driver other than `local`: dockerd looks it up as a plugin and finds none (404). Volume
 * create and container create (a mount's driver, HostConfig.VolumeDriver) both answer with it.
 */
export function unknownVolumeDriver(volumeName: string, driver: string): NotFoundError {
  return new NotFoundError(`create ${volumeName}: error looking up volume plugin ${driver}: ${pluginNotFound(driver).message}`);
}

/** Checks a create request as Docker does: name, driver (only `local` exists here), options. */
function validateCreate(opts: VolumeCreateOptions): {
  name: string;
  labels: Record<string, string> | null;
  options: Record<string, string> | null;
} {
  if (opts.Name !== undefined && opts.Name !== null && typeof opts.Name !== 'string') throw new InvalidArgumentError('invalid volume name: expected a string');
  if (opts.Driver !== undefined && opts.Driver !== null && typeof opts.Driver !== 'string') throw new InvalidArgumentError('invalid volume driver: expected a string');
  let labels = stringMap(opts.Labels, 'Labels');
  const options = stringMap(opts.DriverOpts, 'DriverOpts');
  let name = opts.Name ?? '';
  if (name === '') {
    name = anonymousVolumeName();
    labels = { ...(labels ?? {}), [ANONYMOUS_LABEL]: '' };
  }
  const driver = opts.Driver || 'local';
  if (driver !== 'local') throw unknownVolumeDriver(name, driver);
  checkVolumeName(name);
  return { name, labels, options };
}
