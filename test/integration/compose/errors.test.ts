// berth compose up -d on bad input against a real berthd: each mistake (schema, unknown or cyclic
// depends_on, a missing env_file or build context, an image no registry serves) fails naming the
// file and the key and creates nothing; a host port published twice fails at the second start,
// naming it, with the first left running as Docker Compose does. After the file is fixed the next
// up converges and down leaves nothing.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok, fails } from '../support/assert.js';
import type { CmdResult } from '../support/proc.js';
import { cleanupWithNetworks } from '../network/docker-support.js';

const P = 'cerr';
// A host port unlikely to be taken by another test on this machine.
const PORT = 20_000 + Math.floor(Math.random() * 20_000);

const svc = (name: string, extra = ''): string => `  ${name}:\n    image: busybox\n    command: sleep 3600\n    stop_grace_period: 1s\n${extra}`;

describe('berth compose up on bad input', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  let dir: string;
  let file: string;

  const compose = (args: string[]): Promise<CmdResult> =>
    d.berth(['compose', '-p', P, ...args], { cwd: dir, env: { COMPOSE_PROGRESS: 'plain' }, timeoutMs: 60_000 });
  const write = (body: string): Promise<void> => fsp.writeFile(file, `services:\n${body}`);
  const containers = async (): Promise<string[]> =>
    ok(await d.docker(['ps', '-a', '--format', '{{.Names}} {{.State}}', '--filter', `label=com.docker.compose.project=${P}`]))
      .split('\n')
      .filter(Boolean)
      .sort();
  /** up -d fails with `pattern` and leaves no container, network or volume of the project. */
  const failsClean = async (pattern: RegExp | string, what: string): Promise<CmdResult> => {
    const r = fails(await compose(['up', '-d']), pattern, what);
    assert.deepEqual(await containers(), [], `${what}: no container created`);
    assert.equal(ok(await d.docker(['network', 'ls', '-q', '--filter', `name=${P}_`])), '', `${what}: no network created`);
    return r;
  };

  before(async () => {
    d = await startDaemon({ name: 'cerr' });
    dir = await fsp.mkdtemp('/tmp/berth-cerr-');
    file = path.join(dir, 'compose.yaml');
  });
  after(async () => {
    if (d) await compose(['down', '-v', '--remove-orphans', '-t', '1']).catch(() => undefined);
    await cleanupWithNetworks(d);
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it('a schema error names the file and the key', async () => {
    await write(svc('web', '    ports: 8080\n'));
    await failsClean(`validating ${file}: services.web.ports must be a array`, 'schema');
  });

  it('an unknown service in depends_on names the service and the dependency', async () => {
    await write(svc('web', '    depends_on: [nope]\n'));
    await failsClean('service "web" depends on undefined service "nope": invalid compose project', 'depends_on');
  });

  it('a dependency cycle is reported with its path', async () => {
    await write(svc('a', '    depends_on: [b]\n') + svc('b', '    depends_on: [a]\n'));
    await failsClean('dependency cycle detected: a -> b -> a', 'cycle');
  });

  it('a missing env_file names the file', async () => {
    await write(svc('web', '    env_file: ./missing.env\n'));
    const missing = path.join(dir, 'missing.env');
    await failsClean(`env file ${missing} not found: stat ${missing}: no such file or directory`, 'env_file');
  });

  it('a missing build context names the service and the path', async () => {
    await write('  web:\n    build: ./nowhere\n    command: sleep 3600\n');
    await failsClean(`service "web": build context "${path.join(dir, 'nowhere')}" not found (services.web.build.context): invalid compose project`, 'build');
  });

  it('an image no registry serves fails naming the service and image', async () => {
    await write('  web:\n    image: 127.0.0.1:9/nope:1\n');
    const r = await failsClean(/^compose\.yaml: services\.web\.image: .*127\.0\.0\.1:9.*connection refused$/m, 'pull');
    assert.match(r.stderr, /^ web {2}Pulling$/m);
  });

  it('a host port published twice fails at the second start, naming it; the first keeps running', async () => {
    await write(svc('a', `    ports: ["${PORT}:80"]\n`) + svc('b', `    ports: ["${PORT}:80"]\n`));
    const r = fails(await compose(['up', '-d']), new RegExp(`Bind for 0\\.0\\.0\\.0:${PORT} failed: port is already allocated`), 'up with a doubled port');
    // a and b start in parallel: whichever binds first keeps running, the other stays created.
    const states = await containers();
    const loser = states.find((l) => l.endsWith(' created'))?.split(' ')[0];
    assert.ok(loser, states.join(', '));
    assert.equal(states.filter((l) => l.endsWith(' running')).length, 1, states.join(', '));
    assert.match(r.stderr, new RegExp(`^Error response from daemon: driver failed programming external connectivity on endpoint ${loser}\\b`, 'm'));
    assert.match(r.stderr, new RegExp(`^ Container ${loser} {2}Error$`, 'm'));
  });

  it('after the file is fixed, up converges and down leaves nothing', async () => {
    await write(svc('a', `    ports: ["${PORT}:80"]\n`) + svc('b', '    depends_on: [a]\n'));
    ok(await compose(['up', '-d']), 'up after the fix');
    assert.deepEqual(await containers(), [`${P}-a-1 running`, `${P}-b-1 running`]);
    ok(await compose(['down', '-t', '1']), 'down');
    assert.deepEqual(await containers(), []);
    assert.equal(ok(await d.docker(['network', 'ls', '-q', '--filter', `name=${P}_`])), '');
  });
});
