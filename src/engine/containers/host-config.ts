// HostConfig rules shared by create and update: what is valid, and the defaults a record keeps.
import { InvalidArgumentError } from '../errors.js';
import type { HostConfig } from './types.js';
import { pluginNotFound } from '../plugins.js';

/** dockerd 28's built-in logging drivers on Linux (daemon/logdrivers_linux.go) and "none". */
const DOCKERD_LOG_DRIVERS = new Set(['none', 'awslogs', 'fluentd', 'gcplogs', 'gelf', 'journald', 'json-file', 'local', 'splunk', 'syslog']);

export function validateHostConfig(hc: HostConfig): void {
  // Any other name is looked up as a logging plugin, and berth has none (daemon/logger/plugin.go).
  const logDriver = hc.LogConfig?.Type;
  if (logDriver && !DOCKERD_LOG_DRIVERS.has(logDriver)) throw new InvalidArgumentError(`error looking up logging plugin ${logDriver}: ${pluginNotFound(logDriver).message}`);
  const rp = hc.RestartPolicy?.Name;
  if (rp && !['no', 'always', 'unless-stopped', 'on-failure', ''].includes(rp)) throw new InvalidArgumentError(`invalid restart policy '${rp}'`);
  if (hc.AutoRemove && rp && rp !== 'no') throw new InvalidArgumentError("can't create 'AutoRemove' container with restart policy");
  if (hc.RestartPolicy?.MaximumRetryCount && rp !== 'on-failure') throw new InvalidArgumentError(`invalid restart policy: maximum retry count can only be used with 'on-failure'`);
  for (const mode of [hc.PidMode, hc.IpcMode, hc.UTSMode]) {
    if (mode && !['host', 'private', 'shareable', ''].includes(mode) && !mode.startsWith('container:')) throw new InvalidArgumentError(`invalid mode: ${mode}`);
  }
  for (const o of hc.SecurityOpt ?? []) {
    if (!/^(no-new-privileges(:(true|false))?|no-new-privileges=(true|false)|seccomp[=:].+|apparmor[=:].+|label[=:].+|systempaths=unconfined)$/.test(o)) {
      throw new InvalidArgumentError(`Invalid --security-opt: "${o}"`);
    }
  }
}

export function normaliseHostConfig(hc: HostConfig, networkMode: string, runtime: string): HostConfig {
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
