// NODE_EXTRA_CA_CERTS, deferred. bin/berth starts node without it (Node would parse the whole file
// at start-up, ~45 ms of every call) and passes the value on as BERTH_DEFERRED_EXTRA_CA_CERTS.
// At start-up the CLI puts it back into the environment, so whatever reads the variable sees what
// the user set (`berth run -e NODE_EXTRA_CA_CERTS`); a TLS client that trusts the default CAs adds
// the file's certificates itself, which is all Node would have done with them.
import { readFileSync } from 'node:fs';

export const DEFERRED_CA_ENV = 'BERTH_DEFERRED_EXTRA_CA_CERTS';

type Env = Record<string, string | undefined>;

/** The file Node did not load because the launcher held it back; set by restoreDeferredCaEnv. */
let deferredFile: string | undefined;

/**
 * Moves BERTH_DEFERRED_EXTRA_CA_CERTS back to NODE_EXTRA_CA_CERTS and remembers the file for
 * TLS connections. Returns that file (undefined when the launcher held nothing back).
 */
export function restoreDeferredCaEnv(env: Env = process.env): string | undefined {
  const file = env[DEFERRED_CA_ENV];
  if (file === undefined) return undefined;
  delete env[DEFERRED_CA_ENV];
  env.NODE_EXTRA_CA_CERTS = file;
  deferredFile = file || undefined;
  return deferredFile;
}

/** The extra CA file that Node did not load at start-up (and so is not in its default trust). */
export function deferredExtraCaFile(): string | undefined {
  return deferredFile;
}

/** The PEM certificates in `text`, each from its BEGIN to its END line. */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g) ?? [];
}

/**
 * What a TLS client that verifies with Node's default trust should pass as `ca` when the extra
 * CAs were held back: Node's bundled roots plus the file's certificates. Undefined (keep Node's
 * default) when nothing was held back. An unreadable file is skipped with the warning Node
 * itself prints for it.
 */
export function defaultTrustWithDeferred(
  file: string | undefined,
  roots: readonly string[],
  read: (p: string) => string = (p) => readFileSync(p, 'utf8'),
  warn: (m: string) => void = (m) => process.emitWarning(m),
): string[] | undefined {
  if (!file) return undefined;
  let extra: string[];
  try {
    extra = pemCertificates(read(file));
  } catch (e) {
    warn(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
    return undefined;
  }
  return [...roots, ...extra];
}
