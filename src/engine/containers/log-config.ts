// Logging drivers: which are served, the daemon's default, how a container's LogConfig is merged
// with it and checked (dockerd's mergeAndVerifyLogConfig and each driver's ValidateLogOpt), and the
// rotation a started container's log writer gets (dockerd's jsonfilelog.New / local newConfig).
import { EngineError, InvalidArgumentError } from '../errors.js';

export interface LogConfig {
  Type: string;
  Config: Record<string, string>;
}

/** The drivers berth serves: json-file and local keep files `logs` reads; none keeps nothing. */
export const SERVED_LOG_DRIVERS = ['json-file', 'local', 'none'] as const;

/**
 * berth's default when the daemon config sets neither `log-driver` nor `log-opts`: json-file,
 * bounded (Docker's is unbounded, moby#27957). A daemon config with `log-opts` replaces these
 * options entirely (`"log-opts": {}` is Docker's unbounded json-file).
 */
export const BERTH_DEFAULT_LOG_OPTS: Readonly<Record<string, string>> = { 'max-size': '20m', 'max-file': '5' };

export function daemonLogConfig(driver: string | undefined, opts: Record<string, string> | undefined): LogConfig {
  const Type = driver || 'json-file';
  const Config = opts ?? (Type === 'json-file' ? { ...BERTH_DEFAULT_LOG_OPTS } : {});
  validateLogConfig({ Type, Config });
  return { Type, Config };
}

/**
 * dockerd's mergeAndVerifyLogConfig: no type → the daemon's; the daemon's options fill the gaps
 * when the types match. Throws dockerd's 400s for an unknown option.
 */
export function mergeLogConfig(given: { Type?: string; Config?: Record<string, string> | null } | undefined, daemon: LogConfig): LogConfig {
  const Type = given?.Type || daemon.Type;
  const Config: Record<string, string> = { ...(given?.Config ?? {}) };
  if (Type === daemon.Type) for (const [k, v] of Object.entries(daemon.Config)) if (!(k in Config)) Config[k] = v;
  validateLogConfig({ Type, Config });
  return { Type, Config };
}

const JSON_FILE_OPTS = new Set(['max-file', 'max-size', 'compress', 'labels', 'labels-regex', 'env', 'env-regex', 'tag']);
const LOCAL_OPTS = new Set(['max-file', 'max-size', 'compress']);

/** dockerd's logger.ValidateLogOpts for the served drivers (option names; values are checked at start). */
export function validateLogConfig(c: LogConfig): void {
  if (c.Type === 'none') return;
  const mode = c.Config.mode;
  if (mode !== undefined && mode !== '' && mode !== 'blocking' && mode !== 'non-blocking') throw new InvalidArgumentError(`logger: logging mode not supported: ${mode}`);
  if ('max-buffer-size' in c.Config && mode !== 'non-blocking') throw new InvalidArgumentError(`logger: max-buffer-size option is only supported with 'mode=non-blocking'`);
  if (!(SERVED_LOG_DRIVERS as readonly string[]).includes(c.Type)) {
    throw new InvalidArgumentError(`logging driver ${c.Type} is not supported by berth (served: ${SERVED_LOG_DRIVERS.join(', ')})`);
  }
  for (const key of Object.keys(c.Config)) {
    if (key === 'mode' || key === 'max-buffer-size') continue;
    if (c.Type === 'json-file' && !JSON_FILE_OPTS.has(key)) throw new InvalidArgumentError(`unknown log opt '${key}' for json-file log driver`);
    if (c.Type === 'local' && !LOCAL_OPTS.has(key)) throw new InvalidArgumentError(`unknown log opt '${key}' for log driver local`);
  }
}

export interface Rotation {
  /** Bytes per file before rotating; -1: never rotate. */
  maxSize: number;
  maxFile: number;
  compress: boolean;
}

/** A start with options dockerd cannot make a logger from fails with its message. */
function loggerError(message: string): EngineError {
  return new InvalidArgumentError(`failed to initialize logging driver: ${message}`);
}

/** The rotation of a json-file or local log, as dockerd computes it from the options. */
export function rotationOf(c: LogConfig): Rotation {
  const o = c.Config;
  if (c.Type === 'local') {
    // daemon/logger/local: 20 MB × 5, compressed, unless told otherwise.
    let maxSize = 20 * 1024 * 1024;
    let maxFile = 5;
    let compress = true;
    if (o['max-size'] !== undefined) maxSize = humanSize(o['max-size'], (m) => loggerError(`invalid value for max-size: ${o['max-size']}: ${m}`));
    if (o['max-file'] !== undefined) maxFile = atoi(o['max-file'], (m) => loggerError(`invalid value for max-file: ${o['max-file']}: ${m}`));
    if (o.compress !== undefined) compress = parseBool(o.compress, (m) => loggerError(`invalid boolean value for compress: ${m}`));
    if (maxSize < 0) throw loggerError('max-size must not be negative');
    if (maxFile < 0) throw loggerError('max-file must not be negative');
    if (compress && maxFile <= 1) throw loggerError('compression cannot be enabled when max file count is 1');
    return { maxSize: maxSize === 0 ? -1 : maxSize, maxFile: Math.max(maxFile, 1), compress };
  }
  let maxSize = -1;
  if (o['max-size'] !== undefined) {
    maxSize = humanSize(o['max-size'], (m) => loggerError(m));
    if (maxSize <= 0) throw loggerError('max-size must be a positive number');
  }
  let maxFile = 1;
  if (o['max-file'] !== undefined) {
    maxFile = atoi(o['max-file'], (m) => loggerError(m));
    if (maxFile < 1) throw loggerError('max-file cannot be less than 1');
  }
  let compress = false;
  if (o.compress !== undefined) {
    compress = parseBool(o.compress, (m) => loggerError(m));
    if (compress && (maxFile === 1 || maxSize === -1)) throw loggerError('compress cannot be true when max-file is less than 2 or max-size is not set');
  }
  return { maxSize, maxFile, compress };
}

/** go-units FromHumanSize: decimal multiples (`20m` = 20,000,000 bytes), an optional `i`/`b`. */
export function humanSize(v: string, err: (m: string) => Error): number {
  const m = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(v.trim());
  if (!m) throw err(`invalid size: '${v}'`);
  const mult = m[2] ? 1000 ** ('kmgtp'.indexOf(m[2].toLowerCase()) + 1) : 1;
  return Math.floor(Number(m[1]) * mult);
}

/** Go's strconv.Atoi, with its error text. */
function atoi(v: string, err: (m: string) => Error): number {
  if (!/^[+-]?\d+$/.test(v)) throw err(`strconv.Atoi: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** Go's strconv.ParseBool, with its error text. */
function parseBool(v: string, err: (m: string) => Error): boolean {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw err(`strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}
