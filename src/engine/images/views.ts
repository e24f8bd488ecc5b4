// Images as the Engine API shows them: inspect, list summaries, history. Older API versions get
// the fields they had (VirtualSize, Container, ContainerConfig, `<none>` placeholders).
import { getBoolOrDefault, matchLabelFilters, timestampMs, validateFilters, type Filters } from '../filters.js';
import { createdSeconds, type ContainerConfigDefaults, type ImageRecord, type ImageStore } from './store.js';
import { familiarName, parseNormalizedNamed } from './reference.js';
import { apiVersionAtLeast as versionAtLeast } from '../../util/api-version.js';


/** The container-config shape Docker fills in for images (every key present). */
export function fullContainerConfig(c: ContainerConfigDefaults | undefined): Record<string, unknown> {
  const cfg = c ?? {};
  const out: Record<string, unknown> = {
    Hostname: '',
    Domainname: '',
    User: cfg.User ?? '',
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}),
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: cfg.Env ?? null,
    Cmd: cfg.Cmd ?? null,
    ...(cfg.Healthcheck ? { Healthcheck: cfg.Healthcheck } : {}),
    ...(cfg.ArgsEscaped ? { ArgsEscaped: cfg.ArgsEscaped } : {}),
    Image: typeof cfg.Image === 'string' ? cfg.Image : '',
    Volumes: cfg.Volumes ?? null,
    WorkingDir: cfg.WorkingDir ?? '',
    Entrypoint: cfg.Entrypoint ?? null,
    OnBuild: cfg.OnBuild ?? null,
    Labels: cfg.Labels ?? null,
  };
  if (cfg.StopSignal) out.StopSignal = cfg.StopSignal;
  if (cfg.Shell) out.Shell = cfg.Shell;
  return out;
}

/** GET /images/{name}/json. */
export function inspectImage(store: ImageStore, img: ImageRecord, apiVersion = '1.50'): Record<string, unknown> {
  const dirs = img.layers.map((l) => store.layers.diffDir(l));
  const top = dirs[dirs.length - 1];
  const graphData: Record<string, string> = {};
  if (dirs.length > 1) graphData.LowerDir = dirs.slice(0, -1).reverse().join(':');
  if (top) graphData.UpperDir = top;
  const c = img.config;
  const out: Record<string, unknown> = {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: img.parent,
    Comment: typeof c.comment === 'string' ? c.comment : '',
    Created: c.created ?? '',
  };
  if (!versionAtLeast(apiVersion, '1.45')) {
    out.Container = typeof c.container === 'string' ? c.container : '';
    out.ContainerConfig = fullContainerConfig((c.container_config as ContainerConfigDefaults | undefined) ?? undefined);
  }
  Object.assign(out, {
    DockerVersion: typeof c.docker_version === 'string' ? c.docker_version : '',
    Author: c.author ?? '',
    Config: fullContainerConfig(c.config),
    Architecture: c.architecture,
    ...(typeof c.variant === 'string' ? { Variant: c.variant } : {}),
    Os: c.os,
    ...(typeof c['os.version'] === 'string' ? { OsVersion: c['os.version'] } : {}),
    Size: img.size,
  });
  if (!versionAtLeast(apiVersion, '1.44')) out.VirtualSize = img.size;
  Object.assign(out, {
    GraphDriver: { Data: graphData, Name: 'overlay2' },
    RootFS: { Type: 'layers', Layers: c.rootfs.diff_ids },
    Metadata: img.lastTagTime ? { LastTagTime: img.lastTagTime } : { LastTagTime: '0001-01-01T00:00:00Z' },
  });
  return out;
}

/** One GET /images/json entry. */
export function imageSummary(store: ImageStore, img: ImageRecord, apiVersion = '1.50', containers = -1): Record<string, unknown> {
  const old = !versionAtLeast(apiVersion, '1.44');
  let repoTags: string[] | null = img.repoTags;
  let repoDigests: string[] | null = img.repoDigests;
  if (old) {
    if (repoTags.length === 0 && repoDigests.length === 0) {
      repoTags = ['<none>:<none>'];
      repoDigests = ['<none>@<none>'];
    } else if (repoDigests.length === 0) repoDigests = null;
    else if (repoTags.length === 0) repoTags = ['<none>:<none>'];
  }
  const out: Record<string, unknown> = {
    Containers: containers,
    Created: createdSeconds(img),
    Id: img.id,
    Labels: img.config.config?.Labels ?? null,
    ParentId: img.parent,
    RepoDigests: repoDigests,
    RepoTags: repoTags,
    SharedSize: -1,
    Size: img.size,
  };
  if (old) out.VirtualSize = img.size;
  return out;
}

