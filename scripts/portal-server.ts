// The portal's web process: Next.js, plus the WebSockets of node sessions (a terminal, an
// application's log), which Next's route handlers cannot accept. Other upgrades (the dev server's
// hot reload) go to Next. One process holds both ends of a session, so the launcher runs one.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import next from 'next';
import { db } from '@/lib/db/client';
import { NodeSessionGateway, isNodeSessionPath } from '@/lib/node-sessions/gateway';
import { authenticatedTokens } from '@/lib/tokens/authenticate';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({ options: { dev: { type: 'boolean', default: false }, port: { type: 'string', default: process.env.PORT ?? '3000' } } });
const port = Number(args.port);

const app = next({ dev: args.dev, dir: root, port });
await app.prepare();
// This process answers the API: scripts call it often with the same token (lib/tokens/token-cache.ts).
// Not awaited: until it listens, tokens are looked up every time, and PostgreSQL being down does not
// hold the port closed for the connection's timeout.
void authenticatedTokens.enable();
const handle = app.getRequestHandler();
const upgradeNext = app.getUpgradeHandler();
const gateway = new NodeSessionGateway(db);

const server = http.createServer((req, res) => void handle(req, res));
server.on('upgrade', (req, socket, head) => {
  if (isNodeSessionPath(req.url)) void gateway.handleUpgrade(req, socket, head);
  else void upgradeNext(req, socket, head);
});
server.listen(port, () => console.log(`Portal listening on port ${port}${args.dev ? ' (development)' : ''}`));

const stop = () => {
  gateway.close();
  server.close();
  server.closeAllConnections();
  void app.close().finally(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
