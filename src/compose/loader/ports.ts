// A service port's short syntax, `[HOST_IP:][HOST_PORT[-END]:]CONTAINER_PORT[-END][/PROTOCOL]`
// (or a bare number), to compose's long syntax: one entry per container port, sorted as compose
// sorts them (by "port/proto" as a string), mode "ingress". The spec parsing is the docker CLI's
// (nat.ParsePortSpec), shared with `berth run -p`.
import { parsePortSpec } from '../../cli/commands/container/create-opts.js';
import { ComposeError } from './errors.js';

export interface LongPort {
  mode: string;
  host_ip?: string;
  target: number;
  published?: string;
  protocol: string;
}

export function parsePortSpecs(spec: string): LongPort[] {
  let parsed: ReturnType<typeof parsePortSpec>;
  try {
    parsed = parsePortSpec(spec);
  } catch (e) {
    throw new ComposeError((e as Error).message);
  }
  const out: LongPort[] = [];
  for (const key of Object.keys(parsed.bindings).sort()) {
    const [port, proto] = key.split('/');
    for (const b of parsed.bindings[key]) {
      const p: LongPort = { mode: 'ingress', target: Number(port), protocol: proto };
      if (b.HostIp) p.host_ip = b.HostIp;
      if (b.HostPort) p.published = b.HostPort;
      out.push(p);
    }
  }
  return out;
}
