// Docker's JSON progress messages for pull and push, formatted the way dockerd's streamformatter
// does (jsonmessage.JSONProgress.String() with the daemon's 200-column width), so the docker CLI
// draws the same per-layer bars. Also Go's JSON escaping of <, > and &, which dockerd's encoder does.

export interface ProgressDetail {
  current?: number;
  total?: number;
}

/** One line of a pull/push stream. */
export interface JsonMessage {
  status?: string;
  id?: string;
  progressDetail?: ProgressDetail;
  progress?: string;
  aux?: unknown;
  error?: string;
  errorDetail?: { message: string };
}

/** Where a pull or push reports its progress. */
export type ProgressSink = (msg: JsonMessage) => void;

export const noProgress: ProgressSink = () => {};

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];

/** go-units HumanSize: 4 significant digits, decimal units (`2.22MB`, `512B`, `22.96kB`). */
export function humanSize(n: number): string {
  let size = n;
  let i = 0;
  while (size >= 1000 && i < DECIMAL_UNITS.length - 1) {
    size /= 1000;
    i++;
  }
  // Go's %.4g: 4 significant digits, trailing zeros dropped.
  return `${Number(size.toPrecision(4))}${DECIMAL_UNITS[i]}`;
}

/** JSONProgress.String() for a 200-column (daemon side) terminal, without time left (dockerd sends no start). */
export function progressString(current: number, total: number): string {
  if (current <= 0 && total <= 0) return '';
  if (total <= 0) return humanSize(current).padStart(8);
  let percentage = Math.floor(Math.floor((current / total) * 100) / 2);
  if (percentage > 50) percentage = 50;
  const bar = `[${'='.repeat(percentage)}>${' '.repeat(Math.max(0, 50 - percentage))}] `;
  const numbers = current > total ? humanSize(current).padStart(8) : `${humanSize(current).padStart(8)}/${humanSize(total)}`;
  return bar + numbers;
}

/** `{"status":…,"progressDetail":{},"id":…}`: a per-layer state change (progress.Update). */
export function layerStatus(id: string, status: string): JsonMessage {
  return { status, progressDetail: {}, id };
}

/** A per-layer byte count (progress.NewProgressReader). */
export function layerProgress(id: string, status: string, current: number, total: number): JsonMessage {
  // Field order of dockerd's JSONMessage: status, progressDetail, progress, id.
  const p = progressString(current, total);
  return { status, progressDetail: total > 0 ? { current, total } : { current }, ...(p ? { progress: p } : {}), id };
}

/** A plain message (progress.Message): `{"status":"Digest: …"}` or with an id (`Pulling from …`). */
export function statusMessage(status: string, id?: string): JsonMessage {
  return id ? { status, id } : { status };
}

export function errorMessage(message: string): JsonMessage {
  return { errorDetail: { message }, error: message };
}

/** JSON as Go's encoding/json writes it: `<`, `>`, `&` escaped (only ever inside strings). */
export function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Counts bytes through a stream and reports them as Docker's progress reader does: every 512 KiB
 * (or 1%), at most every 100 ms, and once at the end.
 */
export class ByteProgress {
  private current = 0;
  private lastBytes = 0;
  private lastTime = 0;
  constructor(
    private readonly sink: ProgressSink,
    private readonly id: string,
    private readonly status: string,
    private readonly total: number,
  ) {}

  add(n: number): void {
    this.current += n;
    const now = Date.now();
    // Every 512 KiB, or every 1% when that is less; at most 10 a second (progressreader.go).
    const every = this.total > 0 ? Math.min(512 * 1024, Math.floor(this.total / 100)) : 512 * 1024;
    if (this.current - this.lastBytes > every && now - this.lastTime >= 100) {
      this.lastBytes = this.current;
      this.lastTime = now;
      this.sink(layerProgress(this.id, this.status, this.current, this.total));
    }
  }

  done(): void {
    if (this.current !== this.lastBytes || this.current === 0) this.sink(layerProgress(this.id, this.status, this.current, this.total));
    this.lastBytes = this.current;
  }

  /** Passes chunks through, counting them. */
  async *count(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const c of src) {
      this.add(c.length);
      yield c;
    }
    this.done();
  }
}
