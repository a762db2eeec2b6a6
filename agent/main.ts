// The node agent (OCS "base container"): one per node, bound to the node's own address.
// Usage: node ocs-agent-<version>.mjs --state-dir <dir>   (the bundle: lib/agent-bundle.ts)
//    or: node --import tsx agent/main.ts --state-dir <dir>   (from the sources)
// <dir>/node.json gives the node's identity; applications and their logs live under <dir> too.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ApplicationManager } from './applications';
import { createAgentServer } from './http-api';
import { AGENT_PORT, AGENT_VERSION } from './protocol';

const PROBE_INTERVAL_MS = 1000;

const nodeFileSchema = z.object({
  name: z.string().min(1),
  ip: z.ipv4(),
  port: z.number().int().min(1).max(65535).default(AGENT_PORT),
  tags: z.record(z.string(), z.string()).default({}),
  createdAt: z.string(),
});

function log(message: string): void {
  console.log(`[${new Date().toISOString()}] ${message}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'state-dir': { type: 'string' } } });
  const stateDir = values['state-dir'];
  if (!stateDir) throw new Error('missing --state-dir <dir>');
  const nodeFile = path.join(stateDir, 'node.json');
  const node = nodeFileSchema.parse(JSON.parse(await readFile(nodeFile, 'utf8')));
  // The folder holds the applications' environment (secrets among it): the node's user's alone,
  // also when an older provider made it.
  await chmod(stateDir, 0o700);

  await writeFile(path.join(stateDir, 'agent.pid'), `${process.pid}\n`, { mode: 0o600 });
  const startedAt = new Date();
  const apps = new ApplicationManager({ name: node.name, ip: node.ip }, stateDir, log);
  const server = createAgentServer({ node, startedAt, apps }, log);

  let shuttingDown = false;
  let probeTimer: NodeJS.Timeout | undefined;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`${signal} received; stopping applications`);
    clearInterval(probeTimer);
    await apps.shutdown();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    log('stopped');
    process.exit(0);
  };
  // Registered before anything starts, so a stop during boot still stops the applications.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => void shutdown(signal));
  }

  await listen(server, node.ip, node.port);
  log(`agent ${AGENT_VERSION}: node ${node.name} listening on http://${node.ip}:${node.port}`);
  await apps.restore();
  probeTimer = setInterval(() => void apps.probeAll(), PROBE_INTERVAL_MS);
}

function listen(server: http.Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** The last line says what went wrong: the provider shows it as the node's error reason. */
function fatal(err: unknown): never {
  if (err instanceof Error && err.stack) log(err.stack);
  const message = err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
  log(`agent failed: ${message.replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
}

process.on('uncaughtException', fatal);
main().catch(fatal);
