// berth images / image ls: one row per repository:tag, docker's columns and --format.
import type { Cli, CommandSpec } from '../../cli.js';
import type { ImageSummary } from '../../../api-types/images.js';
import { renderRows, shortId } from '../../format/formatter.js';
import { goTimeString } from '../../format/gotime.js';
import { ago, humanSize } from '../../format/units.js';
import { FILTER_FLAG, FORMAT_FLAG } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'images [OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  flags: [
    { name: 'all', short: 'a', kind: 'bool', desc: 'Show all images (default hides intermediate images)' },
    { name: 'digests', kind: 'bool', desc: 'Show digests' },
    FILTER_FLAG,
    FORMAT_FLAG,
    { name: 'no-trunc', kind: 'bool', desc: "Don't truncate output" },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only show image IDs' },
    { name: 'tree', kind: 'bool', hidden: true },
  ],
  maxArgs: 1,
};

export type ApiImage = ImageSummary;

const HEADERS = {
  ID: 'IMAGE ID',
  Repository: 'REPOSITORY',
  Tag: 'TAG',
  Digest: 'DIGEST',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Size: 'SIZE',
  Containers: 'CONTAINERS',
  VirtualSize: 'VIRTUAL SIZE',
  SharedSize: 'SHARED SIZE',
  UniqueSize: 'UNIQUE SIZE',
};

function splitRepoTag(rt: string): [string, string] {
  const at = rt.indexOf('@');
  const base = at >= 0 ? rt.slice(0, at) : rt;
  const colon = base.lastIndexOf(':');
  if (colon > base.lastIndexOf('/')) return [base.slice(0, colon), base.slice(colon + 1)];
  return [base, '<none>'];
}

/** Rows for one image as docker's imageFormat makes them (a row per tag; <none> when untagged). */
export function imageRows(img: ApiImage, trunc: boolean, digests: boolean, now = Date.now()): Record<string, string>[] {
  const base = {
    ID: trunc ? shortId(img.Id) : img.Id,
    CreatedSince: ago(img.Created, now),
    CreatedAt: goTimeString(new Date(img.Created * 1000)),
    Size: humanSize(img.Size, 3),
    Containers: img.Containers === undefined || img.Containers < 0 ? 'N/A' : String(img.Containers),
    VirtualSize: humanSize(img.VirtualSize ?? img.Size, 3),
    SharedSize: img.SharedSize === undefined || img.SharedSize < 0 ? 'N/A' : humanSize(img.SharedSize, 3),
    UniqueSize: img.SharedSize === undefined || img.SharedSize < 0 ? 'N/A' : humanSize(img.Size - img.SharedSize, 3),
  };
  const digestsByRepo = new Map<string, string[]>();
  for (const rd of img.RepoDigests ?? []) {
    const at = rd.indexOf('@');
    if (at < 0) continue;
    const repo = rd.slice(0, at);
    digestsByRepo.set(repo, [...(digestsByRepo.get(repo) ?? []), rd.slice(at + 1)]);
  }
  const tags = (img.RepoTags ?? []).filter((t) => t !== '<none>:<none>').sort();
  const rows: Record<string, string>[] = [];
  const seenRepos = new Set<string>();
  for (const rt of tags) {
    const [repo, tag] = splitRepoTag(rt);
    seenRepos.add(repo);
    const ds = digestsByRepo.get(repo) ?? [];
    if (digests && ds.length) for (const d of ds) rows.push({ Repository: repo, Tag: tag, Digest: d, ...base });
    else rows.push({ Repository: repo, Tag: tag, Digest: ds[0] ?? '<none>', ...base });
  }
  for (const [repo, ds] of digestsByRepo) {
    if (seenRepos.has(repo)) continue;
    for (const d of digests ? ds : ds.slice(0, 1)) rows.push({ Repository: repo, Tag: '<none>', Digest: d, ...base });
  }
  if (rows.length === 0) rows.push({ Repository: '<none>', Tag: '<none>', Digest: '<none>', ...base });
  return rows.map((r) => Object.fromEntries(Object.keys(r).sort().map((k) => [k, r[k as keyof typeof r]])));
}

export default async function images(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const filters = flags.list('filter');
  if (flags.positionals[0]) filters.push(`reference=${flags.positionals[0]}`);
  const list = await cli.client().images.list({ all: flags.bool('all'), filters });
  // The daemon already lists newest first; keep its order, as the docker CLI does.
  const trunc = !flags.bool('no-trunc');
  const digests = flags.bool('digests');
  const now = Date.now();
  const rows = list.flatMap((img) => imageRows(img, trunc, digests, now));
  if (flags.bool('quiet')) {
    // One ID per row (per tag), as docker prints them.
    for (const r of rows) cli.out(`${r.ID}\n`);
    return 0;
  }
  const defaultTable = `table {{.Repository}}\t{{.Tag}}${digests ? '\t{{.Digest}}' : ''}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}`;
  cli.out(renderRows(flags.string('format'), defaultTable, rows, HEADERS));
  return 0;
}
