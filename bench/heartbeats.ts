// Heartbeat load: N simulated agents (each holding a long-poll sync, as the real agent does)
// against one portal process serving the real agent endpoints. Measures the portal's CPU and
// memory idle and under the agents (so the ratio is per-agent cost), and the time from a missing
// heartbeat to HOST_ERROR with the liveness sweep run as often as the worker schedules it.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq, inArray } from 'drizzle-orm';
import http from 'node:http';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { sweepLiveness } from '@/lib/agent-channel/liveness';
import { db } from '@/lib/db/client';
import { nodes, unitGroups, units } from '@/lib/db/schema';
import { NODE_CHECK_EVERY_MS } from '@/lib/jobs/definitions';
import { eachLimited } from '@/lib/each-limited';

const TICKS_PER_SECOND = 100;

function usage(pid: number): { cpuSeconds: number; rssBytes: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rss = /^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND, rssBytes: Number(rss?.[1] ?? 0) * 1024 };
}

async function measure(pid: number, seconds: number): Promise<{ cpuPercent: number; rssMb: number }> {
  const before = usage(pid);
  await sleep(seconds * 1000);
  const after = usage(pid);
  return { cpuPercent: ((after.cpuSeconds - before.cpuSeconds) / seconds) * 100, rssMb: after.rssBytes / 2 ** 20 };
}

async function startPortal(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/agent-portal-process.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
    child.once('exit', (code) => reject(new Error(`the portal process exited with ${code}`)));
  });
  return { child, url };
}

export interface HeartbeatResult {
  agents: number;
  heartbeatSeconds: number;
  idle: { cpuPercent: number; rssMb: number };
  loaded: { cpuPercent: number; rssMb: number };
  syncsPerSecond: number;
  missingHeartbeatToHostErrorSeconds: number;
  livenessSeconds: number;
}

export async function benchHeartbeats(organizationId: string, ownerId: string, count: number): Promise<HeartbeatResult> {
  const heartbeatSeconds = 5;
  const livenessSeconds = 3 * heartbeatSeconds;
  const [group] = await db().insert(unitGroups).values({ organizationId, ownerId, name: `heartbeats-${Date.now()}`, state: 'RUNNING' }).returning();
  const [unit] = await db().insert(units).values({ unitGroupId: group!.id, name: 'sim', role: 'sim', state: 'RUNNING', provider: 'local', flavor: 'small', numNodes: count, image: 'sim' }).returning();
  const ids: string[] = [];
  for (let from = 0; from < count; from += 1000) {
    const rows = await db()
      .insert(nodes)
      .values(Array.from({ length: Math.min(1000, count - from) }, (_, i) => ({ unitId: unit!.id, unitGroupId: group!.id, nodeNo: from + i + 1, name: `sim-${randomUUID()}`, state: 'RUNNING' as const, provider: 'local', flavor: 'small' })))
      .returning({ id: nodes.id });
    ids.push(...rows.map((r) => r.id));
  }

  const env = { ...process.env, OCS_AGENT_HEARTBEAT_SECONDS: String(heartbeatSeconds) };
  const { child, url } = await startPortal(env);
  // One kept-alive connection per simulated agent, as each real agent has its own.
  const connections = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const post = (path: string, body: unknown, credential?: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const req = http.request(`${url}${path}`, { method: 'POST', agent: connections, headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => (res.statusCode === 200 ? resolve(JSON.parse(text) as Record<string, unknown>) : reject(new Error(`${path} answered ${res.statusCode}: ${text}`))));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  try {
    const idle = await measure(child.pid!, 5);
    const credentials = new Map<string, string>();
    await eachLimited(ids, 50, async (id) => {
      const token = await issueBootstrapToken(db(), id);
      credentials.set(id, (await post('/api/agent/v1/register', { token, agentVersion: 'sim', hostname: 'sim' })).credential as string);
    });

    let syncs = 0;
    let running = true;
    const stopped = new Set<string>();
    const lastSync = new Map<string, number>();
    const loops = ids.map(async (id, i) => {
      // Spread over one heartbeat, as agents started at different times would be.
      await sleep((i / count) * heartbeatSeconds * 1000);
      while (running && !stopped.has(id)) {
        lastSync.set(id, Date.now());
        await post(`/api/agent/v1/nodes/${id}/sync?wait=${heartbeatSeconds}`, { appliedVersion: 0 }, credentials.get(id)).catch(() => sleep(1000));
        syncs++;
      }
    });
    await sleep((heartbeatSeconds + 2) * 1000);
    const syncsBefore = syncs;
    const loaded = await measure(child.pid!, 20);
    const syncsPerSecond = (syncs - syncsBefore) / 20;

    // One agent falls silent; the sweep runs on the worker's schedule.
    const victim = ids[0]!;
    stopped.add(victim);
    const silentSince = lastSync.get(victim)!;
    let hostErrorAt = 0;
    while (!hostErrorAt) {
      await sweepLiveness(db(), livenessSeconds);
      const [row] = await db().select({ state: nodes.state }).from(nodes).where(eq(nodes.id, victim));
      if (row?.state === 'HOST_ERROR') hostErrorAt = Date.now();
      else await sleep(NODE_CHECK_EVERY_MS);
    }
    running = false;
    await Promise.race([Promise.all(loops), sleep((heartbeatSeconds + 2) * 1000)]);
    return { agents: count, heartbeatSeconds, idle, loaded, syncsPerSecond, missingHeartbeatToHostErrorSeconds: (hostErrorAt - silentSince) / 1000, livenessSeconds };
  } finally {
    child.kill('SIGTERM');
    connections.destroy();
    await db().delete(nodes).where(inArray(nodes.id, ids));
    await db().delete(unitGroups).where(eq(unitGroups.id, group!.id));
  }
}
