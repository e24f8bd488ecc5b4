// The CNCF distribution registry (Debian's docker-registry) for tests: run from a config file
// written into `dir`, on a random loopback port, storage in `dir`; ready once it logs that it listens.
import { spawn, type ChildProcess } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { freePort } from '../registry/helpers.js';
import { waitForOutput } from './proc.js';

export const DISTRIBUTION_BIN = '/usr/bin/docker-registry';

/** A skip reason when docker-registry is not installed, else false. */
export const distributionSkip: string | false = (await fsp.access(DISTRIBUTION_BIN).then(
  () => true,
  () => false,
))
  ? false
  : 'docker-registry is not installed (apt-get install -y docker-registry)';

export interface Distribution {
  /** `127.0.0.1:<port>`. */
  host: string;
  stop(): Promise<void>;
}

/** `htpasswd`: basic auth with these entries; `deleteEnabled`: the registry accepts DELETE. */
export async function startDistribution(dir: string, o: { htpasswd?: string; deleteEnabled?: boolean } = {}): Promise<Distribution> {
  const port = await freePort();
  const auth = o.htpasswd ? `auth:\n  htpasswd:\n    realm: basic-realm\n    path: ${path.join(dir, 'htpasswd')}\n` : '';
  if (o.htpasswd) await fsp.writeFile(path.join(dir, 'htpasswd'), o.htpasswd);
  const del = o.deleteEnabled ? '  delete:\n    enabled: true\n' : '';
  const config = `version: 0.1\nlog:\n  level: info\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'data')}\n${del}http:\n  addr: 127.0.0.1:${port}\n${auth}`;
  const configFile = path.join(dir, 'config.yml');
  await fsp.writeFile(configFile, config);
  const child: ChildProcess = spawn(DISTRIBUTION_BIN, ['serve', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  // It logs "listening on <addr>" (at level info) once its socket listens.
  try {
    await waitForOutput(child, child.stderr!, /listening on /);
  } catch (e) {
    await stop();
    throw new Error(`docker-registry did not start: ${String(e)}`, { cause: e });
  }
  return { host: `127.0.0.1:${port}`, stop };
}
