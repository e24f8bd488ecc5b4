// What a compose-corpus case (test/fixtures/compose-corpus/<name>/checks.json) declares, and the
// checks that hold a running project to it. A case names services, networks and volumes as its
// compose file does; the checks find the containers by Compose's labels, so the same case holds
// for berth compose (`p-web-1`) and docker-compose 1.29 (`p_web_1`) alike.
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import type { Daemon } from '../harness.js';
import { ok } from '../support/assert.js';
import { httpGetEventually } from '../network/docker-support.js';

/** Service expectations: counts of containers by state, and their health or restart count. */
export interface ServiceExpect {
  running?: number;
  exited?: number;
  exitCode?: number;
  /** healthy | unhealthy | starting | none (no healthcheck at all). */
  health?: string;
  restartCount?: number;
  /** The service is not enabled (a profile left out): no container at all. */
  absent?: boolean;
}

/** A URL fetched with wget from a throwaway client container on one of the project's networks. */
export interface ReachCheck {
  /** The network's key in the file (`default`, `front`…): the client joins `<project>_<key>`. */
  network?: string;
  /** Or the name of an external network variable (see externalNetworks). */
  externalNetwork?: string;
  url: string;
  body?: string;
  bodyMatch?: string;
  /** The URL must not be reachable (name not resolvable or no route). */
  fails?: boolean;
}

export interface HostHttpCheck {
  /** The env variable holding a published port on 127.0.0.1. */
  port?: string;
  /** Every host port a container port is published on (random ones included). */
  allPublishedOf?: { service: string; port: string };
  body: string;
}

export interface ExecCheck {
  service: string;
  sh: string;
  stdout?: string;
  stdoutMatch?: string;
}

export interface InspectCheck {
  /** A service (its first container) or a network key. */
  service?: string;
  network?: string;
  /** Keys into the inspect JSON: an array, or a dotted string when no key holds a dot. */
  path: (string | number)[] | string;
  equals?: unknown;
  equalsOneOf?: unknown[];
  absent?: boolean;
}

export interface CorpusCase {
  about: string;
  /** Why docker-compose 1.29 cannot run this file; the case then runs with berth compose only. */
  dockerCompose?: string;
  /** -f files, in order (default: the directory's compose.yaml found by the tool). */
  files?: string[];
  profiles?: string[];
  /** Extra environment for the compose tool. */
  env?: Record<string, string>;
  /** Variables set to free host ports (for `${WEB_PORT}` in the file). */
  ports?: string[];
  /** Variables set to the names of networks the test creates beforehand and removes after. */
  externalNetworks?: string[];
  services: Record<string, ServiceExpect>;
  reach?: ReachCheck[];
  hostHttp?: HostHttpCheck[];
  exec?: ExecCheck[];
  inspect?: InspectCheck[];
  /** Network keys that must exist as `<project>_<key>` after up. */
  networks?: string[];
  /** Volume keys that must exist as `<project>_<key>` after up (and be gone after down -v). */
  volumes?: string[];
  /** Volumes with a name of their own (after substitution). */
  volumesNamed?: string[];
  volumeLabels?: { volume: string; label: string; equals: string }[];
  /** Files the containers write into the project directory (bind mounts), relative to it. */
  hostFiles?: { path: string; content: string }[];
  /** Images the up must have built or tagged. */
  images?: string[];
}

