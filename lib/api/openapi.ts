// The OpenAPI 3.1 document, made from the route registry: nothing in it is written by hand, so
// it cannot drift from what the handlers parse and answer.
import { z } from 'zod';
import type { Access, RouteContract } from './contract';
import { ZErrorBody } from './schemas/common';

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const ACCESS_TEXT: Record<string, string> = {
  public: 'Anyone, without signing in.',
  signedIn: 'Anyone signed in, or with an API token.',
  staff: 'NII staff only.',
};

function accessText(access: Access): string {
  if (typeof access === 'string') return ACCESS_TEXT[access]!;
  return `Members of the organization whose role grants "${access.permission}" (readonly tokens only read).`;
}

/** Converts zod schemas, collecting those with a `.meta({ id })` as named components. */
class SchemaSet {
  readonly components: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const converted = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io,
      unrepresentable: 'any',
      // Timestamps are Date objects in the handlers and ISO 8601 text on the wire.
      override: (ctx) => {
        if (ctx.zodSchema._zod.def.type === 'date') Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
      },
    }) as JsonSchema;
    const { $schema: _schema, $defs, ...rest } = converted;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) this.components[id] = relink(def);
    return relink(rest);
  }
}

/** `#/$defs/X` → `#/components/schemas/X`. */
function relink<T>(value: T): T {
  return JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as T;
}

function parametersOf(schemas: SchemaSet, schema: z.ZodType | undefined, where: 'path' | 'query'): Operation[] {
  if (!schema) return [];
  const converted = schemas.convert(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: where, required: where === 'path' || (converted.required ?? []).includes(name), ...(description ? { description } : {}), schema: rest };
  });
}

function operationOf(schemas: SchemaSet, c: RouteContract): Operation {
  const success = c.status === 204 ? { description: 'Done' } : {
    description: c.summary,
    content: { [c.contentType ?? 'application/json']: { schema: schemas.convert(c.output, 'output') } },
  };
  const error = { description: 'An error: its code, a message and, for INVALID_INPUT, the field each problem is in.', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  return {
    operationId: c.operationId,
    tags: [c.tag],
    summary: c.summary,
    description: [c.description, `Who may call: ${accessText(c.access)}`].filter(Boolean).join('\n\n'),
    'x-ocs-access': c.access,
    ...(c.access === 'public' ? { security: [] } : {}),
    parameters: [...parametersOf(schemas, c.params, 'path'), ...parametersOf(schemas, c.query, 'query')],
    ...(c.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemas.convert(c.body, 'input') } } } } : {}),
    ...(c.method === 'POST' ? { 'x-idempotency-key': true } : {}),
    ...(c.secret ? { 'x-ocs-secret-once': true } : {}),
    responses: { ...Object.fromEntries([c.status, ...(c.otherStatuses ?? [])].map((status) => [String(status), success])), default: error },
  };
}

export function openApiDocument(routes: readonly RouteContract[], version: string): Record<string, unknown> {
  const schemas = new SchemaSet();
  const paths: Record<string, Record<string, Operation>> = {};
  for (const c of routes) (paths[c.path] ??= {})[c.method.toLowerCase()] = operationOf(schemas, c);
  // Its `.meta({ id: 'Error' })` files it under components, where every error response points.
  schemas.convert(ZErrorBody, 'output');
  return {
    openapi: '3.1.0',
    info: {
      title: 'OCS Portal API',
      version,
      description:
        'Unit groups, units, nodes and builds of the OCS Portal, as the VCP SDK knows them. Send an API token as `Authorization: Bearer <token>`. ' +
        'Lists are paginated: pass the `nextCursor` of a page as `cursor` for the next. A POST with an `Idempotency-Key` header is done once per key: ' +
        'the same key and body answer the first response again, the same key with another body is a 422.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerToken: [] }],
    paths,
    components: {
      securitySchemes: { bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token made under the organization → API tokens.' } },
      schemas: schemas.components,
    },
  };
}
