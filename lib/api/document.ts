import packageJson from '@/package.json';
import { openApiDocument } from './openapi';
import { ROUTES } from './registry';

let document: Record<string, unknown> | null = null;

/** The portal's OpenAPI document, made once per process. */
export function apiDocument(): Record<string, unknown> {
  document ??= openApiDocument(ROUTES, packageJson.version);
  return document;
}
