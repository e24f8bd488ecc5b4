// Calls CNI plugins the way a CNI runtime does: exec the plugin binary with CNI_COMMAND,
// CNI_CONTAINERID, CNI_NETNS, CNI_IFNAME and CNI_PATH in the environment and the network config
// on stdin; for a plugin list, ADD runs the plugins in order passing each one's result to the
// next as prevResult, DEL runs them in reverse.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { run } from './run.js';
import { bestEffort } from '../../util/best-effort.js';

export const CNI_VERSION = '1.0.0';

export interface CniPluginConf {
  type: string;
  [key: string]: unknown;
}

export interface CniConfList {
  name: string;
  plugins: CniPluginConf[];
}

export interface CniInterface {
  name: string;
  mac?: string;
  sandbox?: string;
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: { interface?: number; address: string; gateway?: string }[];
  routes?: { dst: string; gw?: string }[];
  dns?: unknown;
}

export interface CniRuntime {
  containerId: string;
  netns: string;
  ifname: string;
}

export class CniError extends Error {
  constructor(
    readonly plugin: string,
    message: string,
  ) {
    super(message);
  }
}

const DEFAULT_DIRS = ['/usr/lib/cni', '/opt/cni/bin', '/usr/libexec/cni'];

export function findCniPath(): string {
  const fromEnv = process.env.BERTH_CNI_PATH;
  if (fromEnv) return fromEnv;
  return DEFAULT_DIRS.find((d) => existsSync(path.join(d, 'bridge'))) ?? DEFAULT_DIRS[0];
}

async function invoke(
  cniPath: string,
  command: 'ADD' | 'DEL' | 'CHECK',
  name: string,
  plugin: CniPluginConf,
  rt: CniRuntime,
  prevResult?: CniResult,
): Promise<CniResult | undefined> {
  const conf: Record<string, unknown> = { cniVersion: CNI_VERSION, name, ...plugin };
  if (prevResult) conf.prevResult = prevResult;
  const binary = cniPath
    .split(':')
    .map((d) => path.join(d, plugin.type))
    .find((p) => existsSync(p));
  if (!binary) throw new CniError(plugin.type, `failed to find plugin "${plugin.type}" in path [${cniPath}]`);
  const r = await run(binary, [], {
    input: JSON.stringify(conf),
    timeoutMs: 30_000,
    env: {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: rt.containerId,
      CNI_NETNS: rt.netns,
      CNI_IFNAME: rt.ifname,
      CNI_PATH: cniPath,
    },
  });
  if (r.code !== 0) {
    let msg = r.stderr.trim() || `exit ${r.code}`;
    try {
      const e = JSON.parse(r.stdout) as { msg?: string; details?: string };
      if (e.msg) msg = e.details ? `${e.msg}: ${e.details}` : e.msg;
    } catch {
      /* not JSON: keep stderr */
    }
    throw new CniError(plugin.type, `plugin type="${plugin.type}" failed (${command.toLowerCase()}): ${msg}`);
  }
  if (command !== 'ADD') return undefined;
  return JSON.parse(r.stdout) as CniResult;
}

/** ADD through the whole list; on a failure the plugins already run are deleted again. */
export async function cniAdd(cniPath: string, list: CniConfList, rt: CniRuntime): Promise<CniResult> {
  let result: CniResult | undefined;
  for (let i = 0; i < list.plugins.length; i++) {
    try {
      result = await invoke(cniPath, 'ADD', list.name, list.plugins[i], rt, result);
    } catch (e) {
      await bestEffort(cniDel(cniPath, { name: list.name, plugins: list.plugins.slice(0, i + 1) }, rt), `undoing the failed CNI ADD of ${list.name}`);
      throw e;
    }
  }
  return result ?? { cniVersion: CNI_VERSION };
}

/** DEL in reverse order; every plugin is tried, and the first error is reported after all ran. */
export async function cniDel(cniPath: string, list: CniConfList, rt: CniRuntime): Promise<void> {
  let first: unknown;
  for (const plugin of [...list.plugins].reverse()) {
    try {
      await invoke(cniPath, 'DEL', list.name, plugin, rt);
    } catch (e) {
      first ??= e;
    }
  }
  if (first) throw first;
}
