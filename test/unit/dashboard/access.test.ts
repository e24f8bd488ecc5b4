// The dashboard's access rules: login token, session cookie, same-origin and CSRF checks, the
// Host check on loopback, and where it may listen.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Access, SESSION_IDLE_MS, cookieValue } from '../../../src/dashboard/server/access.js';
import { ListenError, baseUrl, planListen } from '../../../src/dashboard/server/listen.js';
import { SessionFile, sessionFilePath, stateDir } from '../../../src/dashboard/server/session-file.js';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const local = () => new Access('secret-token', { host: '127.0.0.1', port: 2378, secure: false });

describe('dashboard access', () => {
  it('only the exact token logs in; the session cookie is HttpOnly and SameSite=Strict', () => {
    const a = local();
    assert.equal(a.tokenMatches('secret-token'), true);
    assert.equal(a.tokenMatches('secret-toke'), false);
    assert.equal(a.tokenMatches(''), false);
    const { session, setCookie } = a.login();
    assert.match(setCookie, /^berth_dashboard=[\w-]+; HttpOnly; SameSite=Strict; Path=\/$/);
    assert.equal(a.session({ cookie: `x=1; ${setCookie.split(';')[0]}` })?.hash, session.hash);
    assert.equal(a.session({ cookie: 'berth_dashboard=forged' }), undefined);
    assert.equal(a.session({}), undefined);
    assert.match(new Access('t', { host: '0.0.0.0', port: 443, secure: true }).login().setCookie, /; Secure$/);
  });

  it('forgets a session left unused for SESSION_IDLE_MS', () => {
    let now = 1000;
    const a = new Access('t', { host: '127.0.0.1', port: 1, secure: false }, () => now);
    const cookie = a.login().setCookie.split(';')[0];
    now += SESSION_IDLE_MS - 1;
    assert.ok(a.session({ cookie }), 'used just in time: kept, and the idle clock starts again');
    now += SESSION_IDLE_MS - 1;
    assert.ok(a.session({ cookie }));
    now += SESSION_IDLE_MS + 1;
    assert.equal(a.session({ cookie }), undefined);
  });

  it('on loopback only loopback Host names with our port pass (no DNS rebinding)', () => {
    const a = local();
    assert.equal(a.hostAllowed({ host: '127.0.0.1:2378' }), true);
    assert.equal(a.hostAllowed({ host: 'localhost:2378' }), true);
    assert.equal(a.hostAllowed({ host: '[::1]:2378' }), true);
    assert.equal(a.hostAllowed({ host: 'evil.example:2378' }), false);
    assert.equal(a.hostAllowed({ host: '127.0.0.1:9999' }), false);
    assert.equal(a.hostAllowed({}), false);
  });

  it('actions need the session, our Origin and the CSRF token', () => {
    const a = local();
    const { session, setCookie } = a.login();
    const cookie = setCookie.split(';')[0];
    const ok = { cookie, host: '127.0.0.1:2378', origin: 'http://127.0.0.1:2378', 'x-csrf': session.csrf };
    assert.equal(a.actionAllowed(ok, 'x-csrf')?.hash, session.hash);
    assert.equal(a.actionAllowed({ ...ok, 'x-csrf': 'nope' }, 'x-csrf'), undefined);
    assert.equal(a.actionAllowed({ ...ok, origin: 'http://evil.example' }, 'x-csrf'), undefined);
    assert.equal(a.actionAllowed({ ...ok, origin: undefined }, 'x-csrf'), undefined);
    assert.equal(a.actionAllowed({ ...ok, origin: 'https://127.0.0.1:2378' }, 'x-csrf'), undefined);
    assert.equal(a.actionAllowed({ ...ok, cookie: undefined }, 'x-csrf'), undefined);
  });

  it('reads one cookie out of a Cookie header', () => {
    assert.equal(cookieValue('a=1; b=two; c=3', 'b'), 'two');
    assert.equal(cookieValue('ab=1', 'a'), undefined);
    assert.equal(cookieValue(undefined, 'a'), undefined);
  });
});

describe('dashboard listen address', () => {
  it('defaults to 127.0.0.1:2378 and refuses other addresses without TLS', () => {
    assert.deepEqual(planListen(undefined, {}), { host: '127.0.0.1', port: 2378, tls: undefined });
    assert.deepEqual(planListen('[::1]:80', {}), { host: '::1', port: 80, tls: undefined });
    assert.throws(() => planListen('0.0.0.0:2378', {}), ListenError);
    assert.throws(() => planListen('192.168.1.5:2378', { cert: 'c.pem' }), ListenError);
    assert.throws(() => planListen('nonsense', {}), ListenError);
    assert.deepEqual(planListen('0.0.0.0:443', { cert: 'c.pem', key: 'k.pem' }).tls, { cert: 'c.pem', key: 'k.pem' });
    assert.equal(baseUrl(planListen('0.0.0.0:443', { cert: 'c', key: 'k' }), 443), 'https://localhost:443');
    assert.equal(baseUrl(planListen('[::1]:1', {}), 5), 'http://[::1]:5');
  });

  it('keeps sessions across restarts in a 0600 file, by hash only, and drops expired ones', async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'berth-sessions-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = sessionFilePath(dir, '127.0.0.1', 2378)!;
    assert.equal(sessionFilePath(dir, '127.0.0.1', 0), undefined, 'a random port keeps none');
    let now = 1000;
    const first = new Access('t', { host: '127.0.0.1', port: 2378, secure: false }, () => now, new SessionFile(file));
    const { session, setCookie } = first.login();
    const cookie = setCookie.split(';')[0];
    await first.flush();
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(cookie.split('=')[1]), 'the session id itself is not in the file');
    assert.ok(text.includes(session.csrf));

    const second = new Access('t', { host: '127.0.0.1', port: 2378, secure: false }, () => now, new SessionFile(file));
    assert.equal(second.session({ cookie })?.csrf, session.csrf, 'the restarted dashboard knows the session');
    now += SESSION_IDLE_MS + 1;
    const third = new Access('t', { host: '127.0.0.1', port: 2378, secure: false }, () => now, new SessionFile(file));
    assert.equal(third.session({ cookie }), undefined, 'expired: not taken up');
    assert.equal(stateDir({ XDG_STATE_HOME: '/s' }), '/s/berth');
    assert.equal(stateDir({ HOME: '/h' }), '/h/.local/state/berth');
  });
});
