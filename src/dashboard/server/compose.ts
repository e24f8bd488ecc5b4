// The compose projects page's server side: berth's own compose code (src/compose: the loader and
// the up/down/restart apply layer, itself an Engine API client) run in the dashboard process
// against the chosen engine. The compose files are read on the dashboard's machine: from the
// path the user typed, or from the project's com.docker.compose.project.config_files label.
// Each action answers with compose's progress events and warnings, as `berth compose` prints them.
//
//   GET  /api/hosts/H/compose/file?project=P | ?file=PATH   the files, the load error, service hashes
//   POST /api/hosts/H/compose/up?file=PATH[&file=…][&project=P]
//   POST /api/hosts/H/compose/{up,rebuild,restart,down}?project=P
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ContainerSummary } from '../../api-types/containers.js';
import { down } from '../../compose/down.js';
import { serviceHash } from '../../compose/hash.js';
import { ComposeError, loadProject } from '../../compose/loader/index.js';
import { ComposeLabels } from '../../compose/naming.js';
import { projectContainers } from '../../compose/observe.js';
import { restart } from '../../compose/restart.js';
import type { Session } from '../../compose/session.js';
import { converge, startServices } from '../../compose/up.js';
import { COMPOSE_ACTIONS, type ComposeAction, type ComposeActionResult, type ComposeFileView } from '../protocol.js';
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

async function open(host: EngineHost, q: URLSearchParams, result: ComposeActionResult, optional: boolean): Promise<Session> {
  const where = await locate(host, q);
  const session: Session = {
    client: host.client,
    project: { name: where.project ?? '', services: {} },
    origin: { workingDir: where.workingDir ?? '/', configFiles: [] },
    progress: (e) => result.events.push(e),
    warn: (m) => result.warnings.push(m),
  };
  try {
    if (!where.files.length) throw new ComposeError(`project ${where.project}: its containers name no compose file`);
    const loaded = await loadProject({
      files: where.files,
      cwd: where.workingDir ?? path.dirname(where.files[0]),
      projectDirectory: where.workingDir,
      projectName: where.project,
      discardEnvFiles: true,
      warn: (m) => result.warnings.push(m),
    });
    session.project = loaded.project;
    session.origin = { workingDir: loaded.workingDir, configFiles: loaded.configFiles, envFiles: loaded.envFiles.length ? loaded.envFiles : undefined };
    session.disabled = Object.keys(loaded.disabledServices);
  } catch (e) {
    // down and restart work on the containers alone when the file is gone or broken (as `compose -p P down`).
    if (!optional || !where.project) throw e;
    result.warnings.push(`${e instanceof Error ? e.message : String(e)}; acting on the project's containers only`);
  }
  return session;
}

async function run(host: EngineHost, action: ComposeAction, q: URLSearchParams): Promise<ComposeActionResult> {
  const result: ComposeActionResult = { events: [], warnings: [] };
  const s = await open(host, q, result, action === 'down' || action === 'restart');
  switch (action) {
    case 'up':
    case 'rebuild': {
      const observed = await converge(s, action === 'rebuild' ? { build: 'always', recreate: 'force' } : {});
      await startServices(s, observed);
      break;
    }
    case 'restart':
      await restart(s, []);
      break;
    case 'down':
      await down(s, { removeOrphans: !Object.keys(s.project.services).length });
      break;
  }
  return result;
}

export function composeAction(host: EngineHost, action: ComposeAction, q: URLSearchParams): Promise<ActionResult> {
  return answer(() => run(host, action, q));
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
    } catch (e) {
      view.error = e instanceof Error ? e.message : String(e);
    }
    return view;
  });
}
