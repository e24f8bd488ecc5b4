// Newline-delimited JSON (pull, push, load, build, events): one object per line, lines may
// span chunks. Docker's streams are plain concatenated JSON values too, so blank lines are skipped.
import { StringDecoder } from 'node:string_decoder';

export class JsonLineDecoder {
  private buf = '';

  push(chunk: string): unknown[] {
    this.buf += chunk;
    const out: unknown[] = [];
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).trim();
      this.buf = this.buf.slice(nl + 1);
      if (line) out.push(JSON.parse(line));
    }
    return out;
  }

  /** Whatever remains at end of stream (a last line without newline). */
  end(): unknown[] {
    const line = this.buf.trim();
    this.buf = '';
    return line ? [JSON.parse(line)] : [];
  }
}

/** Iterates the JSON values of a newline-delimited JSON stream. */
export async function* jsonLines<T = unknown>(source: AsyncIterable<Buffer | string>): AsyncGenerator<T> {
  const decoder = new JsonLineDecoder();
  const utf8 = new StringDecoder('utf8'); // a character may be split across chunks
  for await (const chunk of source) {
    for (const v of decoder.push(typeof chunk === 'string' ? chunk : utf8.write(chunk))) yield v as T;
  }
  for (const v of decoder.end()) yield v as T;
}

/** Splits a byte stream into text lines (UTF-8 safe), for callers that need the raw JSON text. */
export class LineDecoder {
  private buf = '';
  private readonly utf8 = new StringDecoder('utf8');

  push(chunk: Buffer): string[] {
    this.buf += this.utf8.write(chunk);
    const parts = this.buf.split('\n');
    this.buf = parts.pop() ?? '';
    return parts;
  }

  end(): string {
    const rest = this.buf + this.utf8.end();
    this.buf = '';
    return rest;
  }
}
