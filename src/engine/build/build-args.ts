// Build-argument scoping as dockerd's classic builder does it (builder/dockerfile/buildargs.go):
// ARGs before the first FROM are "meta" args usable in FROM lines; a stage sees an arg only after
// declaring it with ARG; --build-arg values override defaults; the proxy variables are always
// allowed but stay out of the image history unless the Dockerfile declares them.
import { envFromList, type EnvGetter } from './shell-lex.js';

/** Predefined args that need no ARG declaration and are not recorded in history. */
export const BUILTIN_ARGS = new Set([
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]);

type Maybe = string | undefined;

export class BuildArgs {
  private allowed = new Map<string, Maybe>();
  private readonly meta = new Map<string, Maybe>();
  private readonly referenced = new Set<string>();

  /** @param fromOptions --build-arg values; a null value means "declared without a value" (`--build-arg X`). */
  constructor(private readonly fromOptions: ReadonlyMap<string, string | null>) {}

  /** A copy for a new stage: meta args and references carried over, declarations reset. */
  forNewStage(): BuildArgs {
    const c = new BuildArgs(this.fromOptions);
    for (const [k, v] of this.meta) c.meta.set(k, v);
    for (const k of this.referenced) c.referenced.add(k);
    return c;
  }

  mergeReferenced(other: BuildArgs): void {
    for (const k of other.referenced) this.referenced.add(k);
  }

  addArg(key: string, value: Maybe): void {
    this.allowed.set(key, value);
    this.referenced.add(key);
  }

  addMetaArg(key: string, value: Maybe): void {
    this.meta.set(key, value);
  }

  /** Declared (or builtin) args with a value, for expansion and RUN's environment. */
  allAllowed(): Map<string, string> {
    return this.resolveAll(this.allowed);
  }

  /** Meta args with a value, for FROM lines. */
  allMeta(): Map<string, string> {
    return this.resolveAll(this.meta);
  }

  /** `KEY=value` for every allowed arg not shadowed by an ENV of the same name. */
  filterAllowed(env: readonly string[]): string[] {
    const envKeys = new Set(env.map((e) => e.split('=', 1)[0]));
    const out: string[] = [];
    for (const [k, v] of this.allAllowed()) if (!envKeys.has(k)) out.push(`${k}=${v}`);
    return out;
  }

  /** False for builtin proxy args the Dockerfile never declared (kept out of history). */
  isReferencedOrNotBuiltin(key: string): boolean {
    return this.allowed.has(key) || !BUILTIN_ARGS.has(key);
  }

  /** Build args given by the user that no ARG consumed, sorted. */
  unconsumed(): string[] {
    return [...this.fromOptions.keys()].filter((k) => !this.referenced.has(k) && !BUILTIN_ARGS.has(k)).sort();
  }

  private resolveAll(source: Map<string, Maybe>): Map<string, string> {
    const m = new Map<string, string>();
    for (const key of new Set([...source.keys(), ...BUILTIN_ARGS])) {
      const v = this.get(key, source);
      if (v !== undefined) m.set(key, v);
    }
    return m;
  }

  private get(key: string, source: Map<string, Maybe>): string | undefined {
    const opt = this.fromOptions.get(key);
    if (opt !== undefined && opt !== null) return opt;
    const def = source.get(key);
    if (def === undefined) {
      const m = this.meta.get(key);
      return m ?? undefined;
    }
    return def;
  }
}

/** The warning dockerd prints after a build when some --build-arg was never declared. */
export function unconsumedWarning(keys: string[]): string | undefined {
  return keys.length ? `[Warning] One or more build-args [${keys.join(' ')}] were not consumed\n` : undefined;
}

/** The environment a set of build args gives FROM lines and meta ARGs. */
export function argEnv(args: Map<string, string>): EnvGetter {
  return envFromList([...args].map(([k, v]) => `${k}=${v}`));
}
