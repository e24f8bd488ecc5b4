// What every compose operation works with: the engine client, the loaded project, where it came
// from (for labels) and where progress and warnings go.
import path from 'node:path';
import type { EngineClient } from '../client/client.js';
import type { Project, ServiceConfig } from './model.js';
import type { ProjectOrigin } from './naming.js';
import type { ProgressSink } from './progress.js';

export interface Session {
  client: EngineClient;
  project: Project;
  origin: ProjectOrigin;
  progress: ProgressSink;
  /** Compose's logrus warnings ("WARN[0000] …"), on stderr. */
  warn: (message: string) => void;
  /** Services the file defines but leaves out (profiles, selection): their containers are no orphans. */
  disabled?: readonly string[];
}

/** Containers of services neither in the project nor disabled: orphans. */
export function isOrphanService(s: Session, service: string): boolean {
  return !s.project.services[service] && !s.disabled?.includes(service);
}

/** The number of containers a service wants: --scale, else `scale`/`deploy.replicas`, else 1. */
export function serviceScale(svc: ServiceConfig, override?: number): number {
  if (override !== undefined) return override;
  return svc.scale ?? svc.deploy?.replicas ?? 1;
}

/** The selected services, checked against the project (compose's "no such service: x"). */
export function selectServices(project: Project, names: readonly string[]): string[] {
  for (const n of names) if (!project.services[n]) throw new Error(`no such service: ${n}`);
  return names.length ? [...names] : Object.keys(project.services);
}

/** The compose file(s) for error messages: relative to the project directory when inside it. */
export function originFiles(s: Session): string | undefined {
  const files = s.origin.configFiles.map((f) => {
    const rel = path.relative(s.origin.workingDir, f);
    return rel && !rel.startsWith('..') ? rel : f;
  });
  return files.length ? files.join(', ') : undefined;
}
