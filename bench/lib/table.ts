// Markdown tables and number formats shared by the benchmarks (core, build, network, pull,
// registry), so every bench prints results the same way.

export type Cell = string | number | undefined;

/** A GitHub-flavoured markdown table; undefined cells print as "–", numbers as they are. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly Cell[])[]): string {
  const text = (c: Cell) => (c === undefined || (typeof c === 'number' && Number.isNaN(c)) ? '–' : String(c).replace(/\|/g, '\\|'));
  const lines = [`| ${headers.join(' | ')} |`, `| ${headers.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${headers.map((_, i) => text(row[i])).join(' | ')} |`);
  return lines.join('\n');
}

/** Milliseconds, whole above 10 ms, one decimal below. */
export function ms(value: number | undefined): string | undefined {
  if (value === undefined || Number.isNaN(value)) return undefined;
  return value >= 10 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

/** Seconds with two decimals, for totals of many operations. */
export function seconds(valueMs: number | undefined): string | undefined {
  if (valueMs === undefined || Number.isNaN(valueMs)) return undefined;
  return `${(valueMs / 1000).toFixed(2)} s`;
}

/** Bytes as MiB with one decimal ("MB" as the targets in the issue write it). */
export function mb(bytes: number | undefined): string | undefined {
  if (bytes === undefined || Number.isNaN(bytes)) return undefined;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** "✓" or "✗" against a target, "" when there is no value to judge. */
export function verdict(value: number | undefined, limit: number): string {
  if (value === undefined || Number.isNaN(value)) return '';
  return value <= limit ? '✓' : '✗';
}
