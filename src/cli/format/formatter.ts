// The docker CLI's --format handling for listings: "" → the default table, "table …" → a
// tabwriter-aligned table with a header row, "json" → one JSON object per line, anything
// else → the template once per row. `\t` and `\n` typed on the command line become real ones.
import { tabwrite } from './table.js';
import { HEADER_FUNCS, Template } from './template.js';

/** Field name → column header, as in docker's formatter contexts (ID → "CONTAINER ID"). */
export type Headers = Record<string, string>;

export function isTableFormat(format: string): boolean {
  return format.startsWith('table');
}

export function normalizeFormat(format: string, defaultTable: string): string {
  const f = format.trim();
  if (f === '' || f === 'table') return defaultTable;
  if (f === 'json') return '{{json .}}';
  return f;
}

function unescapeFormat(f: string): string {
  return f.replace(/\\t/g, '\t').replace(/\\n/g, '\n');
}

/** Header data: every field is callable (so `{{.Label "x"}}` works) and returns its header. */
function headerData(headers: Headers): Record<string, unknown> {
  const data: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(headers)) data[k] = () => v;
  return data;
}

/** Renders rows with a format; returns the text to print (each row ends with a newline). */
export function renderRows(format: string, defaultTable: string, rows: unknown[], headers: Headers): string {
  const f = normalizeFormat(format, defaultTable);
  if (isTableFormat(f)) {
    const body = unescapeFormat(f.slice('table'.length).trim());
    const tmpl = new Template(body);
    let text = tmpl.withFuncs(HEADER_FUNCS).execute(headerData(headers)) + '\n';
    for (const r of rows) text += tmpl.execute(r) + '\n';
    return tabwrite(text);
  }
  const tmpl = new Template(unescapeFormat(f));
  let text = '';
  for (const r of rows) text += tmpl.execute(r) + '\n';
  return text;
}

/** `inspect -f`: the template once per object; `json` prints each object as compact JSON. */
export function renderEach(format: string, items: unknown[]): string {
  const f = format.trim() === 'json' ? '{{json .}}' : unescapeFormat(format);
  const tmpl = new Template(f);
  return items.map((i) => tmpl.execute(i) + '\n').join('');
}

/** Docker's TruncateID: the first 12 hex characters after an optional `sha256:`. */
export function shortId(id: string): string {
  const bare = id.includes(':') ? id.slice(id.indexOf(':') + 1) : id;
  return bare.slice(0, 12);
}

/** Docker's Ellipsis: cut to `max` characters with "…" as the last one. */
export function ellipsis(s: string, max: number): string {
  const chars = [...s];
  if (chars.length <= max) return s;
  if (max <= 1) return chars.slice(0, max).join('');
  return chars.slice(0, max - 1).join('') + '…';
}
