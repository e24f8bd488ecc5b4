// What the steps of one build share: the backend, the options, the progress output, the shell
// lexer for the Dockerfile's escape token, the stages built so far, and temporary directories.
import { InvalidArgumentError } from '../errors.js';
import { removeTree } from '../../util/remove-tree.js';
import type { BuildBackend } from './backend.js';
import type { BuildOptions } from './builder.js';
import { directoryContext, type BuildContextSource } from './context-spool.js';
import { makeTempDir } from './copy.js';
import type { BuildOutput } from './output.js';
import { ShellLex, type EnvGetter } from './shell-lex.js';

/** dockerd's refusal of a flag only BuildKit implements. */
export const BUILDKIT_ONLY = (flag: string): string =>
  `the --${flag} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`;

export class BuildSession {
  private readonly lexCache = new Map<string, ShellLex>();
  /** The Dockerfile's `escape` directive. */
  escapeToken = '\\';
  /** Stage index → its final image ID ('' for scratch). */
  readonly stageImages = new Map<number, string>();
  stageIndexByName = new Map<string, number>();
  currentStageIndex = 0;
  private readonly tempDirs: string[] = [];

  constructor(
    readonly backend: BuildBackend,
    readonly opts: BuildOptions,
    readonly out: BuildOutput,
  ) {}

  write(text: string): void {
    this.out({ stream: text });
  }

  get lex(): ShellLex {
    let l = this.lexCache.get(this.escapeToken);
    if (!l) this.lexCache.set(this.escapeToken, (l = new ShellLex(this.escapeToken)));
    return l;
  }

  get context(): BuildContextSource {
    return (this.opts.context ??= directoryContext(this.opts.contextDir));
  }

  /** Word expansion; a malformed word is the client's error. */
  expand(lex: ShellLex, word: string, env: EnvGetter): string {
    try {
      return lex.processWord(word, env);
    } catch (e: any) {
      throw new InvalidArgumentError(e.message);
    }
  }

  /** An empty directory removed when the build ends. */
  async emptyDir(): Promise<string> {
    const d = await makeTempDir();
    this.tempDirs.push(d);
    return d;
  }

  /** Whether intermediate containers go after a successful step (`--rm`, `--force-rm`). */
  get removesIntermediate(): boolean {
    return this.opts.remove !== false || !!this.opts.forceRemove;
  }

  async cleanup(): Promise<void> {
    for (const d of this.tempDirs) await removeTree(d);
  }
}
