// Validation against the Compose Specification schema (src/compose/schema/compose-spec.json, a
// copy of compose-spec's schema/compose-spec.json) with ajv's code for it, generated ahead of
// time (scripts/gen-compose-validator.mjs → src/compose/schema/compose-validator.ts), reporting the most specific error
// in compose-go's words: "services.web.ports.0 must be a string", "services.web additional
// properties 'foo' not allowed", "services.web.develop.watch.0 missing property 'action'".
import type { ErrorObject } from 'ajv';
import { validate as validateCompose } from '../schema/compose-validator.js';
import { ComposeError } from './errors.js';

interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
const validate = validateCompose as Validator;

/** Validates one merged document; throws "validating FILE: <path> <problem>". */
export function validateSchema(tree: unknown, file: string): void {
  // The schema sees the JSON form, as compose-go marshals the tree to JSON first.
  const json: unknown = JSON.parse(JSON.stringify(tree));
  if (validate(json)) return;
  throw new ComposeError(`validating ${file}: ${describe(validate.errors ?? [], json)}`);
}

function location(e: ErrorObject): string[] {
  return e.instancePath === '' ? [] : e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function specificity(e: ErrorObject): number {
  return location(e).length + (e.keyword === 'additionalProperties' ? 1 : 0);
}

function humanType(want: string[]): string {
  const named = want.map((t) => (t === 'object' ? 'mapping' : t));
  if (named.length === 1) return named[0];
  named.sort();
  return `${named.slice(0, -1).join(', ')} or ${named[named.length - 1]}`;
}

/** The most specific of ajv's errors, worded as compose-go words it. */
export function describe(errors: ErrorObject[], root: unknown): string {
  const candidates = errors.filter((e) => !['oneOf', 'anyOf', 'allOf', 'if', 'then', 'else'].includes(e.keyword));
  const pool = candidates.length ? candidates : errors;
  let best = pool[0];
  for (const e of pool) if (specificity(e) > specificity(best)) best = e;
  const path = location(best).join('.');
  const data = location(best).reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), root);
  const p = best.params as Record<string, unknown>;
  const at = (text: string) => (path ? `${path} ${text}` : text);
  switch (best.keyword) {
    case 'type': {
      // Every type the schema would take there (a oneOf of types reports one error per branch).
      const want = errors
        .filter((e) => e.keyword === 'type' && e.instancePath === best.instancePath)
        .flatMap((e) => (Array.isArray(e.params.type) ? (e.params.type as string[]) : String(e.params.type).split(',')));
      return at(`must be a ${humanType([...new Set(want)])}`);
    }
    case 'minimum':
      return at(`must be greater than or equal to ${String(p.limit)}`);
    case 'maximum':
      return at(`must be less than or equal to ${String(p.limit)}`);
    case 'additionalProperties': {
      // compose-go lists every extra property of the same object in one message.
      const names = errors
        .filter((e) => e.keyword === 'additionalProperties' && e.instancePath === best.instancePath)
        .map((e) => `'${String((e.params as { additionalProperty: string }).additionalProperty)}'`);
      return at(`additional properties ${[...new Set(names)].join(', ')} not allowed`);
    }
    case 'required': {
      const names = errors.filter((e) => e.keyword === 'required' && e.instancePath === best.instancePath).map((e) => `'${String((e.params as { missingProperty: string }).missingProperty)}'`);
      const unique = [...new Set(names)];
      return at(`missing ${unique.length > 1 ? 'properties' : 'property'} ${unique.join(', ')}`);
    }
    case 'enum':
      return at(`value must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`);
    case 'const':
      return at(`value must be ${JSON.stringify(p.allowedValue)}`);
    case 'pattern':
      return at(`'${String(data)}' does not match pattern '${String(p.pattern)}'`);
    case 'minItems':
      return at(`minItems: got ${Array.isArray(data) ? data.length : '?'}, want ${String(p.limit)}`);
    case 'minProperties':
      return at(`minProperties: got ${data && typeof data === 'object' ? Object.keys(data).length : '?'}, want ${String(p.limit)}`);
    case 'uniqueItems':
      return at(`items at ${String(p.j)} and ${String(p.i)} are equal`);
    case 'not':
      return at('not failed');
    default:
      return at(best.message ?? best.keyword);
  }
}
