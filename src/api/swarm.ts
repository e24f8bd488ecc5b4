// Swarm, node, service, task, secret and config endpoints: berth has no swarm mode, so they answer
// as a dockerd that is not in a swarm (daemon/cluster): 503 with dockerd's words. Clients rely on
// it: SDK test teardowns call `swarm leave` and accept "not part of a swarm"; `docker info` users
// and `docker service ls` see the message they know. Bodies are read as dockerd reads them first,
// so malformed JSON is still a 400.
import type { Ctx, Handler, Router } from './router.js';
import { readJson } from './http.js';
import { UnavailableError } from '../engine/errors.js';

/** daemon/cluster: errNoManager for a node that never joined a swarm. */
export const NOT_A_SWARM_MANAGER = 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.';
/** daemon/cluster/errors.go errNoSwarm: leaving a swarm the node is not in. */
export const NOT_PART_OF_A_SWARM = 'This node is not part of a swarm';
/** berth cannot do what dockerd would do for init and join: say so in the same class of error. */
const SWARM_MODE_UNSUPPORTED = 'berth does not support swarm mode: this node cannot start or join a swarm';

const refuse =
  (message: string, body = false): Handler =>
  async (ctx: Ctx) => {
    if (body) await readJson(ctx.req, {});
    throw new UnavailableError(message);
  };

export function registerSwarmRoutes(r: Router): void {
  const noManager = refuse(NOT_A_SWARM_MANAGER);
  const noManagerWithBody = refuse(NOT_A_SWARM_MANAGER, true);

  r.post('/swarm/init', refuse(SWARM_MODE_UNSUPPORTED, true));
  r.post('/swarm/join', refuse(SWARM_MODE_UNSUPPORTED, true));
  r.post('/swarm/leave', refuse(NOT_PART_OF_A_SWARM));
  r.get('/swarm', noManager);
  r.get('/swarm/unlockkey', noManager);
  r.post('/swarm/update', noManagerWithBody);
  r.post('/swarm/unlock', noManagerWithBody);

  r.get('/services', noManager);
  r.post('/services/create', noManagerWithBody);
  r.get('/services/:id', noManager);
  r.post('/services/:id/update', noManagerWithBody);
  r.delete('/services/:id', noManager);
  r.get('/services/:id/logs', noManager);

  r.get('/nodes', noManager);
  r.get('/nodes/:id', noManager);
  r.delete('/nodes/:id', noManager);
  r.post('/nodes/:id/update', noManagerWithBody);

  r.get('/tasks', noManager);
  r.get('/tasks/:id', noManager);
  r.get('/tasks/:id/logs', noManager);

  for (const kind of ['secrets', 'configs']) {
    r.get(`/${kind}`, noManager);
    r.post(`/${kind}/create`, noManagerWithBody);
    r.get(`/${kind}/:id`, noManager);
    r.delete(`/${kind}/:id`, noManager);
    r.post(`/${kind}/:id/update`, noManagerWithBody);
  }
}
