import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { linkEnvVars, parseLink } from '../../../src/engine/containers/links.js';

describe('legacy link environment (moby daemon/links ToEnv)', () => {
  it('matches moby\'s links_test: one port, then a tcp range and a udp port', () => {
    assert.deepEqual(linkEnvVars('172.0.17.2', '/db/docker', ['PASSWORD=gordon'], ['6379/tcp']), [
      'DOCKER_PORT=tcp://172.0.17.2:6379',
      'DOCKER_PORT_6379_TCP=tcp://172.0.17.2:6379',
      'DOCKER_PORT_6379_TCP_ADDR=172.0.17.2',
      'DOCKER_PORT_6379_TCP_PORT=6379',
      'DOCKER_PORT_6379_TCP_PROTO=tcp',
      'DOCKER_NAME=/db/docker',
      'DOCKER_ENV_PASSWORD=gordon',
    ]);
    const env = linkEnvVars('172.0.17.2', '/db/my-docker', ['HOME=/root', 'PATH=/bin'], ['6381/tcp', '6379/tcp', '6380/tcp', '53/udp']);
    assert.deepEqual(env, [
      'MY_DOCKER_PORT=tcp://172.0.17.2:6379',
      'MY_DOCKER_PORT_6379_TCP=tcp://172.0.17.2:6379',
      'MY_DOCKER_PORT_6379_TCP_ADDR=172.0.17.2',
      'MY_DOCKER_PORT_6379_TCP_PORT=6379',
      'MY_DOCKER_PORT_6379_TCP_PROTO=tcp',
      'MY_DOCKER_PORT_6380_TCP=tcp://172.0.17.2:6380',
      'MY_DOCKER_PORT_6380_TCP_ADDR=172.0.17.2',
      'MY_DOCKER_PORT_6380_TCP_PORT=6380',
      'MY_DOCKER_PORT_6380_TCP_PROTO=tcp',
      'MY_DOCKER_PORT_6381_TCP=tcp://172.0.17.2:6381',
      'MY_DOCKER_PORT_6381_TCP_ADDR=172.0.17.2',
      'MY_DOCKER_PORT_6381_TCP_PORT=6381',
      'MY_DOCKER_PORT_6381_TCP_PROTO=tcp',
      'MY_DOCKER_PORT_53_UDP=udp://172.0.17.2:53',
      'MY_DOCKER_PORT_53_UDP_ADDR=172.0.17.2',
      'MY_DOCKER_PORT_53_UDP_PORT=53',
      'MY_DOCKER_PORT_53_UDP_PROTO=udp',
      // The range ends at the first port that does not continue it: its variables come after that port's.
      'MY_DOCKER_PORT_6379_TCP_START=tcp://172.0.17.2:6379',
      'MY_DOCKER_PORT_6379_TCP_PORT_START=6379',
      'MY_DOCKER_PORT_6379_TCP_END=tcp://172.0.17.2:6381',
      'MY_DOCKER_PORT_6379_TCP_PORT_END=6381',
      'MY_DOCKER_NAME=/db/my-docker',
    ]);
  });

  it('parses links as opts.ParseLink does', () => {
    assert.deepEqual(parseLink('db'), { name: 'db', alias: 'db' });
    assert.deepEqual(parseLink('db:alias'), { name: 'db', alias: 'alias' });
    assert.deepEqual(parseLink('/db:/web/alias'), { name: 'db', alias: 'alias' });
    assert.throws(() => parseLink('a:b:c'), /bad format for links: a:b:c/);
    assert.throws(() => parseLink(''), /empty string specified for links/);
  });
});
