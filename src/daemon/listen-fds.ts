// Socket activation (sd_listen_fds(3)): systemd opens the listening sockets of berthd.socket and
// passes them as file descriptors 3, 4, … with LISTEN_PID (whom they are for) and LISTEN_FDS
// (how many) in the environment. `-H fd://` listens on all of them, `-H fd://N` on descriptor N,
// as dockerd does.

/** The first descriptor systemd passes (SD_LISTEN_FDS_START). */
const FIRST_FD = 3;

/**
 * The descriptors passed to process `pid`, none when they were meant for another process (a
 * parent that did not clear the variables). The variables are removed so that nothing berthd
 * starts takes them for its own.
 */
export function takeListenFds(env: NodeJS.ProcessEnv, pid: number): number[] {
  const forPid = env.LISTEN_PID;
  const count = Number(env.LISTEN_FDS);
  delete env.LISTEN_PID;
  delete env.LISTEN_FDS;
  delete env.LISTEN_FDNAMES;
  if (forPid !== String(pid) || !Number.isInteger(count) || count <= 0) return [];
  return Array.from({ length: count }, (_, i) => FIRST_FD + i);
}

/** The descriptors an `fd://` or `fd://N` host names, out of those passed; an error when it names none of them. */
export function fdsForHost(host: string, passed: number[]): number[] {
  const which = host.slice('fd://'.length);
  if (which === '') {
    if (passed.length === 0) throw new Error(`${host}: no sockets were passed by socket activation (LISTEN_FDS)`);
    return passed;
  }
  const fd = Number(which);
  if (!passed.includes(fd)) throw new Error(`${host}: descriptor ${which} was not passed by socket activation (passed: ${passed.join(', ') || 'none'})`);
  return [fd];
}
