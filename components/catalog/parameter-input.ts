import type { ErrorObject } from 'ajv';
import localizeJa from 'ajv-i18n/localize/ja';
import type { Locale } from '@/lib/i18n/messages';
import type { ParameterSchema, ParametersSchema } from '@/lib/templates/format';
import { parametersValidator } from '@/lib/templates/parameter-ajv';
import { isSecret } from '@/lib/templates/parameters';

// The build form's side of a template's JSON Schema parameters: what each field starts with, the
// JSON value it sends, and the server's own ajv check of those values (lib/templates/parameter-ajv.ts),
// with ajv's messages in the reader's language, so most mistakes are caught before a round trip.

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

/** What the form sends for a parameter; undefined leaves it to the template's default. */
function jsonValue(p: ParameterSchema, value: FormValue): unknown {
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

/** How a field's label (and a list's line) and ajv's message for it read together. */
const PHRASES: Record<Locale, { field: (label: string, line: number | undefined, message: string) => string; example: (example: string) => string; required: (label: string) => string }> = {
  ja: {
    // ajv words a missing field by its property name ("必要なプロパティ…"); a form says it by its label.
    required: (label) => `${label}を入力してください`,
    // ajv-i18n's Japanese messages are predicates, several starting with the particle は: 「パスワードは8文字以下であってはいけない」.
    field: (label, line, message) => {
      const subject = line === undefined ? label : `${label} ${line} 行目`;
      return message.startsWith('は') ? `${subject}${message}` : `${subject}: ${message}`;
    },
    example: (example) => `（例: ${example}）`,
  },
  en: {
    required: (label) => `${label} is required`,
    field: (label, line, message) => `${line === undefined ? label : `${label}, line ${line}`}: ${message}`,
    example: (example) => ` (for example ${example})`,
  },
};

/** The parameter an ajv error is about, and the entry of a list (0-based) if it is about one. */
function fieldOf(error: ErrorObject): { name: string; entry?: number } {
  const p = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return { name: String(p.missingProperty) };
  if (error.keyword === 'additionalProperties') return { name: String(p.additionalProperty) };
  const [name = '', entry] = error.instancePath.split('/').slice(1);
  return entry === undefined ? { name } : { name, entry: Number(entry) };
}

/** A pattern's example from the template, which says more than the regular expression does. */
function exampleFor(p: ParameterSchema | undefined, entry: boolean): string | undefined {
  const first = p?.examples?.[0];
  // A list's examples are whole lists: quote the first one's first entry.
  const example = entry && Array.isArray(first) ? first[0] : first;
  return typeof example === 'string' || typeof example === 'number' ? String(example) : undefined;
}

/**
 * Each parameter's problem, keyed by its name (none when the server would accept the values): the
 * server's ajv check of what the form sends, worded by ajv in the reader's language (ajv-i18n's
 * Japanese, ajv's English) and led by the field's label.
 */
export function parameterProblems(schema: ParametersSchema, values: Record<string, FormValue>, locale: Locale): Record<string, string> {
  const validate = parametersValidator(schema);
  if (validate(parameterValues(schema, values))) return {};
  const errors = validate.errors ?? [];
  if (locale === 'ja') localizeJa(errors);
  const phrases = PHRASES[locale];
  const problems: Record<string, string> = {};
  for (const error of errors) {
    const { name, entry } = fieldOf(error);
    // One problem per field, the first ajv names.
    if (problems[name] !== undefined) continue;
    const p = schema.properties[name];
    const label = p?.['x-label'][locale] ?? name;
    if (error.keyword === 'required') {
      problems[name] = phrases.required(label);
      continue;
    }
    const example = error.keyword === 'pattern' ? exampleFor(p, entry !== undefined) : undefined;
    const message = `${error.message ?? error.keyword}${example !== undefined ? phrases.example(example) : ''}`;
    problems[name] = phrases.field(label, entry === undefined ? undefined : entry + 1, message);
  }
  return problems;
}
