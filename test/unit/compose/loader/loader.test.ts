// loadProject on the fixtures in test/fixtures/compose/loader: what `docker compose config`
// would print for each, and compose's errors for bad files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadProject, type LoadOptions } from '../../../../src/compose/loader/index.js';
import { renderProject } from '../../../../src/compose/render.js';

const FIXTURES = fileURLToPath(new URL('../../../../../test/fixtures/compose/loader/', import.meta.url));
const dir = (name: string) => path.join(FIXTURES, name);
const load = (name: string, opts: LoadOptions = {}) => loadProject({ cwd: dir(name), env: { HOME: '/home/u' }, ...opts });

test('the basic fixture prints as docker compose config prints it', async () => {
  const warnings: string[] = [];
  const { project } = await load('basic', { warn: (m) => warnings.push(m), discardEnvFiles: true });
  const expected = readFileSync(path.join(dir('basic'), 'expected.yaml'), 'utf8').replaceAll('$FIXTURE', dir('basic'));
  assert.equal(renderProject(project, 'yaml'), expected);
  assert.deepEqual(warnings, []);
  const json = JSON.parse(renderProject(project, 'json')) as Record<string, any>;
  assert.equal(json.services.cache.command.length, 0);
  assert.equal(json.services.web.entrypoint, null, 'entrypoint is always printed by JSON');
  assert.deepEqual(json.networks.default, { name: 'basic_app_default', ipam: {} });
  assert.deepEqual(Object.keys(json), ['name', 'networks', 'secrets', 'services', 'volumes', 'x-env']);
});

test('project name: -p, then COMPOSE_PROJECT_NAME, then name:, then the directory', async () => {
  assert.equal((await load('basic', { projectName: 'given' })).project.name, 'given');
  assert.equal((await load('basic', { env: { COMPOSE_PROJECT_NAME: 'fromenv' } })).project.name, 'fromenv');
  assert.equal((await load('basic', { env: { PROJECT: 'My.Proj' } })).project.name, 'myproj');
  assert.equal((await load('override')).project.name, 'override');
  await assert.rejects(load('basic', { projectName: 'Bad Name' }), {
    message: 'invalid project name "Bad Name": must consist only of lowercase alphanumeric characters, hyphens, and underscores as well as start with a letter or number',
  });
});

test('.env: interpolation values, and the process environment wins over it', async () => {
  const { project, environment } = await load('basic', { env: { TAG: 'from-shell' } });
  assert.equal(project.services.web.image, 'registry.local/web:from-shell');
  assert.equal(environment.FROM_DOTENV, 'from .env');
  const other = await load('basic', { envFiles: [path.join(dir('include'), 'sub', '.env')] });
  assert.equal(other.project.services.web.image, 'registry.local/web:latest', '--env-file replaces .env');
});

test('default files: compose.yaml plus compose.override.yaml, merged as the spec says', async () => {
  const { project, configFiles } = await load('override');
  assert.deepEqual(configFiles, [path.join(dir('override'), 'compose.yaml'), path.join(dir('override'), 'compose.override.yaml')]);
  const app = project.services.app;
  assert.deepEqual(app.command, ['sleep', '2']);
  assert.deepEqual(app.environment, { A: '1', B: '3', C: '4' });
  assert.deepEqual(app.ports?.map((p) => `${p.published}:${p.target}`), ['8080:80', '8081:81', '9090:90']);
  assert.deepEqual(app.volumes, [{ type: 'volume', source: 'other', target: '/data', volume: {} }]);
  assert.equal(app.labels, undefined, '!reset removed the labels');
  assert.deepEqual(app.dns, ['8.8.8.8'], '!override replaced the list');
  assert.deepEqual(Object.keys(project.volumes ?? {}), ['other'], 'a volume no service uses is not part of the project');
  const only = await load('override', { files: ['compose.yaml'] });
  assert.deepEqual(only.project.services.app.command, ['sleep', '1']);
});

test('extends: another file (paths relative to it) and the same file; a cycle is refused', async () => {
  const { project } = await load('extends');
  const web = project.services.web;
  assert.equal(web.build?.context, path.join(dir('extends'), 'common', 'ctx'));
  assert.deepEqual(web.environment, { ROLE: 'web', LEVEL: '1' });
  assert.deepEqual(web.command, ['serve']);
  assert.equal(project.services.worker.ports, undefined, '!reset in the extending service clears the base ports');
  assert.deepEqual(project.services.worker.command, ['work']);
  assert.equal(web.extends, undefined);
  await assert.rejects(load('extends', { files: ['cycle.yaml'] }), (e: Error) => e.message.startsWith('Circular reference:\n  a in ') && /extends a in .*cycle\.yaml$/.test(e.message));
});

test('include: the sub-project keeps its own directory and .env', async () => {
  const { project } = await load('include');
  assert.equal(project.services.db.image, 'postgres:16');
  assert.equal(project.services.db.volumes?.[0].source, path.join(dir('include'), 'sub', 'initdb'));
  assert.deepEqual(Object.keys(project.services).sort(), ['db', 'web']);
});

