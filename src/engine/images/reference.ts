// Image references parsed and normalised exactly as Docker's distribution/reference does:
// `busybox` → `docker.io/library/busybox:latest`, familiar (short) forms for display, and the
// same error wording (`invalid reference format`, `… must be lowercase`).
import { InvalidArgumentError } from '../errors.js';

export const DEFAULT_DOMAIN = 'docker.io';
const LEGACY_DEFAULT_DOMAIN = 'index.docker.io';
const OFFICIAL_REPO_PREFIX = 'library/';
export const DEFAULT_TAG = 'latest';
const NAME_TOTAL_LENGTH_MAX = 255;

// The grammar of distribution/reference (regexp.go), spelled out piece by piece.
const alphanumeric = '[a-z0-9]+';
const separator = '(?:[._]|__|[-]+)';
const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
const domainNameComponent = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const ipv6address = '\\[(?:[a-fA-F0-9:]+)\\]';
const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
const host = `(?:${domainName}|${ipv6address})`;
const domainAndPort = `${host}(?::[0-9]+)?`;
const tagPattern = '[\\w][\\w.-]{0,127}';
const digestPattern = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';
const remoteName = `${pathComponent}(?:/${pathComponent})*`;
const namePattern = `(?:${domainAndPort}/)?${remoteName}`;

const referenceRegexp = new RegExp(`^(${namePattern})(?::(${tagPattern}))?(?:@(${digestPattern}))?$`);
const anchoredIdentifier = /^[a-f0-9]{64}$/;
const anchoredTag = new RegExp(`^${tagPattern}$`);
const anchoredDigest = new RegExp(`^${digestPattern}$`);
const anchoredDomain = new RegExp(`^${domainAndPort}$`);

/** A parsed, normalised named reference. `domain` + `path` make the full repository name. */
export interface NamedReference {
  /** Registry host (and port): `docker.io`, `localhost:5000`. */
  domain: string;
  /** Repository path below the domain: `library/busybox`, `x`. */
  path: string;
  tag?: string;
  digest?: string;
}

/** `docker.io/library/busybox` */
export function fullName(r: NamedReference): string {
  return `${r.domain}/${r.path}`;
}

/** `docker.io/library/busybox:latest`, `x@sha256:…`, `x:1@sha256:…`. */
export function referenceString(r: NamedReference): string {
  let s = fullName(r);
  if (r.tag !== undefined) s += `:${r.tag}`;
  if (r.digest !== undefined) s += `@${r.digest}`;
  return s;
}

/** The name as the docker CLI shows it: `busybox`, `user/app`, `localhost:5000/x`. */
export function familiarName(r: NamedReference): string {
  if (r.domain !== DEFAULT_DOMAIN) return fullName(r);
  if (r.path.startsWith(OFFICIAL_REPO_PREFIX) && !r.path.slice(OFFICIAL_REPO_PREFIX.length).includes('/')) {
    return r.path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return r.path;
}

/** `busybox:latest`, `localhost:5000/x:1`, `busybox@sha256:…`. */
export function familiarString(r: NamedReference): string {
  let s = familiarName(r);
  if (r.tag !== undefined) s += `:${r.tag}`;
  if (r.digest !== undefined) s += `@${r.digest}`;
  return s;
}

/** Adds the default tag when a reference has neither tag nor digest (reference.TagNameOnly). */
export function withDefaultTag(r: NamedReference): NamedReference {
  if (r.tag === undefined && r.digest === undefined) return { ...r, tag: DEFAULT_TAG };
  return r;
}

function invalid(msg = 'invalid reference format'): InvalidArgumentError {
  return new InvalidArgumentError(msg);
}

/** reference.Parse: the strict grammar on an already-qualified string. */
function parseStrict(s: string): { name: string; tag?: string; digest?: string } {
  if (s === '') throw invalid('repository name must have at least one component');
  const m = referenceRegexp.exec(s);
  if (!m) {
    if (referenceRegexp.test(s.toLowerCase())) throw invalid('repository name must be lowercase');
    throw invalid();
  }
  if (m[1].length > NAME_TOTAL_LENGTH_MAX) throw invalid(`repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`);
  return { name: m[1], tag: m[2], digest: m[3] };
}

/** splitDockerDomain: the first path part is a registry only if it looks like a host. */
function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf('/');
  let domain: string;
  let remainder: string;
  const first = i === -1 ? '' : name.slice(0, i);
  if (i === -1 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes('/')) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/**
 * reference.ParseNormalizedNamed: `busybox` → docker.io/library/busybox (no tag added; use
 * withDefaultTag). Throws InvalidArgumentError with Docker's wording.
 */
export function parseNormalizedNamed(s: string): NamedReference {
  if (anchoredIdentifier.test(s)) {
    throw invalid(`invalid repository name (${s}), cannot specify 64-byte hexadecimal strings`);
  }
  const { domain, remainder } = splitDockerDomain(s);
  const tagSep = remainder.indexOf(':');
  const remote = tagSep > -1 ? remainder.slice(0, tagSep) : remainder;
  if (remote.toLowerCase() !== remote) {
    throw invalid(`invalid reference format: repository name (${remote}) must be lowercase`);
  }
  const parsed = parseStrict(`${domain}/${remainder}`);
  const slash = parsed.name.indexOf('/');
  const ref: NamedReference = { domain: parsed.name.slice(0, slash), path: parsed.name.slice(slash + 1) };
  if (parsed.tag !== undefined) ref.tag = parsed.tag;
  if (parsed.digest !== undefined) ref.digest = parsed.digest;
  return ref;
}

/** Parses and adds `:latest` when neither tag nor digest is given. */
export function parseNormalizedTagged(s: string): NamedReference {
  return withDefaultTag(parseNormalizedNamed(s));
}

/** True for a 64-hex identifier or a `sha256:<64 hex>` digest (what ParseAnyReference treats as an ID). */
export function isFullImageId(s: string): boolean {
  return anchoredIdentifier.test(s) || /^sha256:[a-f0-9]{64}$/.test(s);
}

export function isValidTag(tag: string): boolean {
  return anchoredTag.test(tag);
}

export function isValidDigest(d: string): boolean {
  return anchoredDigest.test(d);
}

export function isValidDomain(d: string): boolean {
  return anchoredDomain.test(d);
}

/**
 * Joins `repo` and `tag` as POST /images/{name}/tag and import receive them. A tag that does not
 * match the grammar is refused with Docker's words.
 */
export function parseRepoAndTag(repo: string, tag: string | undefined | null): NamedReference {
  const named = parseNormalizedNamed(repo);
  if (tag) {
    if (named.digest !== undefined) throw invalid('refusing to create a tag with a digest reference');
    if (!isValidTag(tag)) throw invalid(`invalid tag format`);
    return { domain: named.domain, path: named.path, tag };
  }
  return withDefaultTag(named);
}
