// The compose corpus (test/fixtures/compose-corpus/<case>/): real-world-shaped projects, each
// brought up with berth compose and with Debian's docker-compose 1.29 against one berthd, held
// to what its checks.json declares (services' states and health, URLs answered from a client
// container on each network, published ports from the host, exec and inspect results, volumes,
// networks and host files), then taken down with `down -v`, which must leave no container,
// network, volume, bridge, veth or iptables rule of the project. Cases run six at a time;
// BERTH_CORPUS=a,b runs only the named ones.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { integrationSkipReason, REPO_ROOT, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { runCommand, type CmdResult } from '../support/proc.js';
import { bridgePorts, cleanupWithNetworks, daemonFlag, freeHostPort, iptablesRulesOf, netState, type NetState } from '../network/docker-support.js';
import { checkExec, checkHostHttp, checkInspect, checkReach, checkResources, checkServices, inspectContainer, projectContainers, substitute, type CorpusCase } from './corpus-checks.js';

const CORPUS = path.join(REPO_ROOT, 'test', 'fixtures', 'compose-corpus');
const only = (process.env.BERTH_CORPUS ?? '').split(',').filter(Boolean);
const names = readdirSync(CORPUS)
  .filter((n) => existsSync(path.join(CORPUS, n, 'checks.json')))
  .filter((n) => !only.length || only.includes(n))
  .sort();

type ToolName = 'berth' | 'docker-compose';

function dockerComposeMissing(): string | undefined {
  return spawnSync('sh', ['-c', 'command -v docker-compose'], { stdio: 'ignore' }).status === 0 ? undefined : 'docker-compose (Debian package docker-compose) is not installed: run scripts/bootstrap.sh';
}

