// berth build: the classic builder (POST /build): send the context as a tar, print the
// daemon's `stream` lines; -q prints only the image ID; --iidfile writes it.
import { Transform } from 'node:stream';
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { encodeAuthHeader, readConfig } from '../../auth.js';
import { renderProgress } from '../../format/progress.js';
import { humanSize } from '../../format/units.js';
import { atomicWriteSync } from '../../util/atomic.js';
import { contextArchive, contextSelection } from '../../../archive/build-context.js';
import { syncContext } from './context-sync.js';

export const spec: CommandSpec = {
  usage: 'build [OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  flags: [
    { name: 'add-host', kind: 'list', desc: 'Add a custom host-to-IP mapping (host:ip)' },
    { name: 'build-arg', kind: 'list', desc: 'Set build-time variables' },
    { name: 'cache-from', kind: 'list', desc: 'Images to consider as cache sources' },
    { name: 'cpu-shares', short: 'c', kind: 'int', desc: 'CPU shares (relative weight)' },
    { name: 'file', short: 'f', kind: 'string', desc: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
    { name: 'force-rm', kind: 'bool', desc: 'Always remove intermediate containers' },
    { name: 'iidfile', kind: 'string', desc: 'Write the image ID to the file' },
    { name: 'label', kind: 'list', desc: 'Set metadata for an image' },
    { name: 'memory', short: 'm', kind: 'string', desc: 'Memory limit' },
    { name: 'network', kind: 'string', desc: 'Set the networking mode for the RUN instructions during build', default: 'default' },
    { name: 'no-cache', kind: 'bool', desc: 'Do not use cache when building the image' },
    { name: 'platform', kind: 'string', desc: 'Set platform if server is multi-platform capable' },
    { name: 'pull', kind: 'bool', desc: 'Always attempt to pull a newer version of the image' },
    { name: 'quiet', short: 'q', kind: 'bool', desc: 'Suppress the build output and print image ID on success' },
    { name: 'rm', kind: 'bool', desc: 'Remove intermediate containers after a successful build', default: 'true' },
    { name: 'shm-size', kind: 'string', desc: 'Size of "/dev/shm"' },
    { name: 'tag', short: 't', kind: 'list', desc: "Name and optionally a tag in the 'name:tag' format" },
    { name: 'target', kind: 'string', desc: 'Set the target build stage to build.' },
    { name: 'ulimit', kind: 'list', desc: 'Ulimit options' },
  ],
  minArgs: 1,
  maxArgs: 1,
};

function keyValues(values: string[], lookupHost = false): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq >= 0) out[v.slice(0, eq)] = v.slice(eq + 1);
    else out[v] = lookupHost ? (process.env[v] ?? null) : '';
  }
  return out;
}

export default async function build(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const [contextArg] = flags.positionals;
  const quiet = flags.bool('quiet');
  const progress = quiet ? { write: () => true } : cli.stdout;
  let body: NodeJS.ReadableStream | undefined;
  let dockerfile = flags.string('file') || 'Dockerfile';
  let remote: string | undefined;
  if (contextArg === '-') body = cli.stdin;
  else if (/^(https?:\/\/|git@|github\.com\/)/.test(contextArg)) remote = contextArg;
  let sent = 0;
  let syncedId: string | undefined;
  if (!body && !remote) {
    let selection: ReturnType<typeof contextSelection>;
    try {
      selection = contextSelection(contextArg, flags.string('file'));
    } catch (e) {
      throw new StatusError((e as Error).message, 1);
    }
    dockerfile = selection.dockerfile;
    // berthd keeps synced contexts: only changed files travel. Other daemons get the whole tar.
    const synced = await syncContext(cli.client(), selection.dir, selection.filter);
    if (synced) ({ id: syncedId, sent } = synced);
    else body = contextArchive(contextArg, flags.string('file')).stream;
  }
  const counted = body?.pipe(
    new Transform({
      transform(chunk: Buffer, _enc, cb) {
        sent += chunk.length;
        cb(null, chunk);
      },
    }),
  );
  const auths = readConfig(cli.globals.configDir).auths ?? {};
  const registryConfig: Record<string, unknown> = {};
  for (const [server, entry] of Object.entries(auths)) {
    if (!entry.auth) continue;
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    registryConfig[server] = { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress: server };
  }
  const labels = keyValues(flags.list('label'));
  const buildArgs = keyValues(flags.list('build-arg'), true);
  let imageId = '';
  const stream = cli.client().images.build(counted ?? Buffer.alloc(0), {
    dockerfile,
    t: flags.list('tag'),
    remote,
    q: quiet,
    nocache: flags.bool('no-cache'),
    rm: flags.bool('rm'),
    forcerm: flags.bool('force-rm'),
    pull: flags.bool('pull'),
    target: flags.string('target') || undefined,
    networkmode: flags.string('network'),
    platform: flags.string('platform') || undefined,
    buildargs: buildArgs,
    labels,
    extrahosts: flags.list('add-host'),
    cachefrom: flags.list('cache-from'),
    cpushares: flags.changed('cpu-shares') ? flags.int('cpu-shares') : undefined,
    version: '1',
    berthcontext: syncedId,
    registryConfig: encodeAuthHeader(registryConfig as never),
  });
  let announced = false;
  const announce = () => {
    if (!announced && !quiet && (body || syncedId)) cli.out(`Sending build context to berth daemon  ${humanSize(sent)}\n\n`);
    announced = true;
  };
  let quietText = '';
  async function* announcing() {
    for await (const m of stream) {
      announce();
      if (m.stream) quietText += m.stream;
      yield m;
    }
  }
  await renderProgress(announcing(), progress, (aux) => {
    const id = (aux as { ID?: string }).ID;
    if (id) imageId = id;
  });
  if (!imageId) imageId = /sha256:[0-9a-f]{64}/.exec(quietText)?.[0] ?? '';
  if (quiet) cli.out(`${imageId}\n`);
  if (flags.string('iidfile') && imageId) atomicWriteSync(flags.string('iidfile'), imageId);
  return 0;
}
