import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { ZTemplateDefinition, type TemplateDefinition } from './definition';

/** templates/ at the repository root: where shipped templates and their local programs live. */
export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');

export function templateDir(slug: string): string {
  return path.join(TEMPLATES_DIR, slug);
}

/** Reads and validates every templates/<slug>/template.yaml; an invalid file fails loudly with its path. */
export async function readShippedTemplates(): Promise<TemplateDefinition[]> {
  const entries = await readdir(TEMPLATES_DIR, { withFileTypes: true });
  const result: TemplateDefinition[] = [];
  for (const entry of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = path.join(TEMPLATES_DIR, entry.name, 'template.yaml');
    // Folders with only the new format (ocs-template.yaml) are read by lib/templates/load.ts.
    if (!(await access(file).then(() => true, () => false))) continue;
    const parsed = ZTemplateDefinition.safeParse(parse(await readFile(file, 'utf8')));
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
      throw new Error(`${file} is not a valid template: ${problems}`);
    }
    if (parsed.data.slug !== entry.name) throw new Error(`${file}: slug "${parsed.data.slug}" must equal its folder name`);
    result.push(parsed.data);
  }
  return result;
}
