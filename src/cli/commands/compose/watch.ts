// berth compose watch: bring the services up (unless --no-up), then sync, restart or rebuild them
// as files under their develop.watch paths change, until Ctrl+C.
import type { Cli, CommandSpec } from '../../cli.js';
import { converge, scopeOf, startServices } from '../../../compose/up.js';
import { ProjectWatcher, watchRules } from '../../../compose/watch.js';
import { fail, openProject } from './project.js';

export const spec: CommandSpec = {
  usage: 'compose watch [OPTIONS] [SERVICE...]',
  description: 'Watch build context for service and rebuild/refresh containers when files are updated',
  flags: [
    { name: 'quiet', kind: 'bool', desc: 'hide build output' },
    { name: 'prune', kind: 'bool', default: 'true', desc: 'Prune dangling images on rebuild' },
    { name: 'no-up', kind: 'bool', desc: 'Do not build & start services before watching' },
  ],
};

export default async function watch(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const services = flags.positionals;
  const { session: s } = await openProject(cli, { services });
  const write = flags.bool('quiet') ? undefined : (t: string) => cli.err(t);
  const abort = new AbortController();
  const onSigint = () => abort.abort();
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  try {
    const rules = watchRules(s, scopeOf(s, services, true));
    if (!flags.bool('no-up')) {
      // compose builds the services it watches afresh (pull_policy: build for those with develop).
      for (const name of new Set(rules.map((r) => r.service))) {
        const svc = s.project.services[name];
        if (svc.build) s.project.services[name] = { ...svc, pull_policy: 'build' };
      }
      const observed = await converge(s, { services, recreate: 'diverged', inherit: true, write });
      await startServices(s, observed, { services });
    }
    await new ProjectWatcher(s, rules, { services, log: (l) => cli.out(`${l}\n`), write, signal: abort.signal }).run();
  } catch (e) {
    fail(e);
  } finally {
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigint);
  }
  return 0;
}
