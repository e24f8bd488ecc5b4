// berth's iptables rules, kept entirely in its own BERTH-* chains and rebuilt as a whole from the
// engine's state with one `iptables-restore --noflush` (declaring a chain flushes it), so every
// change is atomic, idempotent, and a crash can never leave a stale rule behind: the next sync
// writes exactly what the records say. The host's own rules are never touched; only one jump
// per built-in chain points into berth's chains.
//
// filter: FORWARD → BERTH-FORWARD → BERTH-ISOLATION-1 → BERTH-ISOLATION-2 (like Docker's
//         DOCKER-ISOLATION-STAGE-1/2: traffic between two berth bridges is dropped; internal
//         networks drop everything that leaves or enters their subnet), BERTH-PUBLISHED (accepts
//         published ports), then per-bridge accepts.
// nat:    PREROUTING/OUTPUT (dst-type LOCAL) → BERTH-DNAT (published ports, 127.0.0.1 included:
//         the bridges get route_localnet=1); POSTROUTING → BERTH-POSTROUTING (masquerade out of
//         non-internal bridges, loopback-sourced DNAT, hairpin).
// IPv6 (dual-stack networks) has the same chains and rules in ip6tables, as dockerd mirrors its
// own, except that ::1 is not DNATed (IPv6 has no route_localnet: berthd's userland proxy serves
// [::1], as docker-proxy does), and berth's ip6tables chains exist only while an IPv6 network does.
import { run, runOk } from './run.js';
import { settled } from '../../util/best-effort.js';

export interface FirewallNetwork {
  bridge: string;
  subnet: string;
  internal: boolean;
  masquerade: boolean;
}

export interface FirewallPort {
  proto: 'tcp' | 'udp' | 'sctp';
  hostIp: string;
  hostPort: number;
  containerIp: string;
  containerPort: number;
  bridge: string;
}

const FILTER_CHAINS = ['BERTH-FORWARD', 'BERTH-ISOLATION-1', 'BERTH-ISOLATION-2', 'BERTH-PUBLISHED'];
const NAT_CHAINS = ['BERTH-DNAT', 'BERTH-POSTROUTING'];

export type Family = 4 | 6;

/** Rules that join the built-in chains to berth's; only these live outside BERTH-* chains. */
function jumps(family: Family): { table: 'filter' | 'nat'; chain: string; rule: string; insert: boolean }[] {
  return [
    { table: 'filter', chain: 'FORWARD', rule: '-j BERTH-FORWARD', insert: true },
    { table: 'nat', chain: 'PREROUTING', rule: '-m addrtype --dst-type LOCAL -j BERTH-DNAT', insert: false },
    { table: 'nat', chain: 'OUTPUT', rule: `${family === 6 ? '! -d ::1/128 ' : ''}-m addrtype --dst-type LOCAL -j BERTH-DNAT`, insert: false },
    { table: 'nat', chain: 'POSTROUTING', rule: '-j BERTH-POSTROUTING', insert: true },
  ];
}

/** Chain names use `prefix` in place of BERTH (tests run their own set beside a live berthd). */
export function renderRules(networks: FirewallNetwork[], ports: FirewallPort[], prefix = 'BERTH', family: Family = 4): string {
  return withPrefix(renderBerthRules(networks, ports, family), prefix);
}

function withPrefix(text: string, prefix: string): string {
  return prefix === 'BERTH' ? text : text.replace(/\bBERTH-/g, `${prefix}-`);
}

