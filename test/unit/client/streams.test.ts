import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { FrameDecoder, encodeFrame, demuxTo } from '../../../src/client/demux.js';
import { JsonLineDecoder, jsonLines } from '../../../src/client/jsonstream.js';
import { parseHost, resolveEndpoint } from '../../../src/client/host.js';
import { encodeQuery, errorMessage } from '../../../src/client/transport.js';
import { encodeFilters } from '../../../src/client/filters.js';

test('frame decoder handles frames split anywhere', () => {
  const bytes = Buffer.concat([encodeFrame(1, 'hello\n'), encodeFrame(2, 'oops\n'), encodeFrame(1, '')]);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const d = new FrameDecoder();
    const frames = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))];
    assert.deepEqual(
      frames.map((f) => [f.stream, f.data.toString()]),
      [
        [1, 'hello\n'],
        [2, 'oops\n'],
        [1, ''],
      ],
    );
    assert.equal(d.leftover, 0);
  }
});

test('the recorded frame from run-rm decodes', () => {
  const d = new FrameDecoder();
  const [f] = d.push(Buffer.from('\x01\x00\x00\x00\x00\x00\x00\x06hello\n', 'latin1'));
  assert.equal(f.stream, 1);
  assert.equal(f.data.toString(), 'hello\n');
});

test('demuxTo splits stdout and stderr; systemerr rejects', async () => {
  const src = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  const done = demuxTo(src, { stdout: out, stderr: err });
  src.end(Buffer.concat([encodeFrame(1, 'a'), encodeFrame(2, 'b'), encodeFrame(1, 'c')]));
  await done;
  assert.equal(out.read().toString(), 'ac');
  assert.equal(err.read().toString(), 'b');
  const src2 = new PassThrough();
  const p = demuxTo(src2, { stdout: new PassThrough(), stderr: new PassThrough() });
  src2.end(encodeFrame(3, 'exec failed'));
  await assert.rejects(p, /exec failed/);
});

test('json line decoding across chunks, including split UTF-8', async () => {
  const d = new JsonLineDecoder();
  assert.deepEqual(d.push('{"a":1}\n{"b"'), [{ a: 1 }]);
  assert.deepEqual(d.push(':2}\r\n\n'), [{ b: 2 }]);
  const bytes = Buffer.from('{"s":"é"}\n');
  async function* chunks() {
    yield bytes.subarray(0, 7);
    yield bytes.subarray(7);
  }
  const got = [];
  for await (const v of jsonLines(chunks())) got.push(v);
  assert.deepEqual(got, [{ s: 'é' }]);
});

test('hosts: flags, BERTH_HOST, DOCKER_HOST, default', () => {
  assert.deepEqual(parseHost('unix:///tmp/x.sock'), { kind: 'unix', socketPath: '/tmp/x.sock', url: 'unix:///tmp/x.sock' });
  assert.deepEqual(parseHost('tcp://127.0.0.1:2376'), { kind: 'tcp', host: '127.0.0.1', port: 2376, url: 'tcp://127.0.0.1:2376' });
  assert.equal(resolveEndpoint({}, {}).url, 'unix:///run/berth/berth.sock');
  assert.equal(resolveEndpoint({}, { DOCKER_HOST: 'unix:///d.sock' }).url, 'unix:///d.sock');
  assert.equal(resolveEndpoint({}, { BERTH_HOST: 'unix:///b.sock', DOCKER_HOST: 'unix:///d.sock' }).url, 'unix:///b.sock');
  assert.equal(resolveEndpoint({ host: 'unix:///f.sock' }, { BERTH_HOST: 'unix:///b.sock' }).url, 'unix:///f.sock');
});

test('query and filters encoding, error bodies', () => {
  assert.equal(encodeQuery({ stderr: true, stdin: false, stdout: true, stream: true }), '?stderr=1&stdout=1&stream=1');
  assert.equal(encodeQuery({ names: ['a', 'b:c'] }), '?names=a&names=b%3Ac');
  assert.equal(encodeFilters(['type=container']), '{"type":{"container":true}}');
  assert.equal(encodeFilters([]), undefined);
  assert.equal(errorMessage(404, Buffer.from('{"message":"No such container: x"}\n')), 'No such container: x');
  assert.equal(errorMessage(500, Buffer.from('')), 'Internal Server Error');
});
