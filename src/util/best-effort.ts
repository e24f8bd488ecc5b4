// The two documented ways to not propagate a promise's failure. Lint forbids the silent forms
// (`.catch(() => {})`, `.catch(() => undefined)`) everywhere else, so a swallowed error is always
// one of these and says why.
import { log } from './log.js';

/**
 * Awaits clean-up whose failure must not replace the outcome it follows (closing a handle after an
 * error, removing a temp dir, undoing a half-done start). A failure is logged at debug level with
 * `what`, never thrown.
 */
export async function bestEffort(work: Promise<unknown> | (() => Promise<unknown>), what: string): Promise<void> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    log.debug(`${what} (best effort) failed: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * A promise that resolves once `p` settles and never rejects: the tail of a lock chain, or work
 * started now whose error is reported to whoever awaits `p` itself. It does not hide the error: it
 * only stops the chain (or an unhandled-rejection) from seeing it twice.
 */
export function settled(p: Promise<unknown>): Promise<void> {
  return p.then(
    () => undefined,
    () => undefined,
  );
}

/**
 * `p`'s value, or undefined when it fails: for a look-up whose failure means "not available"
 * (a device without an address, an upstream DNS server that does not answer). The failure is
 * logged at debug level with `what`.
 */
export async function orUndefined<T>(p: Promise<T>, what: string): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    log.debug(`${what} failed: ${e instanceof Error ? e.message : String(e)}`);
    return undefined;
  }
}