function renderBerthRules(networks: FirewallNetwork[], ports: FirewallPort[], family: Family): string {
  const host = family === 6 ? 128 : 32;
  const filter: string[] = ['-A BERTH-FORWARD -j BERTH-ISOLATION-1', '-A BERTH-FORWARD -j BERTH-PUBLISHED'];
  const iso1: string[] = [];
  const iso2: string[] = [];
  // A packet the host sends to one of its own addresses leaves through lo and is never rewritten:
  // masquerading it (the rule below matches when a bridge's gateway address is its source, e.g.
  // the embedded DNS forwarding to a --dns server on a gateway) takes another address whose replies are lost.
  const nat: string[] = networks.length ? ['-A BERTH-POSTROUTING -o lo -j RETURN'] : [];
  for (const n of networks) {
    const b = n.bridge;
    if (n.internal) {
      iso1.push(`-A BERTH-ISOLATION-1 ! -s ${n.subnet} -o ${b} -j DROP`);
      iso1.push(`-A BERTH-ISOLATION-1 -i ${b} ! -d ${n.subnet} -j DROP`);
      filter.push(`-A BERTH-FORWARD -i ${b} -o ${b} -j ACCEPT`);
    } else {
      iso1.push(`-A BERTH-ISOLATION-1 -i ${b} ! -o ${b} -j BERTH-ISOLATION-2`);
      filter.push(`-A BERTH-FORWARD -o ${b} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
      filter.push(`-A BERTH-FORWARD -i ${b} -j ACCEPT`);
      if (n.masquerade) nat.push(`-A BERTH-POSTROUTING -s ${n.subnet} ! -o ${b} -j MASQUERADE`);
    }
    iso2.push(`-A BERTH-ISOLATION-2 -o ${b} -j DROP`);
    // Published ports reached through 127.0.0.1 (route_localnet) and hairpin connections from a
    // container to a port published by its own bridge need their source rewritten to the gateway.
    if (family === 4) nat.push(`-A BERTH-POSTROUTING -s 127.0.0.0/8 -o ${b} -j MASQUERADE`);
    nat.push(`-A BERTH-POSTROUTING -s ${n.subnet} -o ${b} -m conntrack --ctstate DNAT -j MASQUERADE`);
  }
  const published: string[] = [];
  const dnat: string[] = [];
  for (const p of ports) {
    const dst = p.hostIp && p.hostIp !== '0.0.0.0' && p.hostIp !== '::' ? ` -d ${p.hostIp}/${host}` : '';
    const to = family === 6 ? `[${p.containerIp}]:${p.containerPort}` : `${p.containerIp}:${p.containerPort}`;
    dnat.push(`-A BERTH-DNAT -p ${p.proto}${dst} -m ${p.proto} --dport ${p.hostPort} -j DNAT --to-destination ${to}`);
    published.push(
      `-A BERTH-PUBLISHED -d ${p.containerIp}/${host} ! -i ${p.bridge} -o ${p.bridge} -p ${p.proto} -m ${p.proto} --dport ${p.containerPort} -j ACCEPT`,
    );
  }
  return [
    '*filter',
    ...FILTER_CHAINS.map((c) => `:${c} - [0:0]`),
    ...iso1,
    '-A BERTH-ISOLATION-1 -j RETURN',
    ...iso2,
    '-A BERTH-ISOLATION-2 -j RETURN',
    ...published,
    ...filter,
    'COMMIT',
    '*nat',
    ...NAT_CHAINS.map((c) => `:${c} - [0:0]`),
    ...dnat,
    ...nat,
    'COMMIT',
    '',
  ].join('\n');
}

export class Firewall {
  private queue: Promise<unknown> = Promise.resolve();
  private jumpsChecked = false;
  /** Chains of an earlier run may be there (until the first removeUnused). */
  private mayHaveLeftovers = true;

  private readonly bin: { restore: string; save: string };

  constructor(
    readonly prefix = 'BERTH',
    readonly family: Family = 4,
  ) {
    this.bin = family === 6 ? { restore: 'ip6tables-restore', save: 'ip6tables-save' } : { restore: 'iptables-restore', save: 'iptables-save' };
  }

  private chain(c: string): string {
    return withPrefix(c, this.prefix);
  }

  /** Writes the whole rule set; calls are serialised so the last state asked for wins. */
  sync(networks: FirewallNetwork[], ports: FirewallPort[]): Promise<void> {
    const job = this.queue.then(async () => {
      await this.ensureJumps();
      await runOk(this.bin.restore, ['-w', '--noflush'], { input: renderRules(networks, ports, this.prefix, this.family), timeoutMs: 30_000 });
    });
    this.queue = settled(job); // job's error goes to its caller
    return job;
  }

  /** Removes berth's chains and jumps when this instance made them or an earlier run may have left them. */
  removeUnused(): Promise<void> {
    if (!this.jumpsChecked && !this.mayHaveLeftovers) return Promise.resolve();
    const job = this.queue.then(() => this.removeNow());
    this.queue = settled(job);
    return job;
  }

  /** Creates berth's chains (empty) and the jumps from the built-in chains when missing. */
  private async ensureJumps(): Promise<void> {
    if (this.jumpsChecked) return;
    const saved = await runOk(this.bin.save, []);
    const lines = ['*filter'];
    for (const table of ['filter', 'nat'] as const) {
      if (table === 'nat') lines.push('COMMIT', '*nat');
      for (const c of table === 'filter' ? FILTER_CHAINS : NAT_CHAINS) {
        if (!hasChain(saved, table, this.chain(c))) lines.push(`:${this.chain(c)} - [0:0]`);
      }
      for (const j of jumps(this.family).filter((x) => x.table === table)) {
        const rule = this.chain(j.rule);
        if (!hasRule(saved, table, `-A ${j.chain} ${rule}`)) lines.push(`${j.insert ? '-I' : '-A'} ${j.chain} ${j.insert ? '1 ' : ''}${rule}`);
      }
    }
    lines.push('COMMIT', '');
    await runOk(this.bin.restore, ['-w', '--noflush'], { input: lines.join('\n') });
    this.jumpsChecked = true;
  }

  /** Removes every berth chain and jump (tests, uninstall). */
  async removeAll(): Promise<void> {
    await this.queue;
    await this.removeNow();
  }

  private async removeNow(): Promise<void> {
    const saved = (await run(this.bin.save, [])).stdout;
    const lines: string[] = [];
    for (const table of ['filter', 'nat'] as const) {
      const chains = table === 'filter' ? FILTER_CHAINS : NAT_CHAINS;
      lines.push(`*${table}`);
      for (const j of jumps(this.family).filter((x) => x.table === table)) {
        const rule = this.chain(j.rule);
        if (hasRule(saved, table, `-A ${j.chain} ${rule}`)) lines.push(`-D ${j.chain} ${rule}`);
      }
      const present = chains.map((c) => this.chain(c)).filter((c) => hasChain(saved, table, c));
      for (const c of present) lines.push(`:${c} - [0:0]`);
      for (const c of present) lines.push(`-X ${c}`);
      lines.push('COMMIT');
    }
    lines.push('');
    await runOk(this.bin.restore, ['-w', '--noflush'], { input: lines.join('\n') });
    this.jumpsChecked = false;
    this.mayHaveLeftovers = false;
  }
}

function tableSection(saved: string, table: string): string {
  const start = saved.indexOf(`*${table}\n`);
  if (start < 0) return '';
  const end = saved.indexOf('\nCOMMIT', start);
  return saved.slice(start, end < 0 ? undefined : end);
}

function hasChain(saved: string, table: string, chain: string): boolean {
  return tableSection(saved, table).includes(`\n:${chain} `);
}

function hasRule(saved: string, table: string, rule: string): boolean {
  return tableSection(saved, table).split('\n').includes(rule);
}
