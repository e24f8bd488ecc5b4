// berth history: the layers of an image, newest first.
import type { Cli, CommandSpec } from '../../cli.js';
import { ellipsis, renderRows, shortId } from '../../format/formatter.js';
import { ago, humanSize } from '../../format/units.js';
import { FORMAT_FLAG } from '../helpers.js';
import type { ImageHistoryItem } from '../../../api-types/images.js';

export const spec: CommandSpec = {
  usage: 'history [OPTIONS] IMAGE',
  description: 'Show the history of an image',
  flags: [
    FORMAT_FLAG,
    { name: 'human', short: 'H', kind: 'bool', desc: 'Print sizes and dates in human readable format', default: 'true' },
    { name: 'no-trunc', kind: 'bool', desc: "Don't truncate output" },
    { name: 'platform', kind: 'string', desc: 'Show history for the given platform' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only show image IDs' },
  ],
  minArgs: 1,
  maxArgs: 1,
};

type HistoryItem = ImageHistoryItem;

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };

export function historyRow(h: HistoryItem, trunc: boolean, human: boolean, now = Date.now()): Record<string, string> {
  const id = h.Id === '<missing>' || !h.Id ? '<missing>' : trunc ? shortId(h.Id) : h.Id;
  let createdBy = h.CreatedBy.replace(/\t/g, ' ');
  if (trunc) createdBy = ellipsis(createdBy, 45);
  return {
    Comment: h.Comment,
    CreatedAt: human ? new Date(h.Created * 1000).toISOString().replace(/\.\d+Z$/, 'Z') : new Date(h.Created * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    CreatedBy: createdBy,
    CreatedSince: human ? ago(h.Created, now) : new Date(h.Created * 1000).toISOString().replace(/\.\d+Z$/, 'Z'),
    ID: id,
    Size: human ? humanSize(h.Size, 3) : String(h.Size),
  };
}

export default async function history(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const items = await cli.client().images.history(flags.positionals[0], { platform: flags.string('platform') || undefined });
  const trunc = !flags.bool('no-trunc');
  const now = Date.now();
  const rows = items.map((h) => historyRow(h, trunc, flags.bool('human'), now));
  const format = flags.bool('quiet') ? '{{.ID}}' : flags.string('format');
  cli.out(renderRows(format, 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}', rows, HEADERS));
  return 0;
}
