// Unit tests that change file owners (chown to other users), mount file systems or make
// namespaces can only run as root. They skip with this reason elsewhere (a developer's account,
// an unprivileged CI runner), so the rest of the suite still runs and says what it left out.

/** `false` when running as root, otherwise a skip message naming what the test needs root for. */
export function needsRoot(what: string): string | false {
  return process.getuid?.() === 0 ? false : `needs root to ${what}; run the unit tests as root to include it`;
}
