import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** templates/ at the repository root: where shipped templates and their local programs live. */
export const TEMPLATES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../templates');

export function templateDir(slug: string): string {
  return path.join(TEMPLATES_DIR, slug);
}
