// The agent's HTTP API, as specified in protocol.ts.
import http from 'node:http';
import { z } from 'zod';
import { applicationDefinitionSchema, applicationNamePattern } from './application-definition';
import { readLogTail } from './application-logs';
import type { ApplicationManager, NodeIdentity } from './applications';
import { renderMetrics } from './metrics';
import { AGENT_VERSION, type AgentHealth } from './protocol';

const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_LOG_LINES = 100;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AgentContext {
  node: NodeIdentity;
  startedAt: Date;
  apps: ApplicationManager;
}

export function createAgentServer(context: AgentContext, log: (message: string) => void): http.Server {
  return http.createServer((req, res) => {
    route(context, req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) log(`${req.method} ${req.url} failed: ${(err as Error).stack ?? err}`);
      if (res.headersSent) return void res.destroy();
      sendJson(res, status, { error: (err as Error).message });
    });
  });
}

async function route(context: AgentContext, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://agent');
  const segments = url.pathname.split('/').filter(Boolean).map(decodeSegment);
  const method = req.method ?? 'GET';
  const { apps } = context;

  if (segments.length === 1 && segments[0] === 'health') {
    allow(method, 'GET');
    const health: AgentHealth = {
      status: 'ok',
      version: AGENT_VERSION,
      nodeName: context.node.name,
      ip: context.node.ip,
      startedAt: context.startedAt.toISOString(),
      uptimeSeconds: Math.round((Date.now() - context.startedAt.getTime()) / 1000),
      applications: apps.list(),
    };
    return sendJson(res, 200, health);
  }

  if (segments.length === 1 && segments[0] === 'metrics') {
    allow(method, 'GET');
    const text = renderMetrics({ nodeName: context.node.name, startedAt: context.startedAt, applications: apps.list(), pids: apps.runningPids() });
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    return void res.end(text);
  }

  if (segments[0] !== 'applications') throw new HttpError(404, `no such endpoint: ${url.pathname}`);

  if (segments.length === 1) {
    allow(method, 'GET');
    // Answer with a fresh probe rather than one up to a second old.
    await apps.probeAll();
    return sendJson(res, 200, apps.list());
  }

  const name = segments[1];
  if (!applicationNamePattern.test(name)) throw new HttpError(400, `invalid application name: ${name}`);

  if (segments.length === 2) {
    if (method === 'PUT') {
      const parsed = applicationDefinitionSchema.safeParse(await readJson(req));
      if (!parsed.success) throw new HttpError(400, `invalid application definition: ${z.prettifyError(parsed.error)}`);
      return sendJson(res, 200, await apps.put(name, parsed.data));
    }
    allow(method, 'DELETE');
    await apps.remove(name);
    res.writeHead(204);
    return void res.end();
  }

  if (segments.length === 3 && segments[2] === 'logs') {
    allow(method, 'GET');
    const tail = url.searchParams.has('tail') ? Number(url.searchParams.get('tail')) : DEFAULT_LOG_LINES;
    if (!Number.isInteger(tail) || tail < 0) throw new HttpError(400, 'tail must be a non-negative integer');
    const text = await readLogTail(apps.logPath(name), tail);
    if (text === null) {
      throw new HttpError(404, apps.has(name) ? `application ${name} has not written a log yet` : `no such application: ${name}`);
    }
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
    return void res.end(text);
  }

  throw new HttpError(404, `no such endpoint: ${url.pathname}`);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed path segment: ${segment}`);
  }
}

function allow(method: string, expected: string): void {
  if (method !== expected) throw new HttpError(405, `method ${method} not allowed here; use ${expected}`);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
}