/** Replaces `${NAME}` in every string of a case with vars[NAME] (PROJECT, ports, env). */
export function substitute<T>(value: T, vars: Record<string, string>): T {
  const sub = (s: string) => s.replace(/\$\{([A-Z_][A-Z0-9_]*)\}/g, (m, k: string) => vars[k] ?? m);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return sub(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [sub(k), walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/** Retries an assertion until it holds or `ms` passed; the last failure is thrown. */
export async function eventually<T>(what: string, fn: () => Promise<T>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if (Date.now() > until) throw new Error(`${what}: still failing after ${ms} ms: ${(e as Error).message}`, { cause: e });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export interface ContainerSummary {
  Id: string;
  Names: string[];
  State: string;
  Status: string;
  Labels: Record<string, string>;
}

/** The project's containers (one-offs included) through the Engine API. */
export async function projectContainers(d: Daemon, project: string): Promise<ContainerSummary[]> {
  const filters = encodeURIComponent(JSON.stringify({ label: [`com.docker.compose.project=${project}`] }));
  const r = await d.api('GET', `/containers/json?all=1&filters=${filters}`);
  assert.equal(r.status, 200, r.text);
  return r.json as ContainerSummary[];
}

export async function inspectContainer(d: Daemon, id: string): Promise<any> {
  const r = await d.api('GET', `/containers/${id}/json`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

/** The service's containers, by container number. */
async function serviceContainers(d: Daemon, project: string, service: string): Promise<ContainerSummary[]> {
  const all = await projectContainers(d, project);
  return all
    .filter((c) => c.Labels['com.docker.compose.service'] === service && c.Labels['com.docker.compose.oneoff'] !== 'True')
    .sort((a, b) => Number(a.Labels['com.docker.compose.container-number']) - Number(b.Labels['com.docker.compose.container-number']));
}

async function firstContainer(d: Daemon, project: string, service: string): Promise<ContainerSummary> {
  const list = await serviceContainers(d, project, service);
  assert.ok(list.length > 0, `no container for service ${service}`);
  return list[0];
}

export async function checkServices(d: Daemon, project: string, services: Record<string, ServiceExpect>): Promise<void> {
  await Promise.all(
    Object.entries(services).map(([name, want]) =>
      eventually(`service ${name}`, async () => {
        const list = await serviceContainers(d, project, name);
        if (want.absent) {
          assert.equal(list.length, 0, `${name} should have no container`);
          return;
        }
        const states = await Promise.all(list.map((c) => inspectContainer(d, c.Id)));
        const running = states.filter((s) => s.State.Running);
        const exited = states.filter((s) => s.State.Status === 'exited');
        const desc = states.map((s) => `${s.Name} ${s.State.Status} exit=${s.State.ExitCode} restarts=${s.RestartCount} health=${s.State.Health?.Status ?? 'none'}`).join('; ');
        if (want.running !== undefined) assert.equal(running.length, want.running, `${name} running: ${desc}`);
        if (want.exited !== undefined) assert.equal(exited.length, want.exited, `${name} exited: ${desc}`);
        if (want.exitCode !== undefined) for (const s of exited) assert.equal(s.State.ExitCode, want.exitCode, `${name} exit code: ${desc}`);
        if (want.restartCount !== undefined) for (const s of states) assert.equal(s.RestartCount, want.restartCount, `${name} restarts: ${desc}`);
        if (want.health !== undefined) for (const s of states) assert.equal(s.State.Health?.Status ?? 'none', want.health, `${name} health: ${desc}`);
      }, 30_000),
    ),
  );
}

/** A shell script for one client container: each URL retried until it answers (or, for `fails`, tried once). */
function reachScript(checks: ReachCheck[]): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return checks
    .map((c, i) => {
      // busybox 1.35 wget crashes with -T: the time limit is timeout's.
      const get = `timeout 3 wget -q -O /tmp/r${i} ${q(c.url)} 2>/dev/null`;
      if (c.fails) return `if ${get}; then echo "@@${i} reached"; else echo "@@${i} failed"; fi`;
      return `n=0; until ${get}; do n=$((n+1)); [ $n -ge 75 ] && break; sleep 0.2; done; echo "@@${i} body"; cat /tmp/r${i} 2>/dev/null`;
    })
    .join('\n');
}

/** Runs the reach checks, one client container per network, and asserts each answer. */
export async function checkReach(d: Daemon, project: string, checks: ReachCheck[], externals: Record<string, string>): Promise<void> {
  const byNet = new Map<string, ReachCheck[]>();
  for (const c of checks) {
    const net = c.externalNetwork ? externals[c.externalNetwork] : `${project}_${c.network ?? 'default'}`;
    byNet.set(net, [...(byNet.get(net) ?? []), c]);
  }
  await Promise.all(
    [...byNet].map(async ([net, list]) => {
      const out = ok(await d.docker(['run', '--rm', '--network', net, 'busybox', 'sh', '-c', reachScript(list)], { timeoutMs: 60_000 }), `client on ${net}`);
      const parts = out.split(/^@@(\d+) /m);
      const answers = new Map<number, string>();
      for (let i = 1; i < parts.length; i += 2) answers.set(Number(parts[i]), parts[i + 1]);
      list.forEach((c, i) => {
        const a = answers.get(i) ?? '';
        if (c.fails) return assert.match(a, /^failed/, `${c.url} from ${net} should fail: ${a}`);
        const body = a.replace(/^body\n/, '').trim();
        if (c.body !== undefined) assert.equal(body, c.body, `${c.url} from ${net}`);
        if (c.bodyMatch !== undefined) assert.match(body, new RegExp(c.bodyMatch), `${c.url} from ${net}`);
      });
    }),
  );
}

export async function checkHostHttp(d: Daemon, project: string, checks: HostHttpCheck[], vars: Record<string, string>): Promise<void> {
  for (const c of checks) {
    const ports: number[] = [];
    if (c.port) ports.push(Number(vars[c.port]));
    if (c.allPublishedOf) {
      const ct = await inspectContainer(d, (await firstContainer(d, project, c.allPublishedOf.service)).Id);
      const bindings = (ct.NetworkSettings.Ports?.[c.allPublishedOf.port] ?? []) as { HostIp: string; HostPort: string }[];
      assert.ok(bindings.length > 0, `${c.allPublishedOf.port} of ${c.allPublishedOf.service} is not published`);
      ports.push(...bindings.filter((b) => b.HostIp !== '::').map((b) => Number(b.HostPort)));
    }
    for (const p of ports) assert.equal((await httpGetEventually(p, '127.0.0.1', 15_000)).body.trim(), c.body, `GET 127.0.0.1:${p}`);
  }
}

export async function checkExec(d: Daemon, project: string, checks: ExecCheck[]): Promise<void> {
  for (const c of checks) {
    await eventually(`exec in ${c.service}: ${c.sh}`, async () => {
      const id = (await firstContainer(d, project, c.service)).Id;
      const out = ok(await d.docker(['exec', id, 'sh', '-c', c.sh]), `exec ${c.sh}`).trim();
      if (c.stdout !== undefined) assert.equal(out, c.stdout);
      if (c.stdoutMatch !== undefined) assert.match(out, new RegExp(c.stdoutMatch));
    }, 10_000);
  }
}

function dig(obj: any, p: (string | number)[] | string): { found: boolean; value: unknown } {
  let cur = obj;
  for (const k of typeof p === 'string' ? p.split('.') : p) {
    if (cur === null || typeof cur !== 'object' || !(k in cur)) return { found: false, value: undefined };
    cur = cur[k];
  }
  return { found: true, value: cur };
}

export async function checkInspect(d: Daemon, project: string, checks: InspectCheck[]): Promise<void> {
  for (const c of checks) {
    const subject = c.service
      ? await inspectContainer(d, (await firstContainer(d, project, c.service)).Id)
      : JSON.parse(ok(await d.docker(['network', 'inspect', `${project}_${c.network}`])))[0];
    const what = `${c.service ?? c.network} ${JSON.stringify(c.path)}`;
    const got = dig(subject, c.path);
    if (c.absent) assert.equal(got.found, false, `${what} should be absent: ${JSON.stringify(got.value)}`);
    if ('equals' in c) assert.deepEqual(got.value, c.equals, what);
    if (c.equalsOneOf) assert.ok(c.equalsOneOf.some((v) => JSON.stringify(v) === JSON.stringify(got.value)), `${what}: ${JSON.stringify(got.value)}`);
  }
}

export async function checkResources(d: Daemon, project: string, dir: string, c: CorpusCase): Promise<void> {
  const nets = ok(await d.docker(['network', 'ls', '--format', '{{.Name}}'])).split('\n');
  for (const n of c.networks ?? []) assert.ok(nets.includes(`${project}_${n}`), `network ${project}_${n} missing: ${nets.join(' ')}`);
  const vols = ok(await d.docker(['volume', 'ls', '--format', '{{.Name}}'])).split('\n');
  for (const v of c.volumes ?? []) assert.ok(vols.includes(`${project}_${v}`), `volume ${project}_${v} missing: ${vols.join(' ')}`);
  for (const v of c.volumesNamed ?? []) assert.ok(vols.includes(v), `volume ${v} missing: ${vols.join(' ')}`);
  for (const l of c.volumeLabels ?? []) {
    const labels = JSON.parse(ok(await d.docker(['volume', 'inspect', `${project}_${l.volume}`])))[0].Labels ?? {};
    assert.equal(labels[l.label], l.equals, `label ${l.label} of volume ${l.volume}`);
  }
  for (const f of c.hostFiles ?? []) {
    await eventually(`host file ${f.path}`, async () => assert.equal((await fsp.readFile(path.join(dir, f.path), 'utf8')).trim(), f.content), 10_000);
  }
  for (const i of c.images ?? []) ok(await d.docker(['image', 'inspect', '--format', '{{.Id}}', i]), `image ${i}`);
}
