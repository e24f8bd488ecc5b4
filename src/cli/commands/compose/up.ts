// berth compose up: create and start the project's containers, converging on what runs; without
// -d, follow their output until they exit (Ctrl+C stops them); on a terminal, in the live view
// (up-live.ts) unless --no-tui.
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError, UsageError } from '../../errors.js';
import { Attacher, type ExitInfo } from '../../../compose/attach.js';
import { kill, stop as stopProject } from '../../../compose/down.js';
import { LogPrinter } from '../../../compose/log-printer.js';
import { shortName } from '../../../compose/naming.js';
import { PULL_POLICIES } from '../../../compose/images.js';
import { converge, scopeOf, startServices, waitHealthy, type CreateOptions } from '../../../compose/up.js';
import type { RecreatePolicy } from '../../../compose/plan.js';
import { wantLiveView } from './live.js';
import { fail, openProject } from './project.js';
import { upLive } from './up-live.js';

export const spec: CommandSpec = {
  usage: 'compose up [OPTIONS] [SERVICE...]',
  description: 'Create and start containers',
  flags: [
    { name: 'detach', short: 'd', kind: 'bool', desc: 'Detached mode: Run containers in the background' },
    { name: 'build', kind: 'bool', desc: 'Build images before starting containers' },
    { name: 'no-build', kind: 'bool', desc: "Don't build an image, even if it's policy" },
    { name: 'force-recreate', kind: 'bool', desc: "Recreate containers even if their configuration and image haven't changed" },
    { name: 'no-recreate', kind: 'bool', desc: "If containers already exist, don't recreate them. Incompatible with --force-recreate." },
    { name: 'always-recreate-deps', kind: 'bool', desc: 'Recreate dependent containers. Incompatible with --no-recreate.' },
    { name: 'scale', kind: 'list', desc: 'Scale SERVICE to NUM instances. Overrides the `scale` setting in the Compose file if present.' },
    { name: 'wait', kind: 'bool', desc: 'Wait for services to be running|healthy. Implies detached mode.' },
    { name: 'wait-timeout', kind: 'int', desc: 'Maximum duration in seconds to wait for the project to be running|healthy' },
    { name: 'remove-orphans', kind: 'bool', desc: "Remove containers for services not defined in the Compose file" },
    { name: 'abort-on-container-exit', kind: 'bool', desc: 'Stops all containers if any container was stopped. Incompatible with -d' },
    { name: 'abort-on-container-failure', kind: 'bool', desc: 'Stops all containers if any container exited with failure. Incompatible with -d' },
    { name: 'exit-code-from', kind: 'string', desc: 'Return the exit code of the selected service container. Implies --abort-on-container-exit' },
    { name: 'no-deps', kind: 'bool', desc: "Don't start linked services" },
    { name: 'no-start', kind: 'bool', desc: "Don't start the services after creating them" },
    { name: 'timeout', short: 't', kind: 'int', desc: 'Use this timeout in seconds for container shutdown when attached or when containers are already running' },
    { name: 'no-color', kind: 'bool', desc: 'Produce monochrome output' },
    { name: 'no-log-prefix', kind: 'bool', desc: "Don't print prefix in logs" },
    { name: 'timestamps', kind: 'bool', desc: 'Show timestamps' },
    { name: 'renew-anon-volumes', short: 'V', kind: 'bool', desc: 'Recreate anonymous volumes instead of retrieving data from the previous containers' },
    { name: 'quiet-pull', kind: 'bool', desc: 'Pull without printing progress information' },
    { name: 'pull', kind: 'string', desc: 'Pull image before running ("always"|"missing"|"never"|"build")' },
    { name: 'attach', kind: 'list', desc: 'Restrict attaching to the specified services' },
    { name: 'no-attach', kind: 'list', desc: "Do not attach (stream logs) to the specified services" },
    { name: 'yes', short: 'y', kind: 'bool', desc: 'Assume "yes" as answer to all prompts and run non-interactively' },
    { name: 'no-tui', kind: 'bool', desc: 'Plain line output instead of the live view' },
    { name: 'watch', short: 'w', kind: 'bool', desc: 'Watch source code and rebuild/refresh containers when files are updated.' },
  ],
};

