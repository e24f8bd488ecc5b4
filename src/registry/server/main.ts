// Command-line entry points: `berth registry serve [flags]` and `berth registry gc --root DIR`.
import { parseArgs } from 'node:util';
import { collectGarbage } from './gc.js';
import { startRegistry } from './server.js';

const SERVE_USAGE = `Usage: berth registry serve [OPTIONS]

Serve an OCI distribution (Docker registry v2) API.

Options:
      --addr HOST:PORT       Listen address (default 127.0.0.1:5000)
      --root DIR             Storage directory (default /var/lib/berth-registry)
      --htpasswd FILE        Require users from this htpasswd file (bcrypt)
      --token-realm URL      Bearer-token auth: token endpoint URL (default: this server's /token)
      --token-issuer NAME    Token issuer (enables token auth)
      --token-service NAME   Token audience / service name (default berth-registry)
      --token-key FILE       PEM key: private (sign + verify) or public (verify only)
      --acl FILE             Access rules (YAML list of {account, type, name, actions})
      --tls-cert FILE        Serve HTTPS with this certificate
      --tls-key FILE         ... and this key
      --read-only            Refuse every write
  -q, --quiet                No request log`;

export async function runRegistryServer(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      addr: { type: 'string', default: '127.0.0.1:5000' },
      root: { type: 'string', default: '/var/lib/berth-registry' },
      htpasswd: { type: 'string' },
      'token-realm': { type: 'string' },
      'token-issuer': { type: 'string' },
      'token-service': { type: 'string' },
      'token-key': { type: 'string' },
      acl: { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(SERVE_USAGE + '\n');
    return;
  }
  if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) throw new Error('--tls-cert and --tls-key go together');
  const tokenMode = values['token-issuer'] || values['token-realm'] || values['token-key'];
  const log = values.quiet ? undefined : (line: string) => process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const reg = await startRegistry({
    root: values.root!,
    addr: values.addr,
    htpasswdFile: values.htpasswd,
    token: tokenMode
      ? { realm: values['token-realm'], issuer: values['token-issuer'], service: values['token-service'], keyFile: values['token-key'] }
      : undefined,
    aclFile: values.acl,
    tlsCertFile: values['tls-cert'],
    tlsKeyFile: values['tls-key'],
    readOnly: values['read-only'],
    log,
  });
  process.stderr.write(`berth registry listening on ${reg.url} (storage ${values.root})\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void reg.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

const GC_USAGE = `Usage: berth registry gc [OPTIONS]

Delete the blobs no manifest refers to (run while the server is stopped or --read-only).

Options:
      --root DIR             Storage directory (default /var/lib/berth-registry)
      --dry-run              List what would be deleted, delete nothing
  -q, --quiet                Print only the summary`;

export async function runRegistryGc(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      root: { type: 'string', default: '/var/lib/berth-registry' },
      'dry-run': { type: 'boolean', default: false },
      quiet: { type: 'boolean', short: 'q', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(GC_USAGE + '\n');
    return;
  }
  const result = await collectGarbage(values.root!, {
    dryRun: values['dry-run'],
    log: values.quiet ? undefined : (l) => process.stdout.write(l + '\n'),
  });
  process.stdout.write(
    `${values['dry-run'] ? 'would delete' : 'deleted'} ${result.deleted.length} blobs (${result.freedBytes} bytes), ` +
      `${result.marked} marked, ${result.uploadsRemoved} stale uploads\n`,
  );
}
