// Streams of a hijacked attach/exec connection: output to stdout/stderr (demultiplexed unless
// TTY), stdin forwarded with half-close at EOF, raw terminal mode and resize on SIGWINCH.
// Detach keys are handled by the daemon: the client forwards every byte.
import type { ExecCreateBody } from '../api-types/exec.js';
import type { Hijacked } from '../client/client.js';
import { copyRawTo, demuxTo } from '../client/demux.js';
import type { Cli } from './cli.js';
import { settled } from '../util/best-effort.js';

export interface StreamOptions {
  tty: boolean;
  /** Forward our stdin into the connection. */
  stdin: boolean;
}

export interface StreamSession {
  /** Resolves when the daemon ends the output stream. */
  output: Promise<void>;
  /** Restores the terminal and stops reading stdin. */
  close(): void;
}

export function streamHijacked(cli: Cli, conn: Hijacked, opts: StreamOptions): StreamSession {
  const { socket } = conn;
  // Touched only when forwarded: opening stdin costs start-up time (see Cli.stdin).
  const stdin = opts.stdin ? cli.stdin : undefined;
  let rawMode = false;
  const restore = () => {
    if (rawMode && stdin?.isTTY) stdin.setRawMode(false);
    rawMode = false;
  };
  const onData = (chunk: Buffer) => socket.write(chunk);
  const onEnd = () => socket.end(); // half-close: the daemon sees EOF on the container's stdin, we keep reading
  const stopStdin = (stdin: NodeJS.ReadStream) => {
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    stdin.pause();
  };
  if (stdin) {
    if (opts.tty && stdin.isTTY) {
      stdin.setRawMode(true);
      rawMode = true;
    }
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  }
  if (conn.head.length) socket.unshift(conn.head);
  const output = (opts.tty ? copyRawTo(socket, cli.stdout) : demuxTo(socket, { stdout: cli.stdout, stderr: cli.stderr })).finally(() => {
    restore();
  });
  socket.on('error', () => {});
  return {
    output,
    close: () => {
      restore();
      if (stdin) stopStdin(stdin);
      socket.destroy();
    },
  };
}

/** [rows, cols] of our terminal, when stdout is one. */
export function terminalSize(cli: Cli): [number, number] | undefined {
  const out = cli.stdout;
  if (!out.isTTY || !out.rows || !out.columns) return undefined;
  return [out.rows, out.columns];
}

/**
 * Sends the terminal size now and on every SIGWINCH through `resize` (the container's or the
 * exec's); returns the function that stops it.
 */
export function monitorResize(cli: Cli, resize: (size: { h: number; w: number }) => Promise<void>): () => void {
  const send = () => {
    const size = terminalSize(cli);
    if (!size) return;
    void settled(resize({ h: size[0], w: size[1] })); // a resize racing the exit may fail: nothing to tell
  };
  send();
  process.on('SIGWINCH', send);
  return () => process.off('SIGWINCH', send);
}

/** Forwards SIGINT/SIGTERM/… to the container (docker's --sig-proxy) until stopped. */
export function proxySignals(cli: Cli, containerId: string): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];
  const handler = (sig: NodeJS.Signals) => {
    cli
      .client()
      .containers.kill(containerId, { signal: sig })
      .then(undefined, () => undefined); // proxied signal: the container may be gone already
  };
  for (const s of signals) process.on(s, handler);
  return () => {
    for (const s of signals) process.off(s, handler);
  };
}

/**
 * Runs an exec attached to our terminal as `docker exec` does: create, start hijacked, stream
 * (raw mode and resizes with a TTY), then its exit code from inspect. Detached: started, 0.
 */
export async function runExec(cli: Cli, containerId: string, body: ExecCreateBody): Promise<number> {
  const client = cli.client();
  const tty = !!body.Tty;
  const { Id } = await client.exec.create(containerId, body);
  if (body.Detach) {
    await client.exec.start(Id, { Tty: tty, ConsoleSize: body.ConsoleSize });
    return 0;
  }
  const conn = await client.exec.startAttached(Id, { Tty: tty, ConsoleSize: body.ConsoleSize });
  const session = streamHijacked(cli, conn, { tty, stdin: !!body.AttachStdin });
  const stopResize = tty && cli.stdout.isTTY ? monitorResize(cli, (size) => client.exec.resize(Id, size)) : undefined;
  try {
    await session.output.catch((e: Error) => cli.err(`${e.message}\n`));
  } finally {
    session.close();
    stopResize?.();
  }
  return (await client.exec.inspect(Id)).ExitCode ?? 0;
}
