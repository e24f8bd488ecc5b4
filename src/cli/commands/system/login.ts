// berth login: check credentials with the daemon (POST /auth) and keep them in
// ~/.docker/config.json as docker does (auths[server].auth = base64 "user:pass").
import type { Cli, CommandSpec } from '../../cli.js';
import { StatusError } from '../../errors.js';
import { DOCKER_INDEX_SERVER, readConfig, serverKey, writeConfig } from '../../auth.js';
import { readStream } from '../helpers.js';

export const spec: CommandSpec = {
  usage: 'login [OPTIONS] [SERVER]',
  description: 'Authenticate to a registry.\nDefaults to Docker Hub if no server is specified.',
  flags: [
    { name: 'password', short: 'p', kind: 'string', desc: 'Password or Personal Access Token (PAT)' },
    { name: 'password-stdin', kind: 'bool', desc: 'Take the Password or Personal Access Token (PAT) from stdin' },
    { name: 'username', short: 'u', kind: 'string', desc: 'Username' },
  ],
  maxArgs: 1,
};

async function prompt(cli: Cli, question: string): Promise<string> {
  cli.out(question);
  return new Promise((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) finish();
    };
    const finish = () => {
      cli.stdin.off('data', onData);
      cli.stdin.off('end', finish);
      cli.stdin.pause();
      resolve(buf.split(/\r?\n/)[0]);
    };
    cli.stdin.on('data', onData);
    cli.stdin.on('end', finish);
    cli.stdin.resume();
  });
}

export default async function login(cli: Cli, argv: string[]): Promise<number> {
  const flags = cli.parse(spec, argv);
  const server = flags.positionals[0] ? serverKey(flags.positionals[0].replace(/^https?:\/\//, '').replace(/\/.*$/, '')) : DOCKER_INDEX_SERVER;
  let username = flags.string('username');
  let password = flags.string('password');
  if (flags.bool('password-stdin')) {
    if (password) throw new StatusError('--password and --password-stdin are mutually exclusive', 1);
    if (!username) throw new StatusError('Must provide --username with --password-stdin', 1);
    password = (await readStream(cli.stdin)).toString('utf8').replace(/\r?\n$/, '');
  } else if (password) {
    cli.err('WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n');
  }
  if (!username) username = (await prompt(cli, 'Username: ')).trim();
  if (!username) throw new StatusError('Error: Non-null Username Required', 1);
  if (!password) {
    if (cli.stdin.isTTY) cli.stdin.setRawMode(false);
    password = await prompt(cli, 'Password: ');
  }
  if (!password) throw new StatusError('Error: Password Required', 1);
  const r = await cli.client().system.auth({ username, password, serveraddress: server });
  const config = readConfig(cli.globals.configDir);
  config.auths ??= {};
  config.auths[server] = r?.IdentityToken ? { auth: '', identitytoken: r.IdentityToken } : { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  writeConfig(config, cli.globals.configDir);
  cli.out(`${r?.Status || 'Login Succeeded'}\n`);
  return 0;
}
