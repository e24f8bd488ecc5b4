// Exec instances: POST /containers/{id}/exec, /exec/{id}/start|resize|json.

export interface ExecCreateBody {
  User?: string;
  Privileged?: boolean;
  Tty?: boolean;
  /** [rows, columns] of the terminal, or null. */
  ConsoleSize?: [number, number] | null;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  Detach?: boolean;
  DetachKeys?: string;
  Env?: string[] | null;
  WorkingDir?: string;
  Cmd: string[];
}

export interface ExecStartBody {
  Detach?: boolean;
  Tty?: boolean;
  ConsoleSize?: [number, number] | null;
}

/** GET /exec/{id}/json. */
export interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ProcessConfig?: { tty?: boolean; entrypoint?: string; arguments?: string[]; privileged?: boolean; user?: string };
  OpenStdin?: boolean;
  OpenStderr?: boolean;
  OpenStdout?: boolean;
  CanRemove?: boolean;
  ContainerID: string;
  DetachKeys?: string;
  Pid?: number;
}
