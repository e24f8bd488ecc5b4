// A service volume's short syntax, `[SOURCE:]TARGET[:MODE]` (compose-go's format.ParseVolume):
// a source starting with `.`, `/` or `~` is a bind mount (create_host_path: true), anything else a
// named volume; MODE is a comma list of ro/rw, nocopy, z/Z and propagation options. `${…}` inside
// a part may contain colons (the spec is parsed before interpolation by `config --no-interpolate`).
import { ComposeError } from './errors.js';

export interface ShortVolume {
  type: 'bind' | 'volume';
  source?: string;
  target: string;
  read_only?: boolean;
  bind?: { propagation?: string; selinux?: string; create_host_path?: boolean };
  volume?: { nocopy?: boolean };
}

const PROPAGATIONS = new Set(['rprivate', 'private', 'rshared', 'shared', 'rslave', 'slave']);
const SELINUX = new Set(['z', 'Z']);

export function parseVolumeSpec(spec: string): ShortVolume {
  const fields: { source?: string; target?: string; options?: string } = {};
  if (spec.length === 0) throw new ComposeError('invalid empty volume spec');
  if (spec.length <= 2) return withType({ target: spec });
  let buffer = '';
  let depth = 0;
  const put = (atEnd: boolean) => {
    if (buffer === '') throw new ComposeError(`invalid spec: ${spec}: empty section between colons`);
    if (fields.source === undefined && atEnd) fields.target = buffer;
    else if (fields.source === undefined) fields.source = buffer;
    else if (fields.target === undefined) fields.target = buffer;
    else if (!atEnd) throw new ComposeError(`invalid spec: ${spec}: too many colons`);
    else fields.options = buffer;
    buffer = '';
  };
  for (let i = 0; i <= spec.length; i++) {
    const c = i < spec.length ? spec[i] : undefined;
    if (c === '$' && spec[i + 1] === '{') {
      depth++;
      buffer += c;
      continue;
    }
    if (c === '}' && depth > 0) {
      depth--;
      buffer += c;
      continue;
    }
    if (c === ':' && buffer.length === 1 && /\p{L}/u.test(buffer)) buffer += c; // a Windows drive letter
    else if ((c === ':' || c === undefined) && depth === 0) put(c === undefined);
    else if (c !== undefined) buffer += c;
  }
  return withType(fields);
}

function withType(fields: { source?: string; target?: string; options?: string }): ShortVolume {
  const vol: ShortVolume = { type: 'volume', target: fields.target ?? '' };
  if (fields.source !== undefined) vol.source = fields.source;
  for (const option of fields.options?.split(',') ?? []) {
    if (option === 'ro') vol.read_only = true;
    else if (option === 'rw') vol.read_only = false;
    else if (option === 'nocopy') vol.volume = { nocopy: true };
    else if (PROPAGATIONS.has(option)) vol.bind = { ...vol.bind, propagation: option };
    else if (SELINUX.has(option)) vol.bind = { ...vol.bind, selinux: option };
  }
  if (isFilePath(vol.source)) {
    vol.type = 'bind';
    vol.bind = { ...vol.bind, create_host_path: true };
  } else {
    vol.type = 'volume';
    vol.volume ??= {};
  }
  if (vol.read_only === false) delete vol.read_only;
  return vol;
}

function isFilePath(source: string | undefined): boolean {
  if (!source) return false;
  if (source[0] === '.' || source[0] === '/' || source[0] === '~') return true;
  if (source.startsWith('\\\\')) return true;
  return source.length > 1 && /\p{L}/u.test(source[0]) && source[1] === ':';
}
