// Small pieces many commands share: acting on several named objects with docker's error
// reporting, the prune confirmation prompt, and common flag definitions.
import { describeError } from '../../client/errors.js';
import type { Cli } from '../cli.js';
import { StatusError } from '../errors.js';
import type { FlagDef } from '../flags.js';

/**
 * Runs `action` for each target in order; prints what it returns (default: the target) on
 * success; collects failures and reports them together with exit status 1, as docker does.
 */
export async function forEachTarget(cli: Cli, targets: string[], action: (t: string) => Promise<string | void>, print = true): Promise<number> {
  const errors: string[] = [];
  for (const t of targets) {
    try {
      const shown = await action(t);
      if (print) cli.out(`${shown ?? t}\n`);
    } catch (e) {
      errors.push(describeError(e));
    }
  }
  if (errors.length) throw new StatusError(errors.join('\n'), 1);
  return 0;
}

/** Asks "[y/N]" on the terminal; anything but y/yes is no. Without a terminal the answer is no. */
export async function confirm(cli: Cli, question: string): Promise<boolean> {
  cli.out(`${question} [y/N] `);
  const answer = await new Promise<string>((resolve) => {
    let buf = '';
    const onData = (c: Buffer) => {
      buf += c.toString();
      if (buf.includes('\n')) done();
    };
    const done = () => {
      cli.stdin.off('data', onData);
      cli.stdin.off('end', done);
      cli.stdin.pause();
      resolve(buf.split('\n')[0]);
    };
    cli.stdin.on('data', onData);
    cli.stdin.on('end', done);
    cli.stdin.resume();
  });
  return /^\s*y(es)?\s*$/i.test(answer);
}

export const FORMAT_FLAG: FlagDef = { name: 'format', kind: 'string', desc: "Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'" };
export const FILTER_FLAG: FlagDef = { name: 'filter', short: 'f', kind: 'list', desc: "Provide filter values (e.g. 'dangling=true')" };
export const QUIET_FLAG: FlagDef = { name: 'quiet', short: 'q', kind: 'bool', desc: 'Only display IDs' };
export const FORCE_FLAG: FlagDef = { name: 'force', short: 'f', kind: 'bool', desc: 'Do not prompt for confirmation' };

export async function readStream(s: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of s) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}
