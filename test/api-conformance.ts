// Checks an answer on the wire against the OpenAPI document the portal serves (JSON Schema
// 2020-12, as the document says), not against the zod schemas it was made from.
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { apiDocument } from '@/lib/api/document';

const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats(ajv);
ajv.addSchema({ $id: 'ocs', components: (apiDocument() as { components: unknown }).components });
const validators = new Map<string, ValidateFunction | null>();

/** `GET`, `/unit-groups/:id` (or `/api/v1/unit-groups/{id}`) → the document's operation. */
function validatorFor(method: string, path: string, status: number): ValidateFunction | null {
  const key = `${method} ${path} ${status}`;
  if (!validators.has(key)) {
    const openApiPath = (path.startsWith('/api/v1') ? path : `/api/v1${path}`).replace(/:(\w+)/g, '{$1}');
    const paths = (apiDocument() as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>> }).paths;
    const schema = paths[openApiPath]?.[method.toLowerCase()]?.responses[String(status)]?.content?.['application/json']?.schema;
    const relinked = schema && JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', '"ocs#/components/'));
    validators.set(key, relinked ? ajv.compile(relinked) : null);
  }
  return validators.get(key)!;
}

/** Why the body does not match the document's schema for that answer, or null when it does (or the route is not in the document). */
export function conformanceProblem(method: string, path: string, status: number, body: unknown): string | null {
  const validate = validatorFor(method, path, status);
  if (!validate || validate(body)) return null;
  return ajv.errorsText(validate.errors);
}

/** Whether the document describes the route (with this status). */
export function documented(method: string, path: string, status: number): boolean {
  return validatorFor(method, path, status) !== null;
}
