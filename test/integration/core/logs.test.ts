// Logging drivers through the docker CLI: Docker's json-file format on disk, rotation by size
// (max-size, max-file, compress), logs across rotated and compressed files, -f across a rotation,
// the none driver, option checks, the daemon config's default, and logging while berthd is down.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { integrationSkipReason, startDaemon, waitFor, type Daemon } from '../harness.js';
import { fails, ok } from '../support/assert.js';

describe('logging drivers', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'logs', defaultNetwork: 'none' });
  });
  after(() => d?.cleanup());

  const idOf = async (name: string) => ok(await d.docker(['inspect', '-f', '{{.Id}}', name]));
  const containerDir = (id: string) => path.join(d.dataRoot, 'containers', id);
  /** The log files of a container, current first: `<id>-json.log`, `.1`, `.2.gz` … */
  const logFiles = async (id: string) => (await fsp.readdir(containerDir(id))).filter((n) => n.startsWith(`${id}-json.log`)).sort((a, b) => a.length - b.length || a.localeCompare(b));
  const entries = (text: string) =>
    text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { log: string; stream: string; time: string });
  /** All entries of all files, oldest first. */
  const allEntries = async (id: string) => {
    const names = (await logFiles(id)).filter((n) => n !== `${id}-json.log`);
    names.sort((a, b) => Number(b.split('.')[2]) - Number(a.split('.')[2]));
    names.push(`${id}-json.log`);
    const out = [];
    for (const n of names) {
      const raw = await fsp.readFile(path.join(containerDir(id), n));
      out.push(...entries((n.endsWith('.gz') ? gunzipSync(raw) : raw).toString()));
    }
    return out;
  };
  const seqText = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i)).join('\n');

  it('writes Docker json-file lines in <data-root>/containers/<id>/<id>-json.log', async () => {
    ok(await d.docker(['run', '--name', 'fmt', 'busybox', 'sh', '-c', `echo hello; printf 'a"b<c>&\\t\\n' >&2; printf 'no newline'`]));
    const id = await idOf('fmt');
    const file = path.join(containerDir(id), `${id}-json.log`);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.LogPath}}', 'fmt'])), file);
    const lines = (await fsp.readFile(file, 'utf8')).split('\n').filter(Boolean);
    assert.equal(lines.length, 3, lines.join('\n'));
    // Exactly dockerd's bytes: key order, HTML-safe escapes, \u0009 for a tab, UTC RFC 3339 nano.
    // (stdout and stderr are read apart: their order in the file is not fixed.)
    const out = lines.filter((l) => l.includes('"stdout"'));
    assert.match(out[0], /^\{"log":"hello\\n","stream":"stdout","time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z"\}$/);
    assert.match(out[1], /^\{"log":"no newline","stream":"stdout","time":"[^"]+Z"\}$/);
    assert.match(lines.find((l) => l.includes('"stderr"'))!, /^\{"log":"a\\"b\\u003cc\\u003e\\u0026\\u0009\\n","stream":"stderr","time":"[^"]+Z"\}$/);
    const r = await d.docker(['logs', 'fmt']);
    assert.equal(r.stdout, 'hello\nno newline');
    assert.equal(r.stderr, 'a"b<c>&\t\n');
  });

  it('LogConfig shows berth default (json-file, 20m × 5) merged as dockerd merges the daemon default', async () => {
    assert.equal(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.LogConfig}}', 'fmt'])), '{"Type":"json-file","Config":{"max-file":"5","max-size":"20m"}}');
    ok(await d.docker(['create', '--name', 'given', '--log-opt', 'max-size=1m', 'busybox', 'true']));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.LogConfig}}', 'given'])), '{"Type":"json-file","Config":{"max-file":"5","max-size":"1m"}}');
    ok(await d.docker(['rm', 'given']));
  });

  it('refuses unknown options and drivers with dockerd words', async () => {
    fails(await d.docker(['create', '--log-opt', 'foo=bar', 'busybox', 'true']), /unknown log opt 'foo' for json-file log driver/);
    fails(await d.docker(['create', '--log-driver', 'local', '--log-opt', 'tag=x', 'busybox', 'true']), /unknown log opt 'tag' for log driver local/);
    fails(await d.docker(['create', '--log-driver', 'nosuch', 'busybox', 'true']), /error looking up logging plugin nosuch/);
    ok(await d.docker(['create', '--name', 'badsize', '--log-opt', 'max-size=lots', 'busybox', 'true']));
    fails(await d.docker(['start', 'badsize']), /failed to initialize logging driver: invalid size: 'lots'/);
    ok(await d.docker(['rm', 'badsize']));
  });

  it('rotates by max-size, keeps max-file files, and logs reads them all in order', async () => {
    ok(await d.docker(['run', '--name', 'rot', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=3', 'busybox', 'seq', '1', '500']));
    const id = await idOf('rot');
    assert.deepEqual(await logFiles(id), [`${id}-json.log`, `${id}-json.log.1`, `${id}-json.log.2`]);
    for (const n of await logFiles(id)) {
      const st = await fsp.stat(path.join(containerDir(id), n));
      // dockerd rotates once a file has reached max-size: one entry may go past it.
      assert.ok(st.size < 2000 + 100, `${n}: ${st.size} bytes`);
    }
    const kept = (await allEntries(id)).map((e) => e.log);
    assert.equal(kept.at(-1), '500\n');
    const first = Number(kept[0]);
    assert.ok(first > 1, 'the oldest files were dropped');
    assert.equal(kept.join(''), seqText(first, 500) + '\n');
    assert.equal(ok(await d.docker(['logs', 'rot'])), seqText(first, 500));
    assert.equal(ok(await d.docker(['logs', '--tail', '40', 'rot'])), seqText(461, 500));
  });

  it('compress gzips rotated files (.1.gz …) with the last time in the gzip header, and logs reads them', async () => {
    ok(await d.docker(['run', '--name', 'gz', '--log-opt', 'max-size=2k', '--log-opt', 'max-file=4', '--log-opt', 'compress=true', 'busybox', 'seq', '1', '500']));
    const id = await idOf('gz');
    // The last compression may still be running when the container has exited.
    await waitFor('rotated files compressed', async () => (await logFiles(id)).join(' ') === `${id}-json.log ${id}-json.log.1.gz ${id}-json.log.2.gz ${id}-json.log.3.gz`);
    const gz = await fsp.readFile(path.join(containerDir(id), `${id}-json.log.1.gz`));
    assert.equal(gz[3] & 4, 4, 'FEXTRA set');
    const extra = JSON.parse(gz.subarray(12, 12 + gz.readUInt16LE(10)).toString()) as { lastTime: string };
    const oneEntries = entries(gunzipSync(gz).toString());
    assert.equal(extra.lastTime, oneEntries.at(-1)!.time);
    const kept = (await allEntries(id)).map((e) => e.log);
    const first = Number(kept[0]);
    assert.equal(ok(await d.docker(['logs', 'gz'])), seqText(first, 500));
    assert.ok(first < 430, `${first}: files were kept`);
    assert.equal(ok(await d.docker(['logs', '--tail', '60', 'gz'])), seqText(441, 500));
  });

  it('--tail, --since, --until and -t work across rotated files', async () => {
    ok(await d.docker(['run', '--name', 'times', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=100', 'busybox', 'sh', '-c', 'seq 1 150; sleep 1.5; seq 151 300']));
    const id = await idOf('times');
    assert.ok((await logFiles(id)).length > 10);
    const stamped = ok(await d.docker(['logs', '-t', 'times'])).split('\n');
    assert.equal(stamped.length, 300);
    for (const [i, l] of stamped.entries()) assert.match(l, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z ${i + 1}$`));
    const t150 = Date.parse(stamped[149].split(' ')[0]);
    const t151 = Date.parse(stamped[150].split(' ')[0]);
    assert.ok(t151 - t150 >= 1000, `${stamped[149]} / ${stamped[150]}`);
    const mid = new Date(t150 + 500).toISOString();
    assert.equal(ok(await d.docker(['logs', '--since', mid, 'times'])), seqText(151, 300));
    assert.equal(ok(await d.docker(['logs', '--until', mid, 'times'])), seqText(1, 150));
    assert.equal(ok(await d.docker(['logs', '--tail', '200', 'times'])), seqText(101, 300));
    assert.equal(ok(await d.docker(['logs', '--tail', '3', '--until', mid, 'times'])), '');
  });

  it('logs -f keeps following across rotations', async () => {
    ok(await d.docker(['run', '-d', '--name', 'fol', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=1000', 'busybox', 'sh', '-c', 'sleep 1; i=0; while [ $i -lt 200 ]; do i=$((i+1)); echo line$i; usleep 5000; done']));
    const r = await d.docker(['logs', '-f', 'fol'], { timeoutMs: 30_000 });
    const want = Array.from({ length: 200 }, (_, i) => `line${i + 1}`).join('\n');
    assert.equal(ok(r), want);
    const id = await idOf('fol');
    assert.ok((await logFiles(id)).length > 5, 'the log was rotated while followed');
  });

  it('a TTY container logs too, and attach streams live output', async () => {
    ok(await d.docker(['run', '-t', '--name', 'tty', '--log-opt', 'max-size=1k', 'busybox', 'sh', '-c', 'seq 1 100']));
    assert.equal(ok(await d.docker(['logs', '--tail', '2', 'tty'])), '99\r\n100\r');
    // attach follows the log file across rotations (a reader that falls more than max-file - 1
    // files behind skips what was removed meanwhile: see README).
    const att = await d.docker(['run', '--name', 'att', '--log-opt', 'max-size=1k', '--log-opt', 'max-file=2', 'busybox', 'sh', '-c', 'sleep 0.5; i=0; while [ $i -lt 300 ]; do i=$((i+1)); echo $i; usleep 2000; done']);
    assert.equal(ok(att), seqText(1, 300));
  });

  it('none keeps no log: logs is refused as dockerd refuses it, attach still streams', async () => {
    const r = await d.docker(['run', '--name', 'quiet', '--log-driver', 'none', 'busybox', 'sh', '-c', 'echo visible']);
    assert.equal(ok(r), 'visible');
    fails(await d.docker(['logs', 'quiet']), /configured logging driver does not support reading/);
    assert.equal(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.LogConfig}}|{{.LogPath}}', 'quiet'])), '{"Type":"none","Config":{}}|');
    const id = await idOf('quiet');
    assert.deepEqual(await logFiles(id), []);
  });

  it('the daemon config sets the default driver options', async () => {
    await fsp.writeFile(path.join(d.root, 'daemon.json'), JSON.stringify({ 'log-opts': { 'max-size': '1k', 'max-file': '2' } }));
    await d.restart();
    ok(await d.docker(['run', '--name', 'cfg', 'busybox', 'seq', '1', '300']));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{json .HostConfig.LogConfig}}', 'cfg'])), '{"Type":"json-file","Config":{"max-file":"2","max-size":"1k"}}');
    const id = await idOf('cfg');
    assert.deepEqual(await logFiles(id), [`${id}-json.log`, `${id}-json.log.1`]);
    await fsp.writeFile(path.join(d.root, 'daemon.json'), JSON.stringify({ 'log-driver': 'none' }));
    await d.restart();
    ok(await d.docker(['create', '--name', 'cfgnone', 'busybox', 'true']));
    assert.equal(ok(await d.docker(['inspect', '-f', '{{.HostConfig.LogConfig.Type}}', 'cfgnone'])), 'none');
    assert.match(ok(await d.docker(['info', '-f', '{{.LoggingDriver}}'])), /^none$/);
    await fsp.writeFile(path.join(d.root, 'daemon.json'), '{}\n');
    await d.restart();
  });

  it('a container from before berth-logger (conmon k8s-file container.log) keeps its old output', async () => {
    const id = ok(await d.docker(['create', '--name', 'old', 'busybox', 'echo', 'new-line']));
    const t = '2026-01-02T03:04:05.00000000';
    await fsp.writeFile(path.join(containerDir(id), 'container.log'), `${t}1+00:00 stdout F old-line\n${t}2+00:00 stderr P old-\n${t}3+00:00 stderr F err\n`);
    ok(await d.docker(['start', '-a', 'old']));
    const r = await d.docker(['logs', '-t', 'old']);
    assert.match(ok(r), /^2026-01-02T03:04:05\.000000001Z old-line\n\S+Z new-line$/);
    assert.equal(r.stderr, '2026-01-02T03:04:05.000000002Z old-err\n');
  });

  it('output is logged while berthd is stopped, and logs -f sees it after the restart', async () => {
    ok(await d.docker(['run', '-d', '--name', 'alone', 'busybox', 'sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick$i; usleep 100000; done']));
    await waitFor('first ticks', async () => (await d.docker(['logs', 'alone'])).stdout.includes('tick3'));
    const file = path.join(containerDir(await idOf('alone')), `${await idOf('alone')}-json.log`);
    await d.stop();
    assert.ok(d.process === undefined || d.process.exitCode !== null, 'berthd is down');
    // The container's file grows with nobody but conmon and berth-logger running for it.
    const before = (await fsp.stat(file)).size;
    await waitFor('the log to grow while berthd is down', async () => (await fsp.stat(file)).size > before + 200);
    await d.restart();
    const text = ok(await d.docker(['logs', 'alone']));
    const ticks = text.split('\n').map((l) => Number(l.replace('tick', '')));
    assert.deepEqual(ticks, Array.from({ length: ticks.length }, (_, i) => i + 1), 'no tick lost');
    ok(await d.docker(['rm', '-f', 'alone']));
  });
});
