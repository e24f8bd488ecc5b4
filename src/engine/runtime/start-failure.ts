// Why the runtime could not start a process, in dockerd's terms (its setExitCodeFromError): the
// exit code a container or exec session is left with, and the error's status and words.

export interface StartFailure {
  /** 126: cannot be invoked; 127: not there; 128: anything else. */
  exitCode: 126 | 127 | 128;
  /** 400 when the command or a mount is at fault, else 500. */
  status: 400 | 500;
  message: string;
}

const NOT_FOUND = ['executable file not found', 'no such file or directory', 'system cannot find the file specified', 'failed to run runc create/exec call'];

export function startFailure(message: string): StartFailure {
  const m = message.toLowerCase();
  if (m.includes('permission denied')) return { exitCode: 126, status: 400, message };
  // Go reports exec of a directory as EISDIR; dockerd adds EACCES's words, which the docker CLI
  // looks for to exit 126.
  if (m.includes('is a directory')) return { exitCode: 126, status: 400, message: `${message}: permission denied` };
  if (m.includes('not a directory')) {
    return {
      exitCode: 127,
      status: 400,
      message: `${message}: Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type`,
    };
  }
  if (NOT_FOUND.some((x) => m.includes(x))) return { exitCode: 127, status: 400, message };
  return { exitCode: 128, status: 500, message };
}
