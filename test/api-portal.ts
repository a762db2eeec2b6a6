// The portal's /api/v1 (every route of the registry, through its real handler) with a worker of
// this process taking the queue's jobs, on a plain node:http server: what SDK and client tests
// talk to when a whole Next.js server is more than they need (the e2e suite uses the real one).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { folderOf, type RouteContract } from '@/lib/api/contract';
import { ROUTES } from '@/lib/api/registry';
import { QUEUE_NAME } from '@/lib/jobs/definitions';
import { processJob } from '@/workers/processors';
import { bridgeTo } from './http-bridge';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface ApiPortal {
  url: string;
  close(): Promise<void>;
}

interface Compiled {
  contract: RouteContract;
  pattern: RegExp;
  names: string[];
}

const compiled: Compiled[] = ROUTES.map((contract) => {
  const names = [...contract.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const pattern = new RegExp(`^${contract.path.replace(/\{\w+\}/g, '([^/]+)')}$`);
  return { contract, pattern, names };
});

async function route(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  if (pathname === '/api/v1/openapi.json') return (await import('@/app/api/v1/openapi.json/route')).GET();
  // Literal paths (/unit-groups/{id}/units) before parameters that could swallow them.
  const candidates = compiled.filter((c) => c.contract.method === req.method).map((c) => ({ c, m: c.pattern.exec(pathname) })).filter((x) => x.m);
  const hit = candidates.sort((a, b) => a.c.names.length - b.c.names.length)[0];
  if (!hit) return (await import('@/app/api/v1/[...path]/route')).GET(req);
  const module = (await import(/* @vite-ignore */ `@/app${folderOf(hit.c.contract.path)}/route`)) as Record<string, Handler>;
  const params = Object.fromEntries(hit.c.names.map((name, i) => [name, decodeURIComponent(hit.m![i + 1]!)]));
  return module[req.method]!(req, { params: Promise.resolve(params) });
}

export async function startApiPortal(): Promise<ApiPortal> {
  const connection = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  const worker = new Worker(QUEUE_NAME, processJob, { connection, prefix: process.env.OCS_QUEUE_PREFIX ?? 'ocs', concurrency: 4 });
  const server = http.createServer(bridgeTo(route, '127.0.0.1'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker.close();
      connection.disconnect();
    },
  };
}
