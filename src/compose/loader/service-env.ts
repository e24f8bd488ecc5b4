// A service's final environment and labels (compose-go's WithServicesEnvironmentResolved and
// WithServicesLabelsResolved): `FOO` without a value takes the project environment's FOO; the
// env_files are read in order (later files win, each may use the project environment and the
// service's own values); `environment` wins over them. label_file works the same for labels.
import type { MappingWithEquals, ServiceConfig } from '../model.js';
import { readServiceEnvFile } from './env-files.js';
import { ComposeError } from './errors.js';
import { readFileSync } from 'node:fs';
import { parseDotenv } from './dotenv.js';

export function resolveServiceEnvironment(service: ServiceConfig, projectEnv: Record<string, string>, discardEnvFiles: boolean): void {
  const own: MappingWithEquals = { ...(service.environment ?? {}) };
  for (const [k, v] of Object.entries(own)) if (v === null && Object.hasOwn(projectEnv, k)) own[k] = projectEnv[k];
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(own)) if (v !== null) values[k] = v;
  for (const file of service.env_file ?? []) {
    readServiceEnvFile(file, values, (k) => (Object.hasOwn(projectEnv, k) ? projectEnv[k] : typeof own[k] === 'string' ? own[k] : undefined));
  }
  const env: MappingWithEquals = { ...values, ...own };
  if (Object.keys(env).length > 0) service.environment = env;
  else delete service.environment;
  if (discardEnvFiles) delete service.env_file;
}

export function resolveServiceLabels(service: ServiceConfig, discardLabelFiles: boolean): void {
  if (!service.label_file?.length) return;
  const labels: Record<string, string> = {};
  for (const file of service.label_file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new ComposeError(`label file ${file} not found: stat ${file}: no such file or directory`);
    }
    parseDotenv(text, (k) => labels[k], labels);
  }
  service.labels = { ...labels, ...(service.labels ?? {}) };
  if (discardLabelFiles) delete service.label_file;
}
