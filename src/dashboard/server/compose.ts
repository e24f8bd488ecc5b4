// The compose projects page's server side: berth's own compose code (src/compose: the loader and
// the up/down/restart apply layer, itself an Engine API client) run in the dashboard process
// against the chosen engine. The compose files are read on the dashboard's machine: from the
// path the user typed, or from the project's com.docker.compose.project.config_files label.
// Each action streams compose's progress events and warnings as NDJSON while it runs, then done or
// the error as `berth compose` words it.
//
//   GET  /api/hosts/H/compose/file?project=P | ?file=PATH   the files, the load error, hashes, depends_on
//   POST /api/hosts/H/compose/up?file=PATH[&file=…][&project=P]
//   POST /api/hosts/H/compose/{up,rebuild,start,stop,restart,down}?project=P[&service=S…]
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import type { ContainerSummary } from '../../api-types/containers.js';
import { down, stop } from '../../compose/down.js';
import { describeError } from '../../client/errors.js';
import { serviceHash } from '../../compose/hash.js';
import { ComposeError, loadProject } from '../../compose/loader/index.js';
import { ComposeLabels } from '../../compose/naming.js';
import { projectContainers } from '../../compose/observe.js';
import { restart } from '../../compose/restart.js';
import type { Session } from '../../compose/session.js';
import { converge, startExisting, startServices } from '../../compose/up.js';
import { dependenciesOf } from '../../compose/waiting.js';
import { COMPOSE_ACTIONS, type ComposeAction, type ComposeFileView, type ComposeStreamLine } from '../protocol.js';
import { startStream } from './routes/route.js';
import { answer, type ActionResult } from './actions.js';
import type { EngineHost } from './hosts.js';


export function isComposeAction(a: string): a is ComposeAction {
  return (COMPOSE_ACTIONS as readonly string[]).includes(a);
}

/** Where a project's files are: the `file` parameters, else the labels of its containers. */
async function locate(host: EngineHost, q: URLSearchParams): Promise<{ project?: string; files: string[]; workingDir?: string; containers: ContainerSummary[] }> {
  const typed = q.getAll('file').filter(Boolean);
  const project = q.get('project') || undefined;
  if (typed.length) {
    for (const f of typed) if (!path.isAbsolute(f)) throw new ComposeError(`${f}: give the compose file's absolute path on the dashboard's machine`);
    return { project, files: typed, containers: [] };
  }
  if (!project) throw new ComposeError('no compose file and no project named');
  const containers = await projectContainers(host.client, project);
  const labels = containers.find((c) => c.Labels?.[ComposeLabels.configFiles])?.Labels ?? {};
  const files = (labels[ComposeLabels.configFiles] ?? '').split(',').filter(Boolean);
  return { project, files, workingDir: labels[ComposeLabels.workingDir] || undefined, containers };
}

/** Where a compose action's progress goes as it happens (an NDJSON line each, see routes/compose.ts). */
type Send = (line: ComposeStreamLine) => void;

async function open(host: EngineHost, q: URLSearchParams, send: Send, optional: boolean): Promise<Session> {
  const where = await locate(host, q);
  const session: Session = {
    client: host.client,
    project: { name: where.project ?? '', services: {} },
    origin: { workingDir: where.workingDir ?? '/', configFiles: [] },
    progress: (event) => send({ type: 'progress', event }),
    warn: (message) => send({ type: 'warning', message }),
  };
  try {
    if (!where.files.length) throw new ComposeError(`project ${where.project}: its containers name no compose file`);
    const loaded = await loadProject({
      files: where.files,
      cwd: where.workingDir ?? path.dirname(where.files[0]),
      projectDirectory: where.workingDir,
      projectName: where.project,
      discardEnvFiles: true,
      warn: session.warn,
    });
    session.project = loaded.project;
    session.origin = { workingDir: loaded.workingDir, configFiles: loaded.configFiles, envFiles: loaded.envFiles.length ? loaded.envFiles : undefined };
    session.disabled = Object.keys(loaded.disabledServices);
  } catch (e) {
    // stop, down and restart work on the containers alone when the file is gone or broken (as `compose -p P down`).
    if (!optional || !where.project) throw e;
    session.warn(`${e instanceof Error ? e.message : String(e)}; acting on the project's containers only`);
  }
  return session;
}

/**
 * One action, as the berth compose verb of the same name runs it: on the `service` parameters
 * (all services when none). up takes the named services' dependencies along, as `compose up S`
 * does; rebuild is `up --build --force-recreate --no-deps S` (the project's all with no service).
 */
async function run(host: EngineHost, action: ComposeAction, q: URLSearchParams, send: Send): Promise<void> {
  const services = q.getAll('service').filter(Boolean);
  const s = await open(host, q, send, action === 'down' || action === 'restart' || action === 'stop');
  const write = (text: string) => send({ type: 'output', text });
  switch (action) {
    case 'up': {
      const observed = await converge(s, { services, write });
      await startServices(s, observed, { services });
      break;
    }
    case 'rebuild': {
      const observed = await converge(s, { services, noDeps: services.length > 0, build: 'always', recreate: 'force', write });
      await startServices(s, observed, { services, noDeps: services.length > 0 });
      break;
    }
    case 'start':
      await startExisting(s, services);
      break;
    case 'stop':
      await stop(s, services);
      break;
    case 'restart':
      await restart(s, services);
      break;
    case 'down':
      if (services.length) throw new ComposeError('down takes the whole project: stop a service instead');
      await down(s, { removeOrphans: !Object.keys(s.project.services).length });
      break;
  }
}

/** Runs the action, its progress streamed as NDJSON lines while it runs; the last line says done or the error. */
export async function composeAction(host: EngineHost, action: ComposeAction, q: URLSearchParams, res: http.ServerResponse): Promise<undefined> {
  startStream(res);
  const send: Send = (line) => {
    if (!res.writableEnded && !res.destroyed) res.write(`${JSON.stringify(line)}\n`);
  };
  try {
    await run(host, action, q, send);
    send({ type: 'done' });
  } catch (e) {
    // In compose's words: the engine's refusals as "Error response from daemon: …", like the CLI.
    send({ type: 'error', message: describeError(e) });
  } finally {
    res.end();
  }
  return undefined;
}

export function composeFile(host: EngineHost, q: URLSearchParams): Promise<ActionResult> {
  return answer(async (): Promise<ComposeFileView> => {
    const where = await locate(host, q);
    const view: ComposeFileView = { project: where.project, workingDir: where.workingDir, files: [] };
    for (const f of where.files) {
      try {
        view.files.push({ path: f, content: readFileSync(f, 'utf8') });
      } catch (e) {
        view.files.push({ path: f, error: (e as Error).message });
      }
    }
    if (!where.files.length) {
      view.error = `project ${where.project}: its containers name no compose file`;
      return view;
    }
    try {
      const loaded = await loadProject({ files: where.files, cwd: where.workingDir ?? path.dirname(where.files[0]), projectDirectory: where.workingDir, projectName: where.project, discardEnvFiles: true });
      view.project = loaded.project.name;
      view.workingDir = loaded.workingDir;
      view.hashes = Object.fromEntries(Object.entries(loaded.project.services).map(([name, svc]) => [name, serviceHash(svc)]));
      view.dependsOn = dependenciesOf(loaded.project);
    } catch (e) {
      view.error = e instanceof Error ? e.message : String(e);
    }
    return view;
  });
}
