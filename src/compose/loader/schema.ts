// Validation against the Compose Specification schema (src/compose/schema/compose-spec.json, a
// copy of compose-spec's schema/compose-spec.json) with ajv, reporting the most specific error
// in compose-go's words: "services.web.ports.0 must be a string", "services.web additional
// properties 'foo' not allowed", "services.web.develop.watch.0 missing property 'action'".
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../schema/compose-spec.json' with { type: 'json' };
import { ComposeError } from './errors.js';

const Ajv = AjvModule.default;
let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  if (!validator) {
    const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
    void _ignored;
    const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false, verbose: true });
    validator = ajv.compile(rest);
  }
  return validator;
}

/** Validates one merged document; throws "validating FILE: <path> <problem>". */
export function validateSchema(tree: unknown, file: string): void {
  const validate = compile();
  // The schema sees the JSON form, as compose-go marshals the tree to JSON first.
  if (validate(JSON.parse(JSON.stringify(tree)))) return;
  throw new ComposeError(`validating ${file}: ${describe(validate.errors ?? [])}`);
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
export function describe(errors: ErrorObject[]): string {
  const candidates = errors.filter((e) => !['oneOf', 'anyOf', 'allOf', 'if', 'then', 'else'].includes(e.keyword));
  const pool = candidates.length ? candidates : errors;
  let best = pool[0];
  for (const e of pool) if (specificity(e) > specificity(best)) best = e;
  const path = location(best).join('.');
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
      return at(`'${String(best.data)}' does not match pattern '${String(p.pattern)}'`);
    case 'minItems':
      return at(`minItems: got ${Array.isArray(best.data) ? best.data.length : '?'}, want ${String(p.limit)}`);
    case 'minProperties':
      return at(`minProperties: got ${best.data && typeof best.data === 'object' ? Object.keys(best.data).length : '?'}, want ${String(p.limit)}`);
    case 'uniqueItems':
      return at(`items at ${String(p.j)} and ${String(p.i)} are equal`);
    case 'not':
      return at('not failed');
    default:
      return at(best.message ?? best.keyword);
  }
}
