import jsonata from 'jsonata';

// Expressions in templates (derived values, node counts, `when` conditions, {{ … }} placeholders)
// are JSONata: a maintained package with its own interpreter — nothing is handed to eval, and an
// expression sees only the values we pass in. Names are parameters, derived values and the
// runtime values a place allows (RUNTIME_NAMES); $functions are JSONata's own.

/** Node counts an expression may produce for one unit. */
export const MAX_NODES_PER_UNIT = 50;

const MAX_EXPRESSION_LENGTH = 1000;

// $eval would run a string as an expression, escaping the static checks below; the others make a
// plan differ from one preview to the next.
const DENIED_FUNCTIONS = new Set(['eval', 'now', 'millis', 'random']);

// Bounds on evaluation, so a careless or hostile edited template cannot hang a worker.
const LIMITS = { timeout: 250, stack: 100, sequence: 10_000 } as const;

/** An expression that cannot be parsed or evaluated, naming the template field it came from. */
export class ExpressionError extends Error {
  constructor(
    readonly field: string,
    /** The message without the field name. */
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = 'ExpressionError';
  }
}

/** Names an expression reads from its context; `second` is the next step (units.<name>, secrets.<name>). */
export interface NameReference {
  name: string;
  second?: string;
}

// The parser's nodes; its typings miss some node types (path, bind, …), so read them loosely.
type Ast = { type: string; value?: unknown; steps?: Ast[]; procedure?: Ast } & Record<string, unknown>;

const compiled = new Map<string, jsonata.Expression>();

function compile(source: string): jsonata.Expression {
  let expr = compiled.get(source);
  if (!expr) {
    if (source.length > MAX_EXPRESSION_LENGTH) throw new Error(`is longer than ${MAX_EXPRESSION_LENGTH} characters`);
    try {
      expr = jsonata(source, LIMITS as jsonata.JsonataOptions);
    } catch (e) {
      const err = e as { message?: string; position?: number };
      throw new Error(`cannot be parsed: ${err.message ?? String(e)}${err.position !== undefined ? ` (at character ${err.position})` : ''}`, { cause: e });
    }
    const ast = expr.ast() as unknown as Ast;
    const denied = functionsCalled(ast).find((f) => DENIED_FUNCTIONS.has(f));
    if (denied) throw new Error(`may not call $${denied}`);
    // A regular expression runs to its end whatever the timeout says: one written badly could stall
    // a worker. Templates match with parameter patterns (JSON Schema) instead.
    if (hasRegex(ast)) throw new Error('may not use a regular expression (/…/)');
    if (compiled.size > 1000) compiled.clear();
    compiled.set(source, expr);
  }
  return expr;
}

function children(node: Ast): Ast[] {
  const out: Ast[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object' && 'type' in v) out.push(v as Ast);
  };
  Object.values(node).forEach(visit);
  return out;
}

function hasRegex(node: Ast): boolean {
  return node.type === 'regex' || children(node).some(hasRegex);
}

function functionsCalled(node: Ast): string[] {
  const own = (node.type === 'function' || node.type === 'partial') && node.procedure?.type === 'variable' ? [String(node.procedure.value)] : [];
  return [...own, ...children(node).flatMap(functionsCalled)];
}

// A path's first name is read from the context; later steps, filters and groupings are relative to
// what came before, so they are not names of the context.
function referencesOf(node: Ast): NameReference[] {
  if (node.type === 'path') {
    const [first, next] = (node.steps ?? []) as Ast[];
    if (!first) return [];
    if (first.type === 'name') return [{ name: String(first.value), second: next?.type === 'name' ? String(next.value) : undefined }];
    const { stages: _s, predicate: _p, group: _g, ...head } = first as Record<string, unknown>;
    return referencesOf(head as Ast);
  }
  return children(node).flatMap(referencesOf);
}

