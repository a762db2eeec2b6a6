// The registry is the API: every route file answers through a contract in it, every contract is
// in the OpenAPI document, and the document is valid OpenAPI 3.1.
import { readdir } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { GET as openApiRoute } from '@/app/api/v1/openapi.json/route';
import { GET as apiRootRoute } from '@/app/api/v1/route';
import { folderOf, type RouteContract } from './contract';
import { ROUTES } from './registry';

const API = join(import.meta.dirname, '..', '..', 'app', 'api', 'v1');
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
// Neither is an API route of its own: the catch-all answers 404, the document describes the rest.
const NOT_ROUTES = ['[...path]', 'openapi.json'];

async function servedDocument(): Promise<{ openapi: string; paths: Record<string, Record<string, { operationId: string }>> }> {
  const res = openApiRoute();
  expect(res.status).toBe(200);
  return res.json();
}

describe('the route registry', () => {
  it('holds the contract of every handler under app/api/v1, at its own path and method', async () => {
    const files = (await readdir(API, { recursive: true })).filter((f) => f.endsWith('route.ts') && !NOT_ROUTES.some((n) => f.startsWith(n)));
    const problems: string[] = [];
    const seen = new Set<RouteContract>();
    for (const file of files) {
      const folder = posix.join('/api/v1', dirname(file));
      const module = (await import(join(API, file))) as Record<string, { contract?: RouteContract } | undefined>;
      for (const method of METHODS) {
        const handler = module[method];
        if (!handler) continue;
        const contract = handler.contract;
        if (!contract) problems.push(`${method} ${folder} answers without a contract (use handle() from lib/api/handle)`);
        else if (!ROUTES.includes(contract)) problems.push(`${method} ${folder}: its contract ${contract.operationId} is not in lib/api/registry.ts`);
        else if (folderOf(contract.path) !== folder || contract.method !== method) problems.push(`${method} ${folder} answers with the contract of ${contract.method} ${contract.path}`);
        else seen.add(contract);
      }
    }
    for (const c of ROUTES) if (!seen.has(c)) problems.push(`${c.method} ${c.path} (${c.operationId}) is in the registry but no route file answers it`);
    expect(problems).toEqual([]);
  });

  it('names each operation once', () => {
    const ids = ROUTES.map((c) => c.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('serves a valid OpenAPI 3.1 document with every route in it', async () => {
    const document = await servedDocument();
    expect(document.openapi).toBe('3.1.0');
    const result = await new Validator().validate(document as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const missing = ROUTES.filter((c) => document.paths[c.path]?.[c.method.toLowerCase()]?.operationId !== c.operationId).map((c) => `${c.method} ${c.path}`);
    expect(missing).toEqual([]);
  });

  it('answers the API\'s root to anyone, as its schema says, naming the served document', async () => {
    const res = await apiRootRoute(new Request('http://portal.test/api/v1'), { params: Promise.resolve({}) });
    expect(res.status).toBe(200);
    const root = (await res.json()) as Record<string, string>;
    expect(apiRootRoute.contract.output.parse(root)).toEqual(root);
    expect(root.openapi).toBe('/api/v1/openapi.json');
    const document = await servedDocument();
    expect(document.paths['/api/v1']?.get?.operationId).toBe('getApiRoot');
  });
});
