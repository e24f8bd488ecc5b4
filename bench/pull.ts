// Side-by-side benchmark of berthd's pull and push (the engine code behind POST /images/create
// and /images/{name}/push) against two registries on loopback: berth's own registry and the CNCF
// distribution registry (Debian docker-registry), each as a separate process. One image of
// ~200 MB in 5 random (incompressible) layers on top of busybox. Prints a table.
//   node build/bench/pull.js [--mb 200] [--layers 5]
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { EventBus } from '../src/engine/events.js';
import { ImageStore } from '../src/engine/images/store.js';
import { loadImages } from '../src/engine/images/load.js';
import { busyboxImageArchive } from '../src/engine/images/base/busybox.js';
import { tarFromEntries } from '../src/engine/archive/tar-directory.js';
import { pullIntoStore } from '../src/engine/images/pull.js';
import { pushFromStore } from '../src/engine/images/push.js';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '200' }, layers: { type: 'string', default: '5' } } });
const MB = Number(values.mb);
const LAYERS = Number(values.layers);
const settings = { insecureRegistries: [], registryMirrors: [] };
const here = path.dirname(fileURLToPath(import.meta.url));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function withProcess<T>(cmd: string, args: string[], port: number, fn: () => Promise<T>): Promise<T> {
  const child: ChildProcess = spawn(cmd, args, { stdio: 'ignore' });
  try {
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/v2/`);
        if (r.status === 200 || r.status === 401) break;
      } catch {}
      if (i > 200) throw new Error(`${cmd} did not start`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return await fn();
  } finally {
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

async function newStore(root: string): Promise<ImageStore> {
  const store = new ImageStore({ dataRoot: root, events: new EventBus(), containersUsingImage: () => [] });
  await store.init();
  return store;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

interface Row {
  registry: string;
  push: number;
  pushAgain: number;
  pull: number;
  pullAgain: number;
}

async function measure(name: string, host: string, dir: string, source: ImageStore, tag: string): Promise<Row> {
  const sourceImage = source.get(tag);
  const ref = `${host}/bench/app:1`;
  await source.tag(sourceImage.id, ref);
  const push = await timed(() => pushFromStore(source, settings, ref));
  const pushAgain = await timed(() => pushFromStore(source, settings, ref));
  const target = await newStore(path.join(dir, `pull-${name.replace(/\W/g, '')}`));
  const pull = await timed(() => pullIntoStore(target, settings, ref));
  const pullAgain = await timed(() => pullIntoStore(target, settings, ref));
  if (target.get(ref).id !== sourceImage.id) throw new Error('pulled image differs');
  return { registry: name, push, pushAgain, pull, pullAgain };
}

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'berth-pull-bench-'));
try {
  const source = await newStore(path.join(dir, 'source'));
  await loadImages(source, busyboxImageArchive());
  let img = source.get('busybox:latest');
  const perLayer = Math.floor((MB * 1e6) / LAYERS);
  for (let i = 0; i < LAYERS; i++) {
    const layer = tarFromEntries([{ entry: { path: `blob${i}.bin`, type: 'file', mode: 0o644, mtime: 1 }, body: randomBytes(perLayer) }]);
    img = await source.createFromLayer({ parent: img.id, layer, config: { Cmd: ['sh'] }, history: { created_by: `layer ${i}` } });
  }
  await source.tag(img.id, 'bench:1');

  const rows: Row[] = [];
  const bPort = await freePort();
  rows.push(
    await withProcess(process.execPath, [path.join(here, '../src/registry/server/bin.js'), 'serve', '--addr', `127.0.0.1:${bPort}`, '--root', path.join(dir, 'berth-reg'), '-q'], bPort, () =>
      measure('berth registry', `127.0.0.1:${bPort}`, dir, source, 'bench:1'),
    ),
  );
  if (existsSync('/usr/bin/docker-registry')) {
    const dPort = await freePort();
    const config = path.join(dir, 'dist.yml');
    await fsp.writeFile(config, `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${path.join(dir, 'dist-data')}\nhttp:\n  addr: 127.0.0.1:${dPort}\n`);
    rows.push(await withProcess('/usr/bin/docker-registry', ['serve', config], dPort, () => measure('distribution', `127.0.0.1:${dPort}`, dir, source, 'bench:1')));
  } else {
    console.error('docker-registry not installed: only berth registry measured');
  }

  const mb = (MB * 1e6 + 2e6) / 1e6;
  console.log(`image: busybox + ${LAYERS} random layers, ${MB} MB; times in seconds (MB/s)`);
  const head = ['registry', 'push', 'push again', 'pull', 'pull again'];
  const lines = rows.map((r) => [r.registry, `${r.push.toFixed(2)} (${(mb / r.push).toFixed(0)})`, r.pushAgain.toFixed(3), `${r.pull.toFixed(2)} (${(mb / r.pull).toFixed(0)})`, r.pullAgain.toFixed(3)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  console.log(fmt(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines) console.log(fmt(l));
} finally {
  await fsp.rm(dir, { recursive: true, force: true });
}
