// skopeo (containers/image) against berth's registry: an OCI layout copied in and back out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { haveCommand, tempDir, withRegistry } from './helpers.js';
import { makeOciLayout } from './oci-layout.js';

const run = promisify(execFile);
const skip = haveCommand('skopeo') ? false : 'skopeo is not installed (apt-get install -y skopeo)';

async function skopeo(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  const { stdout } = await run('skopeo', ['--insecure-policy', ...args], { env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout;
}

test('skopeo copies an OCI layout into the registry and back out', { skip }, async () => {
  const work = await tempDir();
  try {
    await withRegistry({}, async (reg) => {
      const src = path.join(work, 'src');
      const img = await makeOciLayout(src, 'v1', work);
      // Keep skopeo away from any user auth file.
      const env = { REGISTRY_AUTH_FILE: path.join(work, 'auth.json'), HOME: work };
      await skopeo(['copy', '--dest-tls-verify=false', `oci:${src}:v1`, `docker://${reg.host}/skopeo/test:v1`], env);
      const tags = JSON.parse(await skopeo(['list-tags', '--tls-verify=false', `docker://${reg.host}/skopeo/test`], env)) as { Tags: string[] };
      assert.deepEqual(tags.Tags, ['v1']);
      const raw = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/skopeo/test:v1`], env);
      const stored = await fsp.readFile(path.join(src, 'blobs', 'sha256', img.manifestDigest.slice(7)), 'utf8');
      assert.equal(raw.trim(), stored.trim());

      const out = path.join(work, 'out');
      await skopeo(['copy', '--src-tls-verify=false', `docker://${reg.host}/skopeo/test:v1`, `oci:${out}:copied`], env);
      for (const d of img.blobs) {
        const a = await fsp.readFile(path.join(src, 'blobs', 'sha256', d.slice(7)));
        const b = await fsp.readFile(path.join(out, 'blobs', 'sha256', d.slice(7)));
        assert.ok(a.equals(b), `blob ${d} differs after the round trip`);
      }
      // Registry-to-registry copy within berth (exercises mounts / HEAD checks).
      await skopeo(['copy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${reg.host}/skopeo/test:v1`, `docker://${reg.host}/skopeo/again:v2`], env);
      const again = await skopeo(['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/skopeo/again:v2`], env);
      assert.equal(again.trim(), stored.trim());
    });
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
});

test('skopeo with credentials against the token flow', { skip }, async () => {
  const work = await tempDir();
  try {
    const htpasswdText = `carol:${bcrypt.hashSync('secret', 4)}\n`;
    await withRegistry({ htpasswdText, token: { issuer: 'berth-test' } }, async (reg) => {
      const src = path.join(work, 'src');
      await makeOciLayout(src, 'v1', work);
      const env = { REGISTRY_AUTH_FILE: path.join(work, 'auth.json'), HOME: work };
      await assert.rejects(skopeo(['copy', '--dest-tls-verify=false', '--dest-creds=carol:wrong', `oci:${src}:v1`, `docker://${reg.host}/tok/img:v1`], env));
      await skopeo(['copy', '--dest-tls-verify=false', '--dest-creds=carol:secret', `oci:${src}:v1`, `docker://${reg.host}/tok/img:v1`], env);
      // Anonymous pulls are allowed by the default policy.
      const tags = JSON.parse(await skopeo(['list-tags', '--tls-verify=false', `docker://${reg.host}/tok/img`], env)) as { Tags: string[] };
      assert.deepEqual(tags.Tags, ['v1']);
    });
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
});
