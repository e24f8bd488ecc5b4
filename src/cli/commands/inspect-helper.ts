// The shared shape of every inspect command: fetch each object, print a JSON array indented
// like docker's (four spaces) or the -f template per object; failures after the output, exit 1.
import { isNotFound } from '../../client/errors.js';
import type { Cli } from '../cli.js';
import { StatusError } from '../errors.js';
import { renderEach } from '../format/formatter.js';
import { describeError } from '../../client/errors.js';

export async function inspectEach(
  cli: Cli,
  names: string[],
  format: string,
  fetch: (name: string) => Promise<unknown>,
  notFoundMessage?: (name: string) => string,
): Promise<number> {
  const found: unknown[] = [];
  const errors: string[] = [];
  for (const n of names) {
    try {
      found.push(await fetch(n));
    } catch (e) {
      errors.push(isNotFound(e) && notFoundMessage ? notFoundMessage(n) : describeError(e));
    }
  }
  if (format) cli.out(renderEach(format, found));
  else cli.out(found.length ? `${JSON.stringify(found, null, 4)}\n` : '[]\n');
  if (errors.length) throw new StatusError(errors.join('\n'), 1);
  return 0;
}

export const INSPECT_FORMAT_FLAG = { name: 'format', short: 'f', kind: 'string' as const, desc: "Format output using a custom template: 'json', 'TEMPLATE'" };
