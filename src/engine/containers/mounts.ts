// Parsing every way a client asks for mounts (HostConfig.Binds, HostConfig.Mounts, HostConfig.Tmpfs,
// the image's VOLUMEs) into one list of MountPoints, with Docker's validation messages.
import path from 'node:path';
import { InvalidArgumentError } from '../errors.js';
import type { HostConfig, MountPoint } from './types.js';

const PROPAGATIONS = ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'];

/** `src:dst[:opts]` (Binds): an absolute src is a bind, anything else a named volume. */
export function parseBind(spec: string): MountPoint {
  const parts = spec.split(':');
  if (parts.length < 2 || parts.length > 3 || parts.some((p, i) => p === '' && i < 2)) {
    throw new InvalidArgumentError(`invalid volume specification: '${spec}'`);
  }
  const [src, dst, opts = ''] = parts;
  if (!path.isAbsolute(dst)) throw new InvalidArgumentError(`invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${dst}' mount path must be absolute`);
  const flags = opts ? opts.split(',') : [];
  let rw = true;
  let propagation = '';
  let copyUp = true;
  for (const f of flags) {
    if (f === 'ro') rw = false;
    else if (f === 'rw') rw = true;
    else if (f === 'nocopy') copyUp = false;
    else if (PROPAGATIONS.includes(f)) propagation = f;
    else if (f === 'z' || f === 'Z' || f === 'consistent' || f === 'cached' || f === 'delegated') continue;
    else throw new InvalidArgumentError(`invalid mode: ${f}`);
  }
  const isBind = path.isAbsolute(src);
  if (!isBind && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(src)) {
    throw new InvalidArgumentError(`create ${src}: "${src}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`);
  }
  return isBind
    ? { Type: 'bind', Source: path.normalize(src), Destination: path.normalize(dst), Mode: opts, RW: rw, Propagation: propagation || 'rprivate' }
    : { Type: 'volume', Name: src, Source: '', Destination: path.normalize(dst), Driver: 'local', Mode: opts || 'z', RW: rw, Propagation: '', copyUp };
}

export function parseMounts(hc: HostConfig, imageVolumes: Record<string, object> | null | undefined): MountPoint[] {
  const out: MountPoint[] = [];
  const seen = new Set<string>();
  const add = (m: MountPoint) => {
    if (seen.has(m.Destination)) throw new InvalidArgumentError(`Duplicate mount point: ${m.Destination}`);
    seen.add(m.Destination);
    out.push(m);
  };
  for (const b of hc.Binds ?? []) add(parseBind(b));
  for (const m of hc.Mounts ?? []) {
    if (!m.Target || !path.isAbsolute(m.Target)) throw new InvalidArgumentError(`invalid mount config for type "${m.Type}": invalid mount path: '${m.Target ?? ''}' mount path must be absolute`);
    const dst = path.normalize(m.Target);
    if (m.Type === 'bind') {
      if (!m.Source) throw new InvalidArgumentError('invalid mount config for type "bind": field Source must not be empty');
      add({ Type: 'bind', Source: path.normalize(m.Source), Destination: dst, Mode: '', RW: !m.ReadOnly, Propagation: m.BindOptions?.Propagation || 'rprivate' });
    } else if (m.Type === 'volume') {
      const anonymous = !m.Source;
      add({ Type: 'volume', Name: m.Source || '', Source: '', Destination: dst, Driver: m.VolumeOptions?.DriverConfig?.Name || 'local', Mode: '', RW: !m.ReadOnly, Propagation: '', copyUp: !m.VolumeOptions?.NoCopy, anonymous });
    } else if (m.Type === 'tmpfs') {
      if (m.Source) throw new InvalidArgumentError('invalid mount config for type "tmpfs": field Source must not be specified');
      const opts: string[] = [];
      if (m.TmpfsOptions?.SizeBytes) opts.push(`size=${m.TmpfsOptions.SizeBytes}`);
      if (m.TmpfsOptions?.Mode) opts.push(`mode=${m.TmpfsOptions.Mode.toString(8)}`);
      add({ Type: 'tmpfs', Source: '', Destination: dst, Mode: '', RW: !m.ReadOnly, Propagation: '', tmpfsOptions: opts });
    } else {
      throw new InvalidArgumentError(`mount type unknown: "${m.Type}"`);
    }
  }
  for (const [dst, optStr] of Object.entries(hc.Tmpfs ?? {})) {
    if (!path.isAbsolute(dst)) throw new InvalidArgumentError(`invalid mount path: '${dst}' mount path must be absolute`);
    const opts = optStr ? optStr.split(',') : [];
    const ro = opts.includes('ro');
    add({ Type: 'tmpfs', Source: '', Destination: path.normalize(dst), Mode: '', RW: !ro, Propagation: '', tmpfsOptions: opts.filter((o) => o !== 'ro' && o !== 'rw') });
  }
  // The image's VOLUMEs not covered by a user mount become anonymous volumes.
  for (const dst of Object.keys(imageVolumes ?? {})) {
    const d = path.normalize(dst);
    if (seen.has(d)) continue;
    seen.add(d);
    out.push({ Type: 'volume', Name: '', Source: '', Destination: d, Driver: 'local', Mode: '', RW: true, Propagation: '', copyUp: true, anonymous: true });
  }
  return out;
}
