import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import { TEMPLATES_DIR } from '@/lib/catalog/template-files';
import { providerCatalog } from '@/lib/providers/catalog';
import type { ProviderInfo } from '@/lib/providers/types';
import { checkDefinition, type IssuePath } from './check-definition';
import { ZTemplateDefinition, type TemplateDefinition } from './format';

// Reading a template definition from YAML (a shipped file or an organization's edited copy),
// with every problem reported at its line and column and named by its field.

/** The file a template folder holds its definition in (the old format's template.yaml sits beside it for now). */
export const TEMPLATE_FILE = 'ocs-template.yaml';

export interface TemplateError {
  line: number;
  column: number;
  /** The field, e.g. units[0].nodes; empty for YAML syntax errors. */
  path: string;
  message: string;
}

export type ParseResult = { ok: true; definition: TemplateDefinition } | { ok: false; errors: TemplateError[] };

export interface ParseOptions {
  /** Providers units may name; defaults to the catalog's. */
  providers?: ProviderInfo[];
}

export function formatPath(p: IssuePath): string {
  return p.map((seg, i) => (typeof seg === 'number' ? `[${seg}]` : /^[A-Za-z_][\w-]*$/.test(seg) ? `${i ? '.' : ''}${seg}` : `[${JSON.stringify(seg)}]`)).join('');
}

/** `ocs-template.yaml:14:5 units[0].nodes: expected …` */
export function formatTemplateError(e: TemplateError, file = TEMPLATE_FILE): string {
  return `${file}:${e.line}:${e.column} ${e.path ? `${e.path}: ` : ''}${e.message}`;
}

// The node a path leads to (its key when asked), or the deepest one that exists: a missing field
// is reported where its parent is.
function nodeAt(doc: Document, p: IssuePath, key: boolean): Node | null {
  let node = doc.contents as Node | null;
  for (const [i, seg] of p.entries()) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(seg));
      if (!pair) break;
      const last = i === p.length - 1;
      node = ((last && key) || pair.value === null ? pair.key : pair.value) as Node;
    } else if (isSeq(node) && typeof seg === 'number' && node.items[seg]) node = node.items[seg] as Node;
    else if (isSeq(node) && typeof seg === 'string') {
      // A list written for a map (providers: [local, aws]): the entry with that value.
      const item = node.items.find((it) => isScalar(it) && String(it.value) === seg);
      if (!item) break;
      node = item as Node;
    } else break;
  }
  return node;
}

function located(doc: Document, lines: LineCounter, p: IssuePath, message: string, key = false): TemplateError {
  const offset = nodeAt(doc, p, key)?.range?.[0] ?? 0;
  const { line, col } = lines.linePos(offset);
  return { line, column: col, path: formatPath(p), message };
}

function zodIssues(doc: Document, lines: LineCounter, issues: z.core.$ZodIssue[]): TemplateError[] {
  return issues.flatMap((issue) => {
    const p = issue.path as IssuePath;
    if (issue.code === 'unrecognized_keys') return issue.keys.map((k) => located(doc, lines, [...p, k], `unknown field "${k}"`, true));
    if (issue.code === 'invalid_key') return [located(doc, lines, p, `name ${JSON.stringify(p.at(-1))}: ${issue.issues[0]?.message ?? issue.message}`, true)];
    if (issue.code === 'invalid_union' && 'options' in issue && Array.isArray(issue.options))
      return [located(doc, lines, p, `expected one of ${issue.options.join(', ')}`)];
    // zod says "expected string, received undefined" for a field that is not there.
    if (issue.code === 'invalid_type' && / received undefined$/.test(issue.message)) return [located(doc, lines, p, 'is required')];
    return [located(doc, lines, p, issue.message.replace(/^Invalid (input|option): /, ''))];
  });
}

/** Parses and checks a definition written in YAML. */
export function parseTemplateText(text: string, options: ParseOptions = {}): ParseResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        return { line, column: col, path: '', message: `YAML: ${e.message.split('\n')[0]}` };
      }),
    };
  }
  const parsed = ZTemplateDefinition.safeParse(doc.toJS());
  if (!parsed.success) return { ok: false, errors: zodIssues(doc, lines, parsed.error.issues) };
  const issues = checkDefinition(parsed.data, options.providers ?? providerCatalog());
  if (issues.length) return { ok: false, errors: issues.map((i) => located(doc, lines, i.path, i.message, i.onKey)) };
  return { ok: true, definition: parsed.data };
}

export function templateFile(slug: string, dir = TEMPLATES_DIR): string {
  return path.join(dir, slug, TEMPLATE_FILE);
}

/** Reads templates/<slug>/ocs-template.yaml; its slug must equal the folder's name. */
export async function loadTemplate(slug: string, dir = TEMPLATES_DIR): Promise<ParseResult> {
  const result = parseTemplateText(await readFile(templateFile(slug, dir), 'utf8'));
  if (result.ok && result.definition.slug !== slug)
    return { ok: false, errors: [{ line: 1, column: 1, path: 'slug', message: `"${result.definition.slug}" must equal the folder's name "${slug}"` }] };
  return result;
}

/** Every shipped template (folders holding ocs-template.yaml), by slug; an invalid one fails loudly. */
export async function loadShippedTemplates(dir = TEMPLATES_DIR): Promise<TemplateDefinition[]> {
  const folders = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  const result: TemplateDefinition[] = [];
  for (const slug of folders) {
    const files = await readdir(path.join(dir, slug));
    if (!files.includes(TEMPLATE_FILE)) continue;
    const loaded = await loadTemplate(slug, dir);
    if (!loaded.ok) throw new Error(`templates/${slug} is not valid:\n${loaded.errors.map((e) => formatTemplateError(e, `templates/${slug}/${TEMPLATE_FILE}`)).join('\n')}`);
    result.push(loaded.definition);
  }
  return result;
}
