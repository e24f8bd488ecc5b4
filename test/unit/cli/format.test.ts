import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, Template } from '../../../src/cli/format/template.js';
import { tabwrite } from '../../../src/cli/format/table.js';
import { renderRows, ellipsis, shortId } from '../../../src/cli/format/formatter.js';
import { humanSize, humanDuration, formatG, ramInBytes, parseGoDuration, containerStatus, bytesSize } from '../../../src/cli/format/units.js';
import { displayablePorts } from '../../../src/cli/format/ports.js';
import { displayMessage, progressBar } from '../../../src/cli/format/progress.js';
import { rfc3339Nano } from '../../../src/cli/format/gotime.js';
import { containerRow } from '../../../src/cli/commands/container/ls.js';
import { imageRows } from '../../../src/cli/commands/image/ls.js';
import { eventLine } from '../../../src/cli/commands/system/events.js';

test('template: fields, json, join, range, if/else, index, pipelines', () => {
  const data = { ID: 'abc', State: { Running: true, Pid: 42 }, Names: ['a', 'b'], Labels: { x: '1', 'com.y': '2' }, Empty: [] as string[], Nil: null };
  assert.equal(renderTemplate('{{.ID}}', data), 'abc');
  assert.equal(renderTemplate('{{.State.Running}} {{.State.Pid}}', data), 'true 42');
  assert.equal(renderTemplate('{{json .Names}}', data), '["a","b"]');
  assert.equal(renderTemplate('{{join .Names ","}}', data), 'a,b');
  assert.equal(renderTemplate('{{range .Names}}[{{.}}]{{end}}', data), '[a][b]');
  assert.equal(renderTemplate('{{range $i, $n := .Names}}{{$i}}={{$n}} {{end}}', data), '0=a 1=b ');
  assert.equal(renderTemplate('{{range $k, $v := .Labels}}{{$k}}:{{$v}};{{end}}', data), 'com.y:2;x:1;');
  assert.equal(renderTemplate('{{if .State.Running}}up{{else}}down{{end}}', data), 'up');
  assert.equal(renderTemplate('{{if .Empty}}x{{else if .ID}}id{{end}}', data), 'id');
  assert.equal(renderTemplate('{{index .Labels "com.y"}}', data), '2');
  assert.equal(renderTemplate('{{.ID | upper}} {{lower "ABC"}}', data), 'ABC abc');
  assert.equal(renderTemplate('{{println .ID}}', data), 'abc\n');
  assert.equal(renderTemplate('{{.Missing}}', data), '<no value>');
  assert.equal(renderTemplate('{{.Nil}}', data), '<no value>');
  assert.equal(renderTemplate('{{.Labels}}', data), 'map[com.y:2 x:1]');
  assert.equal(renderTemplate('{{.Names}}', data), '[a b]');
  assert.equal(renderTemplate('{{with .State}}{{.Pid}}{{end}}', data), '42');
  assert.equal(renderTemplate('a {{- " b " -}} c', data), 'a b c');
  assert.equal(renderTemplate('{{printf "%s-%d" .ID 7}}', data), 'abc-7');
  assert.equal(renderTemplate('{{len .Names}} {{eq .ID "abc"}}', data), '2 true');
  assert.equal(renderTemplate('{{(index .Names 1) | upper}}', data), 'B');
  assert.equal(renderTemplate('{{/* comment */}}ok', data), 'ok');
});

test('template: methods with arguments, like {{.Label "k"}}', () => {
  const row = { Name: 'n' };
  Object.defineProperty(row, 'Label', { value: (k: string) => (k === 'a' ? 'A' : ''), enumerable: false });
  assert.equal(new Template('{{.Label "a"}}/{{.Name}}').execute(row), 'A/n');
  assert.equal(renderTemplate('{{json .}}', row), '{"Name":"n"}');
});

test('template errors', () => {
  assert.throws(() => renderTemplate('{{nosuchfunc .}}', {}), /function "nosuchfunc" not defined/);
  assert.throws(() => renderTemplate('{{if .X}}', {}), /unexpected EOF/);
});

test('tabwriter with docker settings (minwidth 10, padding 3)', () => {
  assert.equal(tabwrite('DRIVER\tVOLUME NAME\nlocal\ttrv\n'), 'DRIVER    VOLUME NAME\nlocal     trv\n');
  const text = 'NETWORK ID\tNAME\tDRIVER\tSCOPE\nd2f236d1968d\tbridge\tbridge\tlocal\na3657df3419a\tno-build_default\tbridge\tlocal\n';
  assert.equal(
    tabwrite(text),
    'NETWORK ID     NAME               DRIVER    SCOPE\nd2f236d1968d   bridge             bridge    local\na3657df3419a   no-build_default   bridge    local\n',
  );
});

test('renderRows: table, json, raw templates, empty table keeps header', () => {
  const rows = [{ Driver: 'local', Name: 'trv' }];
  const headers = { Driver: 'DRIVER', Name: 'VOLUME NAME' };
  assert.equal(renderRows('', 'table {{.Driver}}\t{{.Name}}', rows, headers), 'DRIVER    VOLUME NAME\nlocal     trv\n');
  assert.equal(renderRows('json', 'table {{.Driver}}', rows, headers), '{"Driver":"local","Name":"trv"}\n');
  assert.equal(renderRows('{{.Name}}', 'table {{.Driver}}', rows, headers), 'trv\n');
  assert.equal(renderRows('table {{.Name}}\\t{{.Driver}}', 'x', [], headers), 'VOLUME NAME\tDRIVER\n'.replace('\t', '   '));
});

