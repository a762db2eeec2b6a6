import { isNode, LineCounter, parseDocument } from 'yaml';
import { AppError } from '@/lib/errors';
import type { TemplateDefinition } from '@/lib/templates/format';
import { formatTemplateError, parseTemplateText, type TemplateError } from '@/lib/templates/load';

// A template's YAML as an organization or NII staff submit it: every problem is an INVALID_INPUT
// naming its line, column and field, so the editor can point at it.

export function templateTextError(errors: TemplateError[]): AppError {
  const first = formatTemplateError(errors[0]!);
  return new AppError('INVALID_INPUT', errors.length === 1 ? first : `${first} (and ${errors.length - 1} more)`, { fields: { yaml: first }, errors });
}

/** An error at a top-level field of valid YAML (e.g. version), where that field's value is. */
export function fieldError(text: string, field: string, message: string): TemplateError {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const node = doc.get(field, true);
  const { line, col } = lines.linePos(isNode(node) ? (node.range?.[0] ?? 0) : 0);
  return { line, column: col, path: field, message };
}

export function parseTemplateOrThrow(text: string): TemplateDefinition {
  const result = parseTemplateText(text);
  if (!result.ok) throw templateTextError(result.errors);
  return result.definition;
}
