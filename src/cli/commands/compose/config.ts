// berth compose config: parse, resolve and print the compose model as `docker compose config` does.
import { writeFile } from 'node:fs/promises';
import type { Cli, CommandSpec } from '../../cli.js';
import { UsageError } from '../../errors.js';
import { loadProject } from '../../../compose/loader/index.js';
import { renderProject } from '../../../compose/render.js';
import { servicesInDependencyOrder } from '../../../compose/graph.js';
import { composeOptions } from './options.js';

export const spec: CommandSpec = {
  usage: 'compose config [OPTIONS] [SERVICE...]',
  description: 'Parse, resolve and render compose file in canonical format',
  flags: [
    { name: 'format', kind: 'string', desc: 'Format the output. Values: [yaml | json]' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: "Only validate the configuration, don't print anything" },
    { name: 'no-interpolate', kind: 'bool', desc: "Don't interpolate environment variables" },
    { name: 'no-path-resolution', kind: 'bool', desc: "Don't resolve file paths" },
    { name: 'no-consistency', kind: 'bool', desc: "Don't check model consistency - warning: may produce invalid Compose output" },
    { name: 'no-env-resolution', kind: 'bool', desc: "Don't resolve service env files" },
    { name: 'no-normalize', kind: 'bool', hidden: true },
    { name: 'services', kind: 'bool', desc: 'Print the service names, one per line.' },
    { name: 'volumes', kind: 'bool', desc: 'Print the volume names, one per line.' },
    { name: 'networks', kind: 'bool', desc: 'Print the network names, one per line.' },
    { name: 'profiles', kind: 'bool', desc: 'Print the profile names, one per line.' },
    { name: 'images', kind: 'bool', desc: 'Print the image names, one per line.' },
    { name: 'environment', kind: 'bool', desc: 'Print environment used for interpolation.' },
    { name: 'output', short: 'o', kind: 'string', desc: 'Save to file (default to stdout)' },
  ],
};

export default async function config(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const { load } = composeOptions(cli);
  const services = flags.positionals;
  const lines = (items: Iterable<string>) => {
    let text = '';
    for (const item of items) text += `${item}\n`;
    if (!flags.bool('quiet')) cli.out(text);
    return 0;
  };
  const loaded = await loadProject({
    ...load,
    services: flags.bool('services') || flags.bool('volumes') || flags.bool('networks') ? [] : services,
    noInterpolate: flags.bool('no-interpolate'),
    noPathResolution: flags.bool('no-path-resolution'),
    noConsistency: flags.bool('no-consistency'),
    noEnvResolution: flags.bool('no-env-resolution'),
    discardEnvFiles: !flags.bool('no-env-resolution'),
  });
  const { project } = loaded;
  if (flags.bool('services')) return lines(servicesInDependencyOrder(project));
  if (flags.bool('volumes')) return lines(Object.keys(project.volumes ?? {}).sort());
  if (flags.bool('networks')) return lines(Object.keys(project.networks ?? {}).sort());
  if (flags.bool('profiles')) {
    const all = [...Object.values(project.services), ...Object.values(loaded.disabledServices)];
    return lines([...new Set(all.flatMap((s) => s.profiles ?? []))].sort());
  }
  if (flags.bool('images')) return lines(Object.keys(project.services).sort().map((name) => project.services[name].image || `${project.name}-${name}`));
  if (flags.bool('environment')) return lines(Object.entries(loaded.environment).map(([k, v]) => `${k}=${v}`));
  const format = flags.string('format') || 'yaml';
  if (format !== 'yaml' && format !== 'json') throw new UsageError(`unsupported format "${format}"`);
  let content = renderProject(project, format);
  // Interpolated values are printed escaped again, so the output loads back to the same model.
  if (!flags.bool('no-interpolate')) content = content.replace(/\$/g, '$$$$');
  if (flags.bool('quiet')) return 0;
  if (flags.string('output')) await writeFile(flags.string('output'), content, { mode: 0o666 });
  else cli.out(content);
  return 0;
}