test('human units as go-units prints them', () => {
  assert.equal(humanSize(1984587, 3), '1.98MB');
  assert.equal(humanSize(212000000, 3), '212MB');
  assert.equal(humanSize(3072), '3.072kB');
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999999, 3), '1e+03kB');
  assert.equal(bytesSize(1536 * 1024 * 1024), '1.5GiB');
  assert.equal(formatG(53.2345, 3), '53.2');
  assert.equal(humanDuration(500), 'Less than a second');
  assert.equal(humanDuration(1000), '1 second');
  assert.equal(humanDuration(3000), '3 seconds');
  assert.equal(humanDuration(90_000), 'About a minute');
  assert.equal(humanDuration(10 * 60_000), '10 minutes');
  assert.equal(humanDuration(3_600_000), 'About an hour');
  assert.equal(humanDuration(5 * 3_600_000), '5 hours');
  assert.equal(humanDuration(3 * 86_400_000), '3 days');
  assert.equal(ramInBytes('512m'), 536870912);
  assert.equal(ramInBytes('1g'), 1073741824);
  assert.equal(ramInBytes('100'), 100);
  assert.equal(parseGoDuration('1m30s'), 90e9);
  assert.equal(parseGoDuration('500ms'), 5e8);
  assert.throws(() => parseGoDuration('5'));
});

test('container status strings', () => {
  const now = Date.parse('2026-01-01T00:10:00Z');
  assert.equal(containerStatus({ Running: true, StartedAt: '2026-01-01T00:09:57Z' }, now), 'Up 3 seconds');
  assert.equal(containerStatus({ Status: 'exited', ExitCode: 0, FinishedAt: '2026-01-01T00:08:00Z' }, now), 'Exited (0) 2 minutes ago');
  assert.equal(containerStatus({ Status: 'created', FinishedAt: '0001-01-01T00:00:00Z' }, now), 'Created');
  assert.equal(containerStatus({ Status: 'paused', Paused: true, StartedAt: '2026-01-01T00:09:00Z' }, now), 'Up About a minute (Paused)');
});

test('ps rows: ID, quoted ellipsised command, names, ports', () => {
  const now = Date.parse('2026-11-22T23:57:14Z');
  const row = containerRow(
    {
      Id: '74f9baf61b1994b3d5f7d2588ec86d6f421e95655ad4a3b6e4a5e572cbf7634e',
      Names: ['/tr1', '/other/link'],
      Image: 'busybox:latest',
      Command: "sh -c 'echo started; sleep 300'",
      Created: now / 1000,
      Ports: [{ IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 53, Type: 'udp' }],
      State: 'running',
      Status: 'Up Less than a second',
    },
    true,
    false,
    now,
  );
  assert.equal(row.ID, '74f9baf61b19');
  assert.equal(row.Command, '"sh -c \'echo started…"');
  assert.equal(row.Names, 'tr1');
  assert.equal(row.RunningFor, 'Less than a second ago');
  assert.equal(row.Ports, '53/udp, 0.0.0.0:8080->80/tcp');
});

test('ports: same-number mappings and exposed ports fold into ranges, others are listed', () => {
  assert.equal(
    displayablePorts([
      { IP: '0.0.0.0', PrivatePort: 81, PublicPort: 81, Type: 'tcp' },
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 80, Type: 'tcp' },
      { PrivatePort: 7000, Type: 'udp' },
      { PrivatePort: 7001, Type: 'udp' },
      { IP: '::', PrivatePort: 90, PublicPort: 9090, Type: 'tcp' },
    ]),
    '0.0.0.0:80-81->80-81/tcp, 7000-7001/udp, [::]:9090->90/tcp',
  );
});

test('image rows: one per tag, <none> when untagged', () => {
  const img = { Id: 'sha256:d749f1b126521fa2aee12686223fe9da14f6065050de4421e8a84818bf5c44a8', RepoTags: ['busybox:latest', 'busybox:1.27.2'], Created: 0, Size: 1984587 };
  const rows = imageRows(img, true, false, 1000);
  assert.deepEqual(rows.map((r) => `${r.Repository}:${r.Tag}:${r.ID}:${r.Size}`), ['busybox:1.27.2:d749f1b12652:1.98MB', 'busybox:latest:d749f1b12652:1.98MB']);
  assert.equal(imageRows({ ...img, RepoTags: [] }, true, false)[0].Repository, '<none>');
});

test('events line and timestamps', () => {
  assert.equal(rfc3339Nano(1795391833057078401n), '2026-11-22T23:57:13.057078401Z');
  assert.equal(
    eventLine({ Type: 'container', Action: 'die', Actor: { ID: 'f91e', Attributes: { name: 'v', exitCode: '0', image: 'busybox:latest' } }, time: 1795391833 }, '1795391833057078401'),
    '2026-11-22T23:57:13.057078401Z container die f91e (exitCode=0, image=busybox:latest, name=v)',
  );
});

test('progress messages off a terminal: no bars, status lines kept', () => {
  assert.equal(displayMessage({ status: 'Pulling fs layer', id: 'abc' }, false), 'abc: Pulling fs layer\n');
  assert.equal(displayMessage({ status: 'Downloading', id: 'abc', progressDetail: { current: 10, total: 100 } }, false), '');
  assert.equal(displayMessage({ stream: 'Step 1/4 : FROM busybox\n' }, false), 'Step 1/4 : FROM busybox\n');
  assert.equal(progressBar({ current: 50, total: 100 }, 200), '[=========================>                         ]      50B/100B');
});

test('ids and ellipsis', () => {
  assert.equal(shortId('sha256:d749f1b126521fa2aee1'), 'd749f1b12652');
  assert.equal(ellipsis('abcdef', 4), 'abc…');
});
