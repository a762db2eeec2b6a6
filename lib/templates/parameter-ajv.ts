import { Ajv, type ValidateFunction } from 'ajv';
import type { ParametersSchema } from './format';

// The one ajv setup for template parameters, used by the server (lib/templates/parameters.ts) and
// by the build form in the browser (components/catalog/parameter-input.ts): no Node-only imports.

/** Keywords templates add to a parameter's schema for the form; strict ajv must know them. */
const ANNOTATIONS = ['x-label', 'x-help', 'x-secret'];

/**
 * An ajv for template parameters: every error (not just the first), strict about the schema.
 * `useDefaults` fills in omitted parameters' defaults (for checking input); without it values are
 * checked exactly as written (for checking a template's own defaults: "20" for an integer is a mistake).
 */
export function createParameterAjv({ useDefaults = false }: { useDefaults?: boolean } = {}): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, useDefaults });
  ajv.addVocabulary(ANNOTATIONS);
  return ajv;
}

let forInput: Ajv | undefined;
// By the schema's text: each request loads the template anew, and ajv keeps every schema object it
// compiled, so keying by object would compile (and keep) one more validator per request.
const validators = new Map<string, ValidateFunction>();

/**
 * The check for a build's parameters: defaults filled in, unknown parameters refused. Form strings
 * must be read into JSON values first (numbers, lists): ajv's own coercion would also take true for 1.
 */
export function parametersValidator(schema: ParametersSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = validators.get(key);
  if (!validate) {
    forInput ??= createParameterAjv({ useDefaults: true });
    validate = forInput.compile({ ...schema, additionalProperties: false });
    validators.set(key, validate);
  }
  return validate;
}
