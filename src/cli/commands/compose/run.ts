// berth compose run: a one-off container of a service (`<project>-<service>-run-<id>`), its
// dependencies started first unless --no-deps; attached unless -d.
import { randomBytes } from 'node:crypto';
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError, UsageError } from '../../errors.js';
import { monitorResize, streamHijacked } from '../../attach.js';
import { createRequest } from '../../../compose/create-request.js';
import { ensureImages } from '../../../compose/images.js';
import type { ServicePortConfig, ServiceConfig, ServiceVolumeConfig } from '../../../compose/model.js';
import { ComposeLabels, SLUG_LABEL, oneOffContainerName, serviceLabels } from '../../../compose/naming.js';
import { converge, startServices } from '../../../compose/up.js';
import { withDependencies } from '../../../compose/graph.js';
import { serviceLinks } from '../../../compose/links.js';
import { byService, projectContainers } from '../../../compose/observe.js';
import { fail, openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose run [OPTIONS] SERVICE [COMMAND] [ARGS...]',
  description: 'Run a one-off command on a service',
  flags: [
    { name: 'detach', short: 'd', kind: 'bool', desc: 'Run container in background and print container ID' },
    { name: 'rm', kind: 'bool', desc: 'Automatically remove the container when it exits' },
    { name: 'env', short: 'e', kind: 'list', desc: 'Set environment variables' },
    { name: 'label', short: 'l', kind: 'list', desc: 'Add or override a label' },
    { name: 'name', kind: 'string', desc: 'Assign a name to the container' },
    { name: 'no-deps', kind: 'bool', desc: "Don't start linked services" },
    { name: 'publish', short: 'p', kind: 'list', desc: "Publish a container's port(s) to the host" },
    { name: 'service-ports', kind: 'bool', desc: "Run command with all service's ports enabled and mapped to the host" },
    { name: 'use-aliases', kind: 'bool', desc: "Use the service's network useAliases in the network(s) the container connects to" },
    { name: 'entrypoint', kind: 'string', desc: 'Override the entrypoint of the image' },
    { name: 'user', short: 'u', kind: 'string', desc: 'Run as specified username or uid' },
    { name: 'workdir', short: 'w', kind: 'string', desc: 'Working directory inside the container' },
    { name: 'volume', short: 'v', kind: 'list', desc: 'Bind mount a volume' },
    { name: 'no-TTY', short: 'T', kind: 'bool', desc: 'Disable pseudo-TTY allocation (default: auto-detected)' },
    { name: 'interactive', short: 'i', kind: 'bool', default: 'true', hidden: true },
    { name: 'tty', short: 't', kind: 'bool', default: 'true', hidden: true },
    { name: 'build', kind: 'bool', desc: 'Build image before starting container' },
    { name: 'quiet-pull', kind: 'bool', desc: 'Pull without printing progress information' },
    { name: 'remove-orphans', kind: 'bool', desc: 'Remove containers for services not defined in the Compose file' },
  ],
  minArgs: 1,
  stopAtPositional: 1,
};

/** `-p [ip:][host:]container[/proto]` as a port entry. */
export function parsePublish(spec: string): ServicePortConfig {
  const [addr, proto = 'tcp'] = spec.split('/');
  const parts = addr.split(':');
  const target = Number(parts.pop());
  if (!Number.isInteger(target)) throw new UsageError(`invalid port specification: "${spec}"`);
  const published = parts.pop();
  const host_ip = parts.length ? parts.join(':') : undefined;
  return { target, published: published || undefined, host_ip, protocol: proto, mode: 'ingress' };
}

function parseVolume(spec: string): ServiceVolumeConfig {
  const [source, target, mode] = spec.split(':');
  if (!target) return { type: 'volume', target: source };
  const bind = source.startsWith('/') || source.startsWith('.');
  return { type: bind ? 'bind' : 'volume', source, target, read_only: mode === 'ro' || undefined, ...(bind ? { bind: { create_host_path: true } } : {}) };
}

