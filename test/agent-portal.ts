// The portal's agent endpoints (the real route handlers of app/api/agent/v1) and its node-session
// WebSockets (lib/node-sessions/gateway.ts, as scripts/portal-server.ts serves them) on a plain
// node:http server, so integration tests' nodes can dial home without a whole Next.js server.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as agentFile from '@/app/api/agent/v1/agent.mjs/route';
import * as sync from '@/app/api/agent/v1/nodes/[nodeId]/sync/route';
import * as register from '@/app/api/agent/v1/register/route';
import { db } from '@/lib/db/client';
import { isNodeSessionPath, NodeSessionGateway } from '@/lib/node-sessions/gateway';
import { bridgeTo } from './http-bridge';

export interface AgentPortal {
  url: string;
  /** Stops answering (agents see connection errors, as when the portal restarts); open syncs are cut. */
  close(): Promise<void>;
}

const SYNC_PATH = /^\/api\/agent\/v1\/nodes\/([^/]+)\/sync$/;

async function route(req: Request): Promise<Response> {
  const { pathname } = new URL(req.url);
  if (req.method === 'POST' && pathname === '/api/agent/v1/register') return register.POST(req, { params: Promise.resolve({}) });
  const syncPath = SYNC_PATH.exec(pathname);
  if (req.method === 'POST' && syncPath) return sync.POST(req, { params: Promise.resolve({ nodeId: decodeURIComponent(syncPath[1]) }) });
  if (req.method === 'GET' && pathname === '/api/agent/v1/agent.mjs') return agentFile.GET();
  return new Response('not found', { status: 404 });
}

export async function startAgentPortal(options: { host?: string; port?: number } = {}): Promise<AgentPortal> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer(bridgeTo(route, host));
  const gateway = new NodeSessionGateway(db);
  server.on('upgrade', (req, socket, head) => {
    if (isNodeSessionPath(req.url)) void gateway.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        gateway.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
