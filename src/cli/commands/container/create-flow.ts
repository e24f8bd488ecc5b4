// Creating a container as `docker run`/`docker create` do: honour --pull, and when the daemon
// says the image is missing, announce it, pull it (progress on stderr) and create again.
import { existsSync, readFileSync } from 'node:fs';
import { ApiError } from '../../../client/errors.js';
import type { Cli } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { PROG } from '../../cli.js';
import { displayName, pullImage } from '../../pull.js';
import { atomicWriteSync } from '../../util/atomic.js';
import { terminalSize } from '../../attach.js';
import type { CreateEnv, CreateRequest } from './create-opts.js';
import type { ContainerCreateResponse } from '../../../api-types/containers.js';

export type Created = ContainerCreateResponse;

export function createEnv(cli: Cli): CreateEnv {
  return {
    readFile: (p) => readFileSync(p, 'utf8'),
    lookupEnv: (n) => process.env[n],
    consoleSize: terminalSize(cli),
  };
}

/** The message docker prints for a failed run/create, with its exit status. */
export function runError(verb: string, message: string, status = 125): StatusError {
  return new StatusError(`${PROG}: ${message}\n\nRun '${PROG} ${verb} --help' for more information`, status);
}

/** Exit status for a start failure: 127 not found, 126 cannot invoke, else 125 (docker's toStatusError). */
export function startFailureStatus(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/i.test(message)) return 127;
  if (/permission denied|is a directory/i.test(message)) return 126;
  return 125;
}

export async function createContainer(cli: Cli, req: CreateRequest, verb: string, quiet = false): Promise<Created> {
  if (req.cidfile && existsSync(req.cidfile)) {
    throw runError(verb, `Container ID file found, make sure the other container isn't running or delete ${req.cidfile}`);
  }
  const progressOut = quiet ? undefined : cli.stderr;
  const create = () => cli.client().containers.create(req.body, { name: req.name, platform: req.platform });
  const pull = async () => {
    try {
      await pullImage(cli, req.image, { platform: req.platform, out: progressOut });
    } catch (e) {
      throw runError(verb, e instanceof ApiError ? `Error response from daemon: ${e.message}` : (e as Error).message);
    }
  };
  let created: Created;
  try {
    if (req.pull === 'always') await pull();
    try {
      created = await create();
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404 || !/no such image/i.test(e.message) || req.pull === 'never') throw e;
      cli.err(`Unable to find image '${displayName(req.image)}' locally\n`);
      await pull();
      created = await create();
    }
  } catch (e) {
    if (e instanceof StatusError) throw e;
    if (e instanceof ApiError) throw runError(verb, `Error response from daemon: ${e.message}`);
    throw runError(verb, (e as Error).message);
  }
  for (const w of created.Warnings ?? []) cli.err(`WARNING: ${w}\n`);
  if (req.cidfile) atomicWriteSync(req.cidfile, created.Id);
  return created;
}