const LIST_FILTERS = ['dangling', 'label', 'label!', 'before', 'since', 'reference', 'until'];

/** GET /images/json: `all` shows intermediate images; filters as dockerd knows them. */
export function listImages(store: ImageStore, o: { all?: boolean; filters?: Filters; apiVersion?: string; containerCount?: (id: string) => number }): Record<string, unknown>[] {
  const filters = o.filters ?? new Map<string, string[]>();
  validateFilters(filters, LIST_FILTERS);
  const danglingWanted = getBoolOrDefault(filters, 'dangling');
  const beforeTs = filters.get('before')?.map((r) => createdSeconds(store.get(r)));
  const sinceTs = filters.get('since')?.map((r) => createdSeconds(store.get(r)));
  const untilMs = filters.get('until')?.map((v) => timestampMs(v));
  const refPatterns = filters.get('reference') ?? [];
  const out: Record<string, unknown>[] = [];
  const images = store.list().sort((a, b) => createdSeconds(b) - createdSeconds(a) || (a.id < b.id ? -1 : 1));
  const parents = new Set(images.map((i) => i.parent));
  for (const img of images) {
    const tagged = img.repoTags.length > 0 || img.repoDigests.length > 0;
    if (danglingWanted === true && img.repoTags.length > 0) continue;
    if (danglingWanted === false && img.repoTags.length === 0) continue;
    if (!o.all && !tagged && parents.has(img.id)) continue; // intermediate build image
    const created = createdSeconds(img);
    if (beforeTs && beforeTs.some((t) => created >= t)) continue;
    if (sinceTs && sinceTs.some((t) => created <= t)) continue;
    if (untilMs && untilMs.some((t) => created * 1000 >= t)) continue;
    if (!matchLabelFilters(filters, img.config.config?.Labels)) continue;
    let view = img;
    if (refPatterns.length) {
      const tags = img.repoTags.filter((t) => refPatterns.some((p) => referenceMatches(p, t)));
      const digests = img.repoDigests.filter((t) => refPatterns.some((p) => referenceMatches(p, t)));
      if (tags.length === 0 && digests.length === 0) continue;
      view = { ...img, repoTags: tags, repoDigests: digests };
    }
    out.push(imageSummary(store, view, o.apiVersion, o.containerCount ? o.containerCount(img.id) : -1));
  }
  return out;
}

/** Go's path.Match over a familiar reference: `busybox`, `busybox:*`, `*` + `/app`, `localhost:5000/` + `*`. */
export function referenceMatches(pattern: string, familiar: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((ch) => (ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  if (re.test(familiar)) return true;
  // A pattern without a tag matches the repository name (`busybox` matches `busybox:latest`).
  try {
    const named = parseNormalizedNamed(familiar);
    return re.test(familiarName(named));
  } catch {
    return false;
  }
}

/** GET /images/{name}/history, newest first, IDs walked through local parents. */
export function imageHistory(store: ImageStore, img: ImageRecord): Array<Record<string, unknown>> {
  const items: Array<{ Id: string; Created: number; CreatedBy: string; Tags: string[] | null; Size: number; Comment: string }> = [];
  let layerIndex = 0;
  for (const h of img.config.history ?? []) {
    let size = 0;
    if (!h.empty_layer) {
      const chain = img.layers[layerIndex++];
      size = (chain && store.layers.get(chain)?.size) || 0;
    }
    const t = h.created ? Date.parse(h.created) : NaN;
    items.unshift({ Id: '<missing>', Created: Number.isFinite(t) ? Math.floor(t / 1000) : 0, CreatedBy: h.created_by ?? '', Tags: null, Size: size, Comment: h.comment ?? '' });
  }
  let cur: ImageRecord | undefined = img;
  for (const item of items) {
    if (!cur) break;
    item.Id = cur.id;
    item.Tags = cur.repoTags.length ? [...cur.repoTags] : null;
    cur = cur.parent ? store.find(cur.parent) : undefined;
  }
  return items.map((i) => ({ Comment: i.Comment, Created: i.Created, CreatedBy: i.CreatedBy, Id: i.Id, Size: i.Size, Tags: i.Tags }));
}
