// Stress (issue 12): many concurrent `docker stats --no-stream` readers, and raw one-shot and
// streamed stats requests, while containers start, stop and go. Every answer is complete JSON
// (a sample, or dockerd's error for a container that went), every stream ends, and the CLI
// never prints a bare EOF or `--` for a container that runs throughout.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { integrationSkipReason, startDaemon, type Daemon } from '../harness.js';
import { ok } from '../support/assert.js';

const STEADY = ['st0', 'st1', 'st2'];
const READERS = 15;
const ROUNDS = 4;

/** A streamed stats request read for `samples` samples, then dropped; or to its end. */
function streamStats(sock: string, ref: string, samples: number): Promise<{ status: number; lines: string[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath: sock, path: `/containers/${ref}/stats` }, (res) => {
      let buf = '';
      const lines: string[] = [];
      const timer = setTimeout(() => req.destroy(new Error(`stats stream of ${ref} stalled`)), 15_000);
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buf += c;
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          lines.push(buf.slice(0, i));
          buf = buf.slice(i + 1);
        }
        if (res.statusCode === 200 && lines.length >= samples) {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: 200, lines, ended: false });
        }
      });
      res.on('end', () => {
        clearTimeout(timer);
        if (buf.trim()) lines.push(buf);
        resolve({ status: res.statusCode ?? 0, lines, ended: true });
      });
      res.on('error', () => undefined);
    });
    req.on('error', (e) => {
      if (!req.destroyed || !/socket hang up|aborted/.test(e.message)) reject(e);
    });
  });
}

describe('stress: concurrent stats readers while containers come and go', { skip: integrationSkipReason() }, () => {
  let d: Daemon;
  before(async () => {
    d = await startDaemon({ name: 'statsstress' });
    for (const n of STEADY) ok(await d.docker(['run', '-d', '--name', n, 'busybox', 'sleep', '600']));
  });
  after(() => d?.cleanup());

  it(`${READERS} CLI readers × ${ROUNDS} rounds, raw readers and churn: every answer complete`, { timeout: 180_000 }, async () => {
    let churning = true;
    const churnErrors: string[] = [];
    const churn = (async () => {
      for (let i = 0; churning; i++) {
        const name = `churn${i % 3}`;
        const r = await d.docker(['run', '-d', '--name', name, 'busybox', 'sh', '-c', 'sleep 0.3']);
        if (r.code !== 0) churnErrors.push(`run ${name}: ${r.stderr}`);
        await d.docker(['stop', '-t', '0', name]);
        const rm = await d.docker(['rm', '-f', name]);
        if (rm.code !== 0) churnErrors.push(`rm ${name}: ${rm.stderr}`);
      }
    })();

    const problems: string[] = [];
    const cliReader = async (round: number, k: number) => {
      const args = k % 2 ? ['stats', '--no-stream', '--format', '{{json .}}'] : ['stats', '--no-stream', '--format', '{{json .}}', ...STEADY];
      const r = await d.docker(args, { timeoutMs: 30_000 });
      if (r.code !== 0 && !(k % 2 && /No such container/.test(r.stderr))) {
        problems.push(`round ${round} reader ${k}: exit ${r.code}: ${r.stderr}`);
        return;
      }
      if (/^EOF$|\bEOF\b/m.test(r.stderr)) problems.push(`round ${round} reader ${k}: bare EOF: ${r.stderr}`);
      const rows = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
      for (const n of STEADY) {
        const row = rows.find((x) => x.Name === n);
        if (!row) problems.push(`round ${round} reader ${k}: no row for ${n}: ${r.stdout}`);
        else if (row.CPUPerc === '--' || row.MemUsage === '-- / --') problems.push(`round ${round} reader ${k}: ${n} shows --: ${JSON.stringify(row)}`);
      }
    };
    const rawOneShot = async (ref: string) => {
      const r = await d.api('GET', `/containers/${ref}/stats?stream=false`);
      if (r.json === undefined) problems.push(`one-shot ${ref}: ${r.status} not JSON: ${JSON.stringify(r.text)}`);
      else if (r.status !== 200 && r.status !== 404) problems.push(`one-shot ${ref}: ${r.status} ${r.text}`);
      else if (r.status === 200 && (r.json as { id?: string }).id === undefined) problems.push(`one-shot ${ref}: no id: ${r.text}`);
    };
    const rawStream = async (ref: string) => {
      const r = await streamStats(d.sock, ref, 2);
      for (const l of r.lines) {
        try {
          JSON.parse(l);
        } catch {
          problems.push(`stream ${ref}: a line that is not JSON: ${JSON.stringify(l)}`);
        }
      }
      if (r.status === 200 && r.lines.length === 0) problems.push(`stream ${ref}: 200 with no sample`);
      if (r.status !== 200 && r.status !== 404) problems.push(`stream ${ref}: ${r.status} ${r.lines.join('')}`);
    };

    try {
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all([
          ...Array.from({ length: READERS }, (_, k) => cliReader(round, k)),
          ...[...STEADY, 'churn0', 'churn1', 'churn2'].map(rawOneShot),
          ...[STEADY[round % STEADY.length], `churn${round % 3}`].map(rawStream),
        ]);
      }
    } finally {
      churning = false;
      await churn;
    }
    assert.deepEqual(problems, []);
    assert.deepEqual(churnErrors, []);
  });
});
