// The daemon's own umask, uid and gid, read once: files it creates get these unless told
// otherwise, so callers can skip chown/chmod calls that would change nothing.

/** The process umask (reading it means setting it: it is put straight back). */
export const UMASK = (() => {
  const m = process.umask(0o022);
  process.umask(m);
  return m;
})();
export const MY_UID = process.getuid?.() ?? -1;
export const MY_GID = process.getgid?.() ?? -1;