export default async function run(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [service, ...command] = flags.positionals;
  const { session: s } = await openProject(cli, { services: [service] });
  const base = s.project.services[service];
  if (!base) throw new StatusError(`no such service: ${service}`, 1);
  const detach = flags.bool('detach');
  if (detach && flags.bool('rm')) throw new UsageError('--rm and -d cannot be combined');
  try {
    if (!flags.bool('no-deps')) {
      const deps = withDependencies(s.project.services, [service]).filter((n) => n !== service);
      if (deps.length) {
        const observed = await converge(s, { services: deps, removeOrphans: flags.bool('remove-orphans') });
        await startServices(s, observed, { services: deps });
      }
    }
  } catch (e) {
    fail(e);
  }
  const images = await ensureImages(s.client, s.project, [service], { build: flags.bool('build') ? 'always' : 'missing', progress: s.progress, write: (t) => cli.err(t) });
  const env = { ...(base.environment ?? {}) };
  for (const e of flags.list('env')) {
    const eq = e.indexOf('=');
    if (eq < 0) env[e] = process.env[e] ?? null;
    else env[e.slice(0, eq)] = e.slice(eq + 1);
  }
  const svc: ServiceConfig = {
    ...base,
    command: command.length ? command : base.command,
    entrypoint: flags.changed('entrypoint') ? (flags.string('entrypoint') ? [flags.string('entrypoint')] : []) : base.entrypoint,
    environment: env,
    user: flags.string('user') || base.user,
    working_dir: flags.string('workdir') || base.working_dir,
    ports: [...(flags.bool('service-ports') ? (base.ports ?? []) : []), ...flags.list('publish').map(parsePublish)],
    volumes: [...(base.volumes ?? []), ...flags.list('volume').map(parseVolume)],
    restart: undefined,
    deploy: base.deploy ? { ...base.deploy, restart_policy: undefined } : undefined,
    stdin_open: flags.bool('interactive') && !detach,
    tty: !flags.bool('no-TTY') && flags.bool('tty') && !!cli.stdin.isTTY && !detach,
    container_name: undefined,
    scale: 1,
  };
  const slug = randomBytes(32).toString('hex');
  const name = flags.string('name') || oneOffContainerName(s.project.name, service, slug);
  const labels: Record<string, string> = { ...(svc.labels ?? {}), ...serviceLabels(s.project.name, service, s.origin, true), [SLUG_LABEL]: slug };
  labels[ComposeLabels.image] = images[service].id;
  for (const l of flags.list('label')) {
    const eq = l.indexOf('=');
    labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
  }
  const existing = byService(await projectContainers(s.client, s.project.name, { oneOff: 'exclude' }));
  const links = serviceLinks(s.project.name, service, svc, -1, (x) => existing.get(x) ?? [], true);
  const body = createRequest({ project: s.project, service, svc, number: 0, name, labels, links, useNetworkAliases: flags.bool('use-aliases'), autoRemove: flags.bool('rm'), attachStdin: svc.stdin_open });
  const client = s.client;
  const { Id: id } = await client.containers.create(body, { name });
  if (detach) {
    await client.containers.start(id);
    cli.out(`${name}\n`);
    return 0;
  }
  const tty = !!svc.tty;
  const conn = await client.containers.attach(id, { stream: true, stdin: !!svc.stdin_open, stdout: true, stderr: true });
  const stream = streamHijacked(cli, conn, { tty, stdin: !!svc.stdin_open });
  const wait = await client.containers.registerWait(id, { condition: flags.bool('rm') ? 'removed' : 'next-exit' });
  try {
    await client.containers.start(id);
  } catch (e) {
    stream.close();
    fail(e);
  }
  const stopResize = tty && cli.stdout.isTTY ? monitorResize(cli, (sz) => client.containers.resize(id, sz)) : undefined;
  try {
    await stream.output.catch((e: Error) => cli.err(`${e.message}\n`));
    const result = await wait.result;
    return result.StatusCode;
  } finally {
    stream.close();
    stopResize?.();
  }
}
