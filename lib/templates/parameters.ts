import type { ErrorObject, ValidateFunction } from 'ajv';
import type { FieldErrors } from '@/lib/errors';
import type { ParameterSchema, ParametersSchema } from './format';
import { createParameterAjv, parametersValidator } from './parameter-ajv';

// A build's template parameters, checked against the template's JSON Schema with ajv (the same
// setup as the build form's, lib/templates/parameter-ajv.ts). Users see one plain-English message
// per parameter, never ajv's own output.

export type ParameterValues = Record<string, unknown>;
export type ParameterResult = { ok: true; values: ParameterValues } | { ok: false; errors: FieldErrors };

// Template checks: values exactly as written (a default of "20" for an integer is a mistake).
const asWritten = createParameterAjv();

/** Problems with one parameter's own schema (bad pattern, default that breaks its limits), or null. */
export function parameterSchemaProblem(property: ParameterSchema): string | null {
  let validate: ValidateFunction;
  try {
    validate = asWritten.compile(property);
  } catch (e) {
    return `is not a valid JSON Schema: ${(e as Error).message}`;
  }
  if (property.default !== undefined && !validate(property.default)) return `default ${JSON.stringify(property.default)} ${messageOf(validate.errors![0]!, property)}`;
  return null;
}

export function isSecret(property: ParameterSchema | undefined): boolean {
  return property?.type === 'string' && property['x-secret'] === true;
}

const TRUE_WORDS = new Set(['true', 'on', 'yes', '1']);
const FALSE_WORDS = new Set(['false', 'off', 'no', '0']);

function numberFrom(text: string): number | string {
  const n = Number(text.trim());
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

// What HTML forms send: strings everywhere, "" for an untouched field, "on" for a checkbox.
function fromForm(property: ParameterSchema | undefined, value: unknown): unknown {
  if (value === '' || value === null) return undefined;
  if (typeof value !== 'string' || !property) return value;
  switch (property.type) {
    case 'array': {
      // One entry per line; a single line may separate entries by commas or spaces.
      const entries = (value.includes('\n') ? value.split('\n') : value.split(/[\s,]+/)).map((s) => s.trim()).filter(Boolean);
      return property.items.type === 'integer' ? entries.map(numberFrom) : entries;
    }
    case 'integer':
    case 'number':
      return numberFrom(value);
    case 'boolean': {
      const word = value.trim().toLowerCase();
      return TRUE_WORDS.has(word) ? true : FALSE_WORDS.has(word) ? false : value;
    }
    case 'string':
      return isSecret(property) ? value : value.trim();
  }
}

const TYPE_WORDS: Record<string, string> = {
  integer: 'must be a whole number',
  number: 'must be a number',
  string: 'must be text',
  boolean: 'must be true or false',
  array: 'must be a list',
};

function messageOf(error: ErrorObject, property: ParameterSchema | undefined): string {
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'type':
      return TYPE_WORDS[String(p.type)] ?? `must be of type ${p.type}`;
    case 'minimum':
      return `must be at least ${p.limit}`;
    case 'maximum':
      return `must be at most ${p.limit}`;
    case 'minLength':
      return `must be at least ${p.limit} characters long`;
    case 'maxLength':
      return `must be at most ${p.limit} characters long`;
    case 'minItems':
      return `must have at least ${p.limit} entries`;
    case 'maxItems':
      return `must have at most ${p.limit} entries`;
    case 'uniqueItems':
      return `must not repeat an entry (entries ${Math.min(Number(p.i), Number(p.j)) + 1} and ${Math.max(Number(p.i), Number(p.j)) + 1} are the same)`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern': {
      const example = property?.examples?.[0];
      return `is not in the expected form${example !== undefined ? ` (for example ${JSON.stringify(example)})` : ''}`;
    }
    default:
      return 'is not valid';
  }
}

/** Which parameter an ajv error is about, and the message for it. */
function fieldError(error: ErrorObject, schema: ParametersSchema): [string, string] {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return [String(p.missingProperty), 'is required'];
  if (error.keyword === 'additionalProperties') return [String(p.additionalProperty), 'is not a parameter of this template'];
  const [name = 'parameters', index] = error.instancePath.split('/').slice(1);
  // A list's examples are whole lists: no use to quote for one entry.
  if (index !== undefined) return [name, `entry ${Number(index) + 1} ${messageOf(error, undefined)}`];
  return [name, messageOf(error, schema.properties[name])];
}

/**
 * Checks a build's parameters (from JSON or a form): fills in defaults, reads numbers, lists and
 * booleans from form strings, and returns the values in the template's order, or one message per
 * bad parameter keyed by its name.
 */
export function validateParameters(schema: ParametersSchema, input: unknown): ParameterResult {
  if (input !== undefined && (typeof input !== 'object' || input === null || Array.isArray(input)))
    return { ok: false, errors: { parameters: 'must be an object of parameter names and values' } };
  const data: Record<string, unknown> = {};
  for (const [name, value] of Object.entries((input ?? {}) as Record<string, unknown>)) {
    const v = fromForm(schema.properties[name], value);
    if (v !== undefined) data[name] = v;
  }
  const validate = parametersValidator(schema);
  if (!validate(data)) {
    const errors: FieldErrors = {};
    for (const e of validate.errors!) {
      const [field, message] = fieldError(e, schema);
      errors[field] ??= message;
    }
    return { ok: false, errors };
  }
  const values: ParameterValues = {};
  for (const name of Object.keys(schema.properties)) if (name in data) values[name] = data[name];
  return { ok: true, values };
}

/** The values with secret parameters (x-secret) replaced, for plans, logs and audit records. */
export function maskSecretParameters(schema: ParametersSchema, values: ParameterValues): ParameterValues {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, isSecret(schema.properties[k]) ? '********' : v]));
}