test('profiles: --profile, COMPOSE_PROFILES and a service named on the command line', async () => {
  const names = async (opts: LoadOptions) => Object.keys((await load('profiles', opts)).project.services).sort();
  assert.deepEqual(await names({}), ['web']);
  assert.deepEqual(await names({ profiles: ['debug'] }), ['debug', 'tools', 'web']);
  assert.deepEqual(await names({ env: { COMPOSE_PROFILES: 'tools' } }), ['tools', 'web']);
  assert.deepEqual(await names({ profiles: ['*'] }), ['debug', 'tools', 'web']);
  assert.deepEqual(await names({ services: ['tools'] }), ['tools', 'web'], 'naming a service enables it and keeps its dependencies');
  assert.deepEqual(await names({ services: ['web'] }), ['web']);
  const { disabledServices } = await load('profiles');
  assert.deepEqual(Object.keys(disabledServices).sort(), ['debug', 'tools']);
  await assert.rejects(load('profiles', { services: ['nope'] }), { message: 'no such service: nope' });
});

test('env_file: read in order, environment wins, optional files may be missing', async () => {
  const { project } = await load('envfile');
  assert.deepEqual(project.services.app.environment, {
    FILE_ONLY: 'file',
    SHARED: 'from-environment',
    QUOTED: 'a\nb',
    SINGLE: '$NOT_EXPANDED',
    REF: 'own-x',
    OWN: 'own',
  });
  assert.equal(project.services.app.env_file?.length, 2);
  const discarded = await load('envfile', { discardEnvFiles: true });
  assert.equal(discarded.project.services.app.env_file, undefined);
});

test('bad files: errors in compose wording, naming the file, the service and the key', async () => {
  const errors = dir('errors');
  const err = async (file: string, env: Record<string, string> = {}) => {
    try {
      await loadProject({ cwd: errors, files: [file], env });
    } catch (e) {
      return (e as Error).message;
    }
    assert.fail(`${file} loaded`);
  };
  const f = (name: string) => path.join(errors, name);
  assert.equal(await err('schema-type.yaml'), `validating ${f('schema-type.yaml')}: services.web.ports.0 must be a mapping, number or string`);
  assert.equal(await err('schema-extra.yaml'), `validating ${f('schema-extra.yaml')}: services.web additional properties 'colour' not allowed`);
  assert.equal(await err('unknown-dep.yaml'), 'service "web" depends on undefined service "db": invalid compose project');
  assert.equal(await err('cycle.yaml'), 'dependency cycle detected: a -> b -> a');
  assert.equal(await err('undefined-volume.yaml'), 'service "web" refers to undefined volume data: invalid compose project');
  assert.equal(await err('undefined-network.yaml'), 'service "web" refers to undefined network front: invalid compose project');
  assert.equal(await err('undefined-secret.yaml'), 'service "web" refers to undefined secret key: invalid compose project');
  assert.equal(await err('missing-env.yaml'), `env file ${f('nope.env')} not found: stat ${f('nope.env')}: no such file or directory`);
  assert.equal(await err('missing-context.yaml'), `service "web": build context ${JSON.stringify(f('no-such-dir'))} not found (services.web.build.context): invalid compose project`);
  assert.equal(await err('required-var.yaml'), 'error while interpolating services.web.image: required variable TAG is missing a value: set TAG please');
  assert.equal(await err('bad-interpolation.yaml'), 'invalid interpolation format for services.web.image.\nYou may need to escape any $ with another $.\nbusybox:${}');
  assert.equal(await err('duplicate-key.yaml'), `failed to parse ${f('duplicate-key.yaml')}: line 4: mapping key "image" already defined at line 3`);
  assert.equal(await err('no-image.yaml'), 'service "web" has neither an image nor a build context specified: invalid compose project');
  assert.equal(await err('nosuch.yaml'), `open ${f('nosuch.yaml')}: no such file or directory`);
});

test('files found from a subdirectory upwards; COMPOSE_FILE; -f -', async () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'berth-loader-'));
  try {
    writeFileSync(path.join(tmp, 'docker-compose.yml'), 'services:\n  a:\n    image: busybox\n');
    writeFileSync(path.join(tmp, 'other.yml'), 'services:\n  b:\n    image: busybox\n');
    symlinkSync(tmp, path.join(tmp, 'sub'));
    const up = await loadProject({ cwd: path.join(tmp, 'sub'), env: {} });
    assert.deepEqual(Object.keys(up.project.services), ['a']);
    const viaEnv = await loadProject({ cwd: tmp, env: { COMPOSE_FILE: 'other.yml' } });
    assert.deepEqual(Object.keys(viaEnv.project.services), ['b']);
    const stdin = await loadProject({ cwd: tmp, files: ['-'], env: {}, stdin: async () => 'services:\n  c:\n    image: busybox\n' });
    assert.deepEqual(Object.keys(stdin.project.services), ['c']);
    assert.equal(stdin.project.name, path.basename(tmp).toLowerCase().replace(/[^a-z0-9_-]/g, ''));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  await assert.rejects(loadProject({ cwd: '/', env: {} }), { message: 'no configuration file provided: not found' });
});
