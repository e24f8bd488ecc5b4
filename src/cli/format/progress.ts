// Rendering of the daemon's JSON progress messages (pull, push, load, import, build) as the
// docker CLI's jsonmessage package does: on a terminal, one line per layer id updated in place
// with a progress bar; otherwise plain status lines and no bars.
import { humanSize } from './units.js';

import type { JsonMessage, JsonProgressDetail as JsonProgress } from '../../api-types/common.js';

export type { JsonMessage, JsonProgress };

/** A failure reported inside a stream (`{"error": …}`): printed as is, without the daemon prefix. */
export class StreamError extends Error {
  override name = 'StreamError';
}

export function progressBar(p: JsonProgress, width: number): string {
  const current = p.current ?? 0;
  const total = p.total ?? 0;
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  let pct = Math.floor(Math.floor((current / total) * 100) / 2);
  if (pct > 50) pct = 50;
  let bar = '';
  if (width > 110) bar = `[${'='.repeat(pct)}>${' '.repeat(Math.max(50 - pct, 0))}] `;
  let numbers = '';
  if (!p.hidecounts) {
    numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  }
  return bar + numbers;
}

export interface ProgressOutput {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Consumes a JSON message stream and renders it. `onAux` receives aux payloads (build's image
 * ID, load's loaded names). Throws StreamError on an error message.
 */
export async function renderProgress(messages: AsyncIterable<JsonMessage>, out: ProgressOutput, onAux?: (aux: unknown) => void): Promise<void> {
  const tty = Boolean(out.isTTY);
  const width = out.columns ?? 200;
  let ids = new Map<string, number>();
  for await (const m of messages) {
    if (m.errorDetail?.message || m.error) throw new StreamError(m.errorDetail?.message || m.error || 'unknown error');
    if (m.aux !== undefined) {
      onAux?.(m.aux);
      continue;
    }
    const hasProgress = m.progressDetail !== undefined && (m.progressDetail.current !== undefined || m.progressDetail.total !== undefined);
    let diff = 0;
    if (m.id && (hasProgress || m.progress)) {
      let line = ids.get(m.id);
      if (line === undefined) {
        line = ids.size;
        ids.set(m.id, line);
        if (tty) out.write('\n');
      }
      diff = ids.size - line;
      if (tty) out.write(`\x1b[${diff}A`);
    } else ids = new Map();
    out.write(displayMessage(m, tty, width));
    if (m.id && tty && diff > 0) out.write(`\x1b[${diff}B`);
  }
}

/** One message as jsonmessage.Display writes it. */
export function displayMessage(m: JsonMessage, tty: boolean, width = 200): string {
  const bar = m.progressDetail ? progressBar(m.progressDetail, width) : '';
  let s = '';
  let endl = '';
  if (tty && !m.stream && m.progressDetail && (m.progressDetail.current !== undefined || m.progressDetail.total !== undefined)) {
    s += '\x1b[2K\r';
    endl = '\r';
  } else if (bar !== '') return ''; // no progress bars off a terminal
  if (m.id) s += `${m.id}: `;
  if (m.from) s += `(from ${m.from}) `;
  if (tty && bar !== '') s += `${m.status ?? ''} ${bar}${endl}`;
  else if (m.progress) s += `${m.status ?? ''} ${m.progress}${endl}`;
  else if (m.stream) s += `${m.stream}${endl}`;
  else s += `${m.status ?? ''}${endl}\n`;
  return s;
}