function parseScale(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) {
    const [name, n] = v.split('=');
    if (!name || n === undefined || !/^\d+$/.test(n)) throw new UsageError(`invalid --scale value "${v}": expected SERVICE=NUM`);
    out[name] = Number(n);
  }
  return out;
}

export default async function up(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const services = flags.positionals;
  if (flags.bool('force-recreate') && flags.bool('no-recreate')) throw new UsageError('--force-recreate and --no-recreate are incompatible');
  if (flags.bool('build') && flags.bool('no-build')) throw new UsageError('--build and --no-build are incompatible');
  const exitCodeFrom = flags.string('exit-code-from');
  const abortOnExit = flags.bool('abort-on-container-exit') || !!exitCodeFrom;
  const detach = flags.bool('detach') || flags.bool('wait');
  const watching = flags.bool('watch');
  if (detach && (abortOnExit || flags.bool('abort-on-container-failure') || flags.list('attach').length || watching)) {
    throw new UsageError(`--${flags.bool('wait') ? 'wait' : 'detach'} cannot be combined with --abort-on-container-exit, --abort-on-container-failure, --attach, --attach-dependencies or --watch`);
  }
  if (flags.bool('no-build') && watching) throw new UsageError('--no-build and --watch are incompatible');
  const pull = flags.changed('pull') ? flags.string('pull') : undefined;
  if (pull !== undefined && !PULL_POLICIES.includes(pull)) throw new StatusError(`invalid --pull option "${pull}"`, 1);
  const { session: s, options } = await openProject(cli, { services });
  // Checked before anything is created: compose refuses a watch without develop sections up front.
  // Loaded only for --watch: it brings the watcher and the pattern matcher.
  const watchMod = watching ? await import('../../../compose/watch.js') : undefined;
  const watchScope = watchMod?.watchRules(s, scopeOf(s, services, true));
  if (exitCodeFrom && !s.project.services[exitCodeFrom]) throw new StatusError(`no such service: ${exitCodeFrom}`, 1);
  const recreate: RecreatePolicy = flags.bool('force-recreate') ? 'force' : flags.bool('no-recreate') ? 'never' : 'diverged';
  const timeout = flags.changed('timeout') ? flags.int('timeout') : undefined;
  const createOptions: CreateOptions = {
    services,
    noDeps: flags.bool('no-deps'),
    recreate,
    removeOrphans: flags.bool('remove-orphans'),
    scale: parseScale(flags.list('scale')),
    timeout,
    pull,
    build: flags.bool('build') ? 'always' : flags.bool('no-build') ? 'never' : 'missing',
    inherit: !flags.bool('renew-anon-volumes'),
    write: (t) => cli.err(t),
  };
  const attachedServices = (scope: string[]) => {
    const attachOnly = flags.list('attach');
    const noAttach = new Set(flags.list('no-attach'));
    return new Set(scope.filter((n) => (attachOnly.length ? attachOnly.includes(n) : s.project.services[n]?.attach !== false) && !noAttach.has(n)));
  };
  // --watch keeps the plain output: its sync and rebuild lines go with the logs.
  if (!detach && !watching && !flags.bool('no-start') && wantLiveView(cli, options, flags.bool('no-tui'))) {
    let scope: string[] = [];
    try {
      scope = scopeOf(s, services, flags.bool('no-deps'));
    } catch (e) {
      fail(e);
    }
    return upLive(cli, s, { options, create: createOptions, attached: attachedServices(scope), timeout, abortOnExit, abortOnFailure: flags.bool('abort-on-container-failure'), exitCodeFrom, color: !flags.bool('no-color') });
  }
  let observed;
  try {
    observed = await converge(s, createOptions);
  } catch (e) {
    fail(e);
  }
  if (flags.bool('no-start')) return 0;
  const scope = scopeOf(s, services, flags.bool('no-deps'));
  if (detach) {
    try {
      await startServices(s, observed, { services, noDeps: flags.bool('no-deps') });
      if (flags.bool('wait')) await waitHealthy(s, observed, scope, flags.changed('wait-timeout') ? flags.int('wait-timeout') : undefined);
    } catch (e) {
      fail(e);
    }
    return 0;
  }

  // Attached: follow the output of the services in scope (those with `attach: false` left out).
  const attached = attachedServices(scope);
  const printer = new LogPrinter((t) => cli.out(t), (t) => cli.err(t), { color: !flags.bool('no-color') && !!cli.stdout.isTTY, prefix: !flags.bool('no-log-prefix'), timestamps: flags.bool('timestamps') });
  const attacher = new Attacher(s.client, s.project.name, printer);
  const names = [...attached].flatMap((n) => (observed.get(n) ?? []).map((c) => shortName(s.project.name, c)));
  cli.out(`Attaching to ${names.sort().join(', ')}\n`);
  let interrupted = 0;
  let abortedBy: ExitInfo | undefined;
  let stopping: Promise<void> | undefined;
  const watchAbort = new AbortController();
  const stopAll = (): Promise<void> => {
    watchAbort.abort();
    stopping ??= (async () => {
      await stopProject(s, [], timeout);
      attacher.stop();
    })();
    return stopping;
  };
  const onSigint = () => {
    interrupted++;
    if (interrupted === 1) {
      cli.err('Gracefully stopping... (press Ctrl+C again to force)\n');
      void stopAll().catch((e: unknown) => cli.err(`${(e as Error).message}\n`));
    } else {
      // Compose's second Ctrl+C: kill what still runs.
      void kill(s, []).then(
        () => process.exit(130),
        () => process.exit(130),
      );
    }
  };
  process.on('SIGINT', onSigint);
  try {
    await startServices(s, observed, {
      services,
      noDeps: flags.bool('no-deps'),
      onContainer: (c, fresh) => {
        if (attached.has(c.Labels?.['com.docker.compose.service'] ?? '')) attacher.follow(c, fresh);
      },
    });
    const onFailure = flags.bool('abort-on-container-failure');
    const watched = watchScope && watchMod
      ? new watchMod.ProjectWatcher(s, watchScope, {
          services,
          log: (l) => {
            printer.register('watch');
            printer.line('watch', l);
          },
          write: (t) => cli.err(t),
          signal: watchAbort.signal,
          onContainer: (c, fresh) => {
            if (attached.has(c.Labels?.['com.docker.compose.service'] ?? '')) attacher.follow(c, fresh);
          },
        }).run()
      : undefined;
    const trigger = await new Promise<ExitInfo | undefined>((resolve) => {
      attacher.onExit = (e) => {
        if (abortOnExit || (onFailure && e.code !== 0)) resolve(e);
      };
      // Watching, up runs until Ctrl+C (containers come and go with rebuilds).
      if (watched) void watched.then(() => resolve(undefined));
      else {
        attacher.all().then(
          () => resolve(undefined),
          () => resolve(undefined),
        );
      }
    });
    watchAbort.abort();
    if (watched) await watched;
    if (trigger) {
      abortedBy = trigger;
      cli.out('Aborting on container exit...\n');
      await stopAll();
    }
    if (stopping) await stopping;
  } catch (e) {
    attacher.stop();
    fail(e);
  } finally {
    process.off('SIGINT', onSigint);
  }
  if (interrupted) return 130;
  if (exitCodeFrom) return attacher.exitOf(exitCodeFrom)?.code ?? 0;
  if (abortedBy) return abortedBy.code;
  return 0;
}
