import type { FieldErrors } from '@/lib/errors';
import { evaluate, ExpressionError } from './expressions';
import type { TemplateDefinition } from './format';
import { validateParameters, type ParameterValues } from './parameters';

// The values a build's expressions see: its parameters, then the template's derived values.

export interface TemplateValues {
  parameters: ParameterValues;
  derived: Record<string, unknown>;
  /** parameters and derived values together: the context of every expression. */
  values: Record<string, unknown>;
}

export type ValuesResult = ({ ok: true } & TemplateValues) | { ok: false; errors: FieldErrors };

/**
 * Validates the parameters and computes the derived values in order, each seeing the
 * parameters and the derived values before it. Errors are keyed `parameters.<name>` and
 * `derived.<name>`, apart from the build form's own fields.
 */
export async function resolveValues(definition: TemplateDefinition, input: unknown): Promise<ValuesResult> {
  const checked = validateParameters(definition.parameters, input);
  if (!checked.ok) return { ok: false, errors: Object.fromEntries(Object.entries(checked.errors).map(([k, v]) => [`parameters.${k}`, v])) };
  const values: Record<string, unknown> = { ...checked.values };
  const derived: Record<string, unknown> = {};
  for (const [name, expression] of Object.entries(definition.derived)) {
    const field = `derived.${name}`;
    try {
      const value = await evaluate(expression, values, field);
      if (value === undefined) throw new ExpressionError(field, `expression ${JSON.stringify(expression)} gives nothing for these parameters`);
      derived[name] = value;
      values[name] = value;
    } catch (e) {
      if (e instanceof ExpressionError) return { ok: false, errors: { [field]: e.detail } };
      throw e;
    }
  }
  return { ok: true, parameters: checked.values, derived, values };
}