describe('compose corpus: berth compose and docker-compose 1.29 on berthd', { skip: integrationSkipReason(), concurrency: 6 }, () => {
  let d: Daemon;
  let netBefore: NetState;
  const dirs: string[] = [];

  before(async () => {
    d = await startDaemon({ name: 'corpus' });
    netBefore = await netState(d);
  });
  after(async () => {
    // After every case: the daemon holds no veth, rule, sandbox or namespace more than at the start.
    try {
      if (d) assert.deepEqual(await netState(d), netBefore);
    } finally {
      await cleanupWithNetworks(d);
      for (const dir of dirs) await fsp.rm(dir, { recursive: true, force: true });
    }
  });

  /** One compose command of either tool in the project's directory. */
  const compose = (tool: ToolName, args: string[], cwd: string, env: Record<string, string>, timeoutMs = 120_000): Promise<CmdResult> =>
    tool === 'berth'
      ? d.berth(['compose', ...args], { cwd, env: { COMPOSE_PROGRESS: 'plain', ...env }, timeoutMs })
      : runCommand('docker-compose', ['--ansi', 'never', ...args], { cwd, env: { ...d.env, ...env }, timeoutMs });

  /** Brings the case up with `tool`, checks it, takes it down and checks nothing is left. */
  async function runCase(name: string, tool: ToolName): Promise<void> {
    const raw = JSON.parse(readFileSync(path.join(CORPUS, name, 'checks.json'), 'utf8')) as CorpusCase;
    const project = `${tool === 'berth' ? 'b' : 'd'}-${name}`;
    const dir = await fsp.mkdtemp(`/tmp/berth-corpus-${name}-`);
    dirs.push(dir);
    await fsp.cp(path.join(CORPUS, name), dir, { recursive: true });
    // The tool's environment: the case's own variables (which may name the project), free host
    // ports, external networks' names. Every check may refer to any of them, and to ${PROJECT}.
    const env: Record<string, string> = substitute(raw.env ?? {}, { PROJECT: project });
    for (const p of raw.ports ?? []) env[p] = String(await freeHostPort());
    const externals: Record<string, string> = {};
    for (const v of raw.externalNetworks ?? []) {
      env[v] = externals[v] = `${project}-ext-${v.toLowerCase()}`;
      ok(await d.docker(['network', 'create', externals[v]]), `create external network ${externals[v]}`);
    }
    const vars = { ...env, PROJECT: project };
    const c = substitute(raw, vars);
    const base = ['-p', project, ...(c.files ?? []).flatMap((f) => ['-f', f]), ...(c.profiles ?? []).flatMap((p) => ['--profile', p])];
    const prefix = daemonFlag(d, '--iptables-prefix');
    let downDone = false;
    try {
      ok(await compose(tool, [...base, 'up', '-d'], dir, env, 240_000), `${tool} up -d`);
      await checkServices(d, project, c.services);
      await checkResources(d, project, dir, c);
      if (c.reach?.length) await checkReach(d, project, c.reach, externals);
      if (c.hostHttp?.length) await checkHostHttp(d, project, c.hostHttp, vars);
      if (c.exec?.length) await checkExec(d, project, c.exec);
      if (c.inspect?.length) await checkInspect(d, project, c.inspect);

      // What the project holds on the host, to be gone after down: its bridges, their veths,
      // and the host ports its containers publish.
      const netIds = ok(await d.docker(['network', 'ls', '--no-trunc', '--format', '{{.ID}} {{.Name}}']))
        .split('\n')
        .filter((l) => l.split(' ')[1]?.startsWith(`${project}_`))
        .map((l) => l.split(' ')[0]);
      const bridges = netIds.map((id) => `br-${id.slice(0, 12)}`);
      const veths = (await Promise.all(bridges.map((b) => bridgePorts(b)))).flat();
      const hostPorts: string[] = [];
      for (const ct of await projectContainers(d, project)) {
        const info = await inspectContainer(d, ct.Id);
        for (const list of Object.values(info.NetworkSettings.Ports ?? {}) as ({ HostPort: string }[] | null)[]) for (const b of list ?? []) hostPorts.push(b.HostPort);
      }

      downDone = true;
      ok(await compose(tool, [...base, 'down', '-v', '-t', '1'], dir, env), `${tool} down -v`);
      assert.deepEqual((await projectContainers(d, project)).map((x) => x.Names[0]), [], 'containers left by down');
      const nets = ok(await d.docker(['network', 'ls', '--format', '{{.Name}}'])).split('\n');
      assert.deepEqual(nets.filter((n) => n.startsWith(`${project}_`)), [], 'networks left by down');
      for (const e of Object.values(externals)) assert.ok(nets.includes(e), `down removed the external network ${e}`);
      const vols = ok(await d.docker(['volume', 'ls', '--format', '{{.Name}}'])).split('\n');
      assert.deepEqual(vols.filter((v) => v.startsWith(`${project}_`) || (c.volumesNamed ?? []).includes(v)), [], 'volumes left by down -v');
      for (const dev of [...bridges, ...veths]) {
        const r = await runCommand('ip', ['link', 'show', dev], { timeoutMs: 5000 });
        assert.notEqual(r.code, 0, `${dev} still exists after down`);
      }
      const rules = (await iptablesRulesOf(prefix)).filter((l) => bridges.some((b) => l.includes(b)) || hostPorts.some((p) => l.includes(`--dport ${p} `) || l.endsWith(`--dport ${p}`)));
      assert.deepEqual(rules, [], 'iptables rules left by down');
    } finally {
      // A failed case still takes its project down, so the next cases and the final check run clean.
      if (!downDone) await compose(tool, [...base, 'down', '-v', '-t', '1'], dir, env);
      const left = await projectContainers(d, project);
      if (left.length) await d.docker(['rm', '-f', '-v', ...left.map((x) => x.Id)], { timeoutMs: 60_000 });
      for (const e of Object.values(externals)) await d.docker(['network', 'rm', e]);
    }
  }

  for (const name of names) {
    const c = JSON.parse(readFileSync(path.join(CORPUS, name, 'checks.json'), 'utf8')) as CorpusCase;
    // The two tools one after the other: some cases fix subnets and addresses.
    describe(`${name}: ${c.about}`, { concurrency: 1 }, () => {
      it('berth compose', () => runCase(name, 'berth'));
      it('docker-compose 1.29', { skip: c.dockerCompose ?? dockerComposeMissing() }, () => runCase(name, 'docker-compose'));
    });
  }


});
