// On-disk records of the network subsystem: <dataRoot>/network/networks/<id>.json and
// <dataRoot>/network/sandboxes/<containerId>.json, each written atomically.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { atomicWrite, atomicWriteJson, readJsonIfExists } from '../../util/fs.js';
import type { NetworkRecord, SandboxRecord } from './types.js';

export class NetworkStore {
  readonly networksDir: string;
  readonly sandboxesDir: string;

  constructor(dataRoot: string) {
    this.networksDir = path.join(dataRoot, 'network', 'networks');
    this.sandboxesDir = path.join(dataRoot, 'network', 'sandboxes');
  }

  async init(): Promise<void> {
    await fsp.mkdir(this.networksDir, { recursive: true, mode: 0o700 });
    await fsp.mkdir(this.sandboxesDir, { recursive: true, mode: 0o700 });
  }

  private async loadDir<T>(dir: string): Promise<T[]> {
    const out: T[] = [];
    for (const f of await fsp.readdir(dir)) {
      if (!f.endsWith('.json')) continue;
      try {
        const v = await readJsonIfExists<T>(path.join(dir, f));
        if (v) out.push(v);
      } catch {
        // A record that cannot be parsed cannot have been written by atomicWrite; skip it.
      }
    }
    return out;
  }

  /** A random ID for this data root, made on first use (dockerd derives its ULA pool from its host ID). */
  async hostId(): Promise<string> {
    const file = path.join(path.dirname(this.networksDir), 'host-id');
    const known = (await fsp.readFile(file, 'utf8').catch(() => '')).trim();
    if (known) return known;
    const id = randomUUID();
    await atomicWrite(file, id + '\n');
    return id;
  }

  loadNetworks(): Promise<NetworkRecord[]> {
    return this.loadDir<NetworkRecord>(this.networksDir);
  }
  loadSandboxes(): Promise<SandboxRecord[]> {
    return this.loadDir<SandboxRecord>(this.sandboxesDir);
  }
  saveNetwork(n: NetworkRecord): Promise<void> {
    return atomicWriteJson(path.join(this.networksDir, `${n.Id}.json`), n);
  }
  async deleteNetwork(id: string): Promise<void> {
    await fsp.rm(path.join(this.networksDir, `${id}.json`), { force: true });
  }
  saveSandbox(s: SandboxRecord): Promise<void> {
    return atomicWriteJson(path.join(this.sandboxesDir, `${s.containerId}.json`), s);
  }
  async deleteSandbox(containerId: string): Promise<void> {
    await fsp.rm(path.join(this.sandboxesDir, `${containerId}.json`), { force: true });
  }
}