/** Parses an expression (throwing ExpressionError naming the field) and returns the names it reads. */
export function checkExpression(source: string, field: string): NameReference[] {
  try {
    return referencesOf(compile(source).ast() as unknown as Ast);
  } catch (e) {
    throw new ExpressionError(field, `expression ${JSON.stringify(source)} ${(e as Error).message}`);
  }
}

// JSONata returns sequences (arrays carrying extra flags); plain JSON is what templates deal in.
function plain(value: unknown): unknown {
  // A function (`$ceil` without arguments, a lambda) is no value: it gives nothing.
  if (typeof value === 'function' || (value && typeof value === 'object' && ('_jsonata_function' in value || '_jsonata_lambda' in value))) return undefined;
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

/** Evaluates an expression over the context (parameters, derived values, runtime values). */
export async function evaluate(expression: string, context: Record<string, unknown>, field = 'expression'): Promise<unknown> {
  let expr: jsonata.Expression;
  try {
    expr = compile(expression);
  } catch (e) {
    throw new ExpressionError(field, `expression ${JSON.stringify(expression)} ${(e as Error).message}`);
  }
  try {
    return plain(await expr.evaluate(context));
  } catch (e) {
    throw new ExpressionError(field, `expression ${JSON.stringify(expression)} failed: ${(e as { message?: string }).message ?? String(e)}`);
  }
}

/** A unit's node count: a literal, or an expression that must give a whole number 0..50. */
export async function evaluateNodeCount(nodes: number | string, context: Record<string, unknown>, field: string): Promise<number> {
  const value = typeof nodes === 'number' ? nodes : await evaluate(nodes, context, field);
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_NODES_PER_UNIT)
    throw new ExpressionError(field, `must give a whole number of nodes from 0 to ${MAX_NODES_PER_UNIT}, but ${JSON.stringify(nodes)} gives ${JSON.stringify(value) ?? 'nothing'}`);
  return value;
}

// JSONata's own truthiness: false, 0, "", null, missing, and empty lists and objects are false.
function truthy(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.some(truthy);
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** A `when` condition. */
export async function evaluateCondition(expression: string, context: Record<string, unknown>, field: string): Promise<boolean> {
  return truthy(await evaluate(expression, context, field));
}

const PLACEHOLDER = /\{\{\s*(.+?)\s*\}\}/g;

/** The expressions inside a text's {{ … }} placeholders. */
export function placeholderExpressions(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

function asText(value: unknown, expression: string, field: string): string {
  if (value === undefined || value === null) throw new ExpressionError(field, `{{ ${expression} }} gives nothing`);
  return typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
}

/** Fills a text's {{ expression }} placeholders; numbers and booleans become text, lists and objects JSON. */
export async function interpolate(text: string, context: Record<string, unknown>, field: string): Promise<string> {
  let out = '';
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    out += text.slice(last, m.index) + asText(await evaluate(m[1]!, context, field), m[1]!, field);
    last = m.index! + m[0].length;
  }
  return out + text.slice(last);
}

/**
 * Fills a list of texts (a command line, docker-style env, output values). An item that is one
 * placeholder and gives a list contributes each of its entries: ["{{ command }}"] splices a
 * list parameter in, so no value is ever split on spaces. With `allowEmpty`, such an item that
 * gives nothing contributes nothing instead of failing.
 */
export async function interpolateList(items: string[], context: Record<string, unknown>, field: string, options: { allowEmpty?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  for (const [i, item] of items.entries()) {
    const found = [...item.matchAll(PLACEHOLDER)];
    const whole = found.length === 1 && found[0]![0] === item ? found[0]![1]! : null;
    const at = items.length === 1 ? field : `${field}[${i}]`;
    if (whole === null) {
      out.push(await interpolate(item, context, at));
      continue;
    }
    const value = await evaluate(whole, context, at);
    if ((value === undefined || value === null || (Array.isArray(value) && !value.length)) && options.allowEmpty) continue;
    if (Array.isArray(value)) out.push(...value.map((v) => asText(v, whole, at)));
    else out.push(asText(value, whole, at));
  }
  return out;
}
