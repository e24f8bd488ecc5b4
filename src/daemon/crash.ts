// An exception nothing caught, or a rejection nothing handled, leaves berthd in a state nobody
// reasoned about (a lock held, a half-written record in memory, a stream never closed). Running
// on would serve from it; exiting is safe, because containers run under conmon and outlive
// berthd, and the next start recovers them from disk (under systemd, Restart=on-failure does it).

/** The exit status after a crash: EX_SOFTWARE, "internal software error". */
export const CRASH_EXIT_CODE = 70;

interface ProcessEvents {
  on(event: 'uncaughtException', listener: (e: Error) => void): unknown;
  on(event: 'unhandledRejection', listener: (reason: unknown) => void): unknown;
}

/** Makes `proc` log the error and exit with CRASH_EXIT_CODE on an uncaught exception or unhandled rejection. */
export function exitOnUncaughtErrors(proc: ProcessEvents, logError: (msg: string) => void, exit: (code: number) => void): void {
  const crash = (what: string, e: unknown) => {
    logError(`${what}, exiting (containers keep running; a restart recovers them): ${(e as Error)?.stack ?? String(e)}`);
    exit(CRASH_EXIT_CODE);
  };
  proc.on('uncaughtException', (e) => crash('uncaught exception', e));
  proc.on('unhandledRejection', (reason) => crash('unhandled rejection', reason));
}
