/**
 * The path of the first field of `raw` that parsing with an output schema dropped (zod strips
 * keys it does not know), or null: in tests a route answering more than its schema says fails.
 */
export function droppedField(raw: unknown, parsed: unknown, path = ''): string | null {
  if (Array.isArray(raw) && Array.isArray(parsed)) {
    for (let i = 0; i < raw.length; i++) {
      const found = droppedField(raw[i], parsed[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (!isPlainObject(raw) || !isPlainObject(parsed)) return null;
  for (const [key, value] of Object.entries(raw)) {
    const at = path ? `${path}.${key}` : key;
    if (!(key in parsed)) {
      if (value !== undefined) return at;
      continue;
    }
    const found = droppedField(value, parsed[key], at);
    if (found) return found;
  }
  return null;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !(v instanceof Date) && !Array.isArray(v);
