// The terminal side of the live view: the alternate screen, raw keyboard input, redraws on
// resize (SIGWINCH reaches Node as the stream's 'resize' event) and on change, at most `fps` a
// second. A redraw rewrites only the lines that differ from the last frame; a resize, a resume
// or Ctrl-L redraws all. suspend/resume hand the terminal to something else (an exec shell).
import { parseKeys, type Key } from './keys.js';

export interface ScreenOptions {
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  /** The frame for a terminal of this size. */
  render: (width: number, height: number) => string[];
  onKey: (key: Key) => void;
  fps?: number;
}

const ENTER = '\x1b[?1049h\x1b[?25l\x1b[?7l\x1b[2J';
const LEAVE = '\x1b[?7h\x1b[?25h\x1b[?1049l';

export class Screen {
  private shown: string[] = [];
  private active = false;
  private timer?: NodeJS.Timeout;
  private last = 0;
  private readonly interval: number;
  private readonly onData = (chunk: Buffer | string) => {
    for (const key of parseKeys(chunk.toString())) {
      if (key === 'redraw') this.redrawAll();
      else this.opts.onKey(key);
    }
  };
  private readonly onResize = () => this.redrawAll();
  /** Should the process end with the screen taken (an uncaught error), the terminal still comes back. */
  private readonly onExit = () => this.leave();

  constructor(private readonly opts: ScreenOptions) {
    this.interval = 1000 / (opts.fps ?? 10);
  }

  /** Takes the terminal: alternate screen, no cursor, no line wrap, raw keys. */
  enter(): void {
    if (this.active) return;
    this.active = true;
    this.shown = [];
    const { stdin, stdout } = this.opts;
    stdout.write(ENTER);
    if (stdin.isTTY) stdin.setRawMode(true);
    stdin.on('data', this.onData);
    stdin.resume();
    stdout.on('resize', this.onResize);
    process.on('exit', this.onExit);
    this.draw();
  }

  /** Gives the terminal back as it was. */
  leave(): void {
    if (!this.active) return;
    this.active = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const { stdin, stdout } = this.opts;
    stdout.off('resize', this.onResize);
    process.off('exit', this.onExit);
    stdin.off('data', this.onData);
    if (stdin.isTTY) stdin.setRawMode(false);
    stdin.pause();
    stdout.write(LEAVE);
  }

  /** Asks for a redraw: now, or when the frame interval has passed since the last one. */
  invalidate(): void {
    if (!this.active || this.timer) return;
    const wait = this.last + this.interval - Date.now();
    if (wait <= 0) this.draw();
    else
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.draw();
      }, wait);
  }

  private redrawAll(): void {
    this.shown = [];
    this.opts.stdout.write('\x1b[2J');
    this.invalidate();
  }

  private draw(): void {
    if (!this.active) return;
    this.last = Date.now();
    const { stdout } = this.opts;
    const width = stdout.columns || 80;
    const height = stdout.rows || 24;
    const frame = this.opts.render(width, height);
    let out = '';
    for (let i = 0; i < height; i++) {
      const line = frame[i] ?? '';
      if (this.shown[i] === line) continue;
      // Erase first: erasing after a full-width line would take its last column with it.
      out += `\x1b[${i + 1};1H\x1b[2K${line}`;
    }
    this.shown = frame.slice(0, height);
    if (out) stdout.write(out);
  }
}
