// berth system df: disk usage of images, containers, volumes and build cache.
import type { Cli, CommandSpec } from '../../cli.js';
import { renderRows } from '../../format/formatter.js';
import { humanSize } from '../../format/units.js';
import { FORMAT_FLAG } from '../helpers.js';
import type { SystemDf } from '../../../api-types/system.js';
import { diskUsage, reclaimablePercent } from '../../../client/disk-usage.js';

export const spec: CommandSpec = {
  usage: 'system df [OPTIONS]',
  description: 'Show docker disk usage',
  flags: [FORMAT_FLAG, { name: 'verbose', short: 'v', kind: 'bool', desc: 'Show detailed information on space usage' }],
  maxArgs: 0,
};

const HEADERS = { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' };

/** The summary table: the figures of client/disk-usage.ts as the docker CLI prints them. */
export function dfRows(df: SystemDf): Record<string, string>[] {
  return diskUsage(df).map((k) => {
    const pct = reclaimablePercent(k);
    return {
      Type: k.type,
      TotalCount: String(k.total),
      Active: String(k.active),
      Size: humanSize(k.size),
      Reclaimable: pct === undefined ? humanSize(k.reclaimable) : `${humanSize(k.reclaimable)} (${pct}%)`,
    };
  });
}

export default async function df(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const data = await cli.client().system.df();
  cli.out(renderRows(flags.string('format'), 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}', dfRows(data), HEADERS));
  return 0;
}
