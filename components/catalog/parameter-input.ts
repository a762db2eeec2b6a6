import type { MessageKey } from '@/lib/i18n/messages';
import type { ParameterSchema, ParametersSchema } from '@/lib/templates/format';
import type { Say } from './say';

// The build form's side of a template's JSON Schema parameters: what each field starts with, the
// JSON value it sends, and the same checks the server makes (lib/templates/parameters.ts), in the
// reader's language, so most mistakes are caught before a round trip.

/** Form state of one parameter: text (a list is one entry per line), or a checkbox. */
export type FormValue = string | boolean;

function initialValue(p: ParameterSchema): FormValue {
  switch (p.type) {
    case 'boolean':
      return p.default ?? false;
    case 'array':
      return (p.default ?? []).map(String).join('\n');
    default:
      return p.default === undefined ? '' : String(p.default);
  }
}

export function initialValues(schema: ParametersSchema): Record<string, FormValue> {
  return Object.fromEntries(Object.entries(schema.properties).map(([name, p]) => [name, initialValue(p)]));
}

/** A list field's entries: one per line, blank lines ignored. */
export function entriesOf(text: string): string[] {
  return text
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
}

function isSecret(p: ParameterSchema): boolean {
  return p.type === 'string' && p['x-secret'] === true;
}

/** What the form sends for a parameter; undefined leaves it to the template's default. */
export function jsonValue(p: ParameterSchema, value: FormValue): unknown {
  if (typeof value === 'boolean') return value;
  const text = isSecret(p) ? value : value.trim();
  if (text === '') return undefined;
  switch (p.type) {
    case 'integer':
    case 'number':
      return Number(text);
    case 'array': {
      const entries = entriesOf(text);
      return p.items.type === 'integer' ? entries.map(Number) : entries;
    }
    default:
      return text;
  }
}

export function parameterValues(schema: ParametersSchema, values: Record<string, FormValue>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(schema.properties)) {
    const v = jsonValue(p, values[name] ?? initialValue(p));
    if (v !== undefined) out[name] = v;
  }
  return out;
}

const NUMBER_MESSAGES = {
  integer: { range: 'param.intRange', min: 'param.intMin', max: 'param.intMax', any: 'param.int' },
  number: { range: 'param.numRange', min: 'param.numMin', max: 'param.numMax', any: 'param.num' },
} as const satisfies Record<string, Record<string, MessageKey>>;

function numberProblem(kind: 'integer' | 'number', limits: { minimum?: number; maximum?: number }, text: string, say: Say): string | null {
  const n = Number(text);
  const fits = text !== '' && Number.isFinite(n) && (kind === 'number' || Number.isInteger(n)) && (limits.minimum === undefined || n >= limits.minimum) && (limits.maximum === undefined || n <= limits.maximum);
  if (fits) return null;
  const m = NUMBER_MESSAGES[kind];
  const { minimum: min, maximum: max } = limits;
  if (min !== undefined && max !== undefined) return say(m.range, { min, max });
  if (min !== undefined) return say(m.min, { min });
  if (max !== undefined) return say(m.max, { max });
  return say(m.any);
}

interface TextLimits {
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  enum?: string[];
}

function textProblem(limits: TextLimits, text: string, example: unknown, say: Say): string | null {
  // JSON Schema counts characters as code points, as ajv does.
  const length = [...text].length;
  if (limits.minLength !== undefined && length < limits.minLength) return say('param.minLength', { min: limits.minLength });
  if (limits.maxLength !== undefined && length > limits.maxLength) return say('param.maxLength', { max: limits.maxLength });
  if (limits.enum && !limits.enum.includes(text)) return say('param.enum', { values: limits.enum.join(', ') });
  if (limits.pattern !== undefined && !matches(limits.pattern, text))
    return typeof example === 'string' ? say('param.patternExample', { example }) : say('param.pattern');
  return null;
}

function matches(pattern: string, text: string): boolean {
  try {
    return new RegExp(pattern, 'u').test(text);
  } catch {
    // The server has checked the template's patterns; one this browser cannot read is left to it.
    return true;
  }
}

/** The problem with a parameter's field, in the reader's language, or null. */
export function checkParameter(p: ParameterSchema, value: FormValue, required: boolean, say: Say): string | null {
  if (typeof value === 'boolean') return null;
  const text = isSecret(p) ? value : value.trim();
  if (text === '') return required ? say('form.required') : null;
  switch (p.type) {
    case 'integer':
    case 'number':
      return numberProblem(p.type, p, text, say);
    case 'string':
      return textProblem(p, text, p.examples?.[0], say);
    case 'boolean':
      return null;
    case 'array': {
      const entries = entriesOf(text);
      if (p.minItems !== undefined && entries.length < p.minItems) return say('param.minItems', { min: p.minItems });
      if (p.maxItems !== undefined && entries.length > p.maxItems) return say('param.maxItems', { max: p.maxItems });
      // A list's examples are whole lists: quote the first one's first entry.
      const first = p.examples?.[0];
      const example = Array.isArray(first) ? first[0] : undefined;
      for (const [i, entry] of entries.entries()) {
        const problem = p.items.type === 'integer' ? numberProblem('integer', p.items, entry, say) : textProblem(p.items, entry, example, say);
        if (problem) return say('param.entry', { line: i + 1, problem });
      }
      if (p.uniqueItems) {
        const seen = new Map<string, number>();
        for (const [i, entry] of entries.entries()) {
          const key = p.items.type === 'integer' ? String(Number(entry)) : entry;
          const earlier = seen.get(key);
          if (earlier !== undefined) return say('param.duplicate', { first: earlier + 1, second: i + 1 });
          seen.set(key, i);
        }
      }
      return null;
    }
  }
}
