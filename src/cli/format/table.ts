// Go's text/tabwriter as the docker CLI configures it (minwidth 10, padding 3, blanks):
// cells end at tabs; a column's width is fixed per block of consecutive lines that have it;
// the last cell of a line is written as is.

export interface TabOptions {
  minWidth: number;
  padding: number;
}

export const DOCKER_TABLE: TabOptions = { minWidth: 10, padding: 3 };

function textWidth(s: string): number {
  return [...s].length;
}

/** Aligns tab-separated text. `text` may hold many lines; a trailing newline is kept. */
export function tabwrite(text: string, opts: TabOptions = DOCKER_TABLE): string {
  const endsWithNewline = text.endsWith('\n');
  const lines = (endsWithNewline ? text.slice(0, -1) : text).split('\n').map((l) => l.split('\t'));
  const out: string[] = lines.map(() => '');
  const widths: number[] = [];

  const writeLines = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const cells = lines[i];
      let s = '';
      cells.forEach((cell, j) => {
        s += cell;
        if (j < widths.length && j < cells.length - 1) s += ' '.repeat(Math.max(widths[j] - textWidth(cell), 0));
      });
      out[i] = s;
    }
  };

  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let row = line0; row < line1; row++) {
      if (column >= lines[row].length - 1) continue;
      writeLines(line0, row);
      line0 = row;
      let width = opts.minWidth;
      for (; row < line1; row++) {
        if (column >= lines[row].length - 1) break;
        width = Math.max(width, textWidth(lines[row][column]) + opts.padding);
      }
      widths.push(width);
      format(line0, row);
      widths.pop();
      line0 = row;
      row--; // the for-loop's ++ must not skip the line that ended the block
    }
    writeLines(line0, line1);
  };

  format(0, lines.length);
  return out.join('\n') + (endsWithNewline ? '\n' : '');
}
