// What agents tell the portal. A full report (sent when something changed) is written at once; a
// plain heartbeat only moves last_heartbeat_at, and heartbeats are written in batches so that
// tens of thousands of agents cost one UPDATE a second, not one each.
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import type { AgentReport } from '@/agent/protocol';
import type { Database } from '@/lib/db/client';
import { applications, builds, hosts, nodes } from '@/lib/db/schema';
import { openBuildSecrets, redactSecrets, secretTexts } from '@/lib/secrets/build-secrets';
import { safeErrorMessage } from '@/lib/errors';
import { recordMetrics } from '@/lib/metrics/record';
import { recordOverlayEnd } from '@/lib/overlay/membership';
import { evaluateNodes } from './node-state';

const FLUSH_EVERY_MS = 1000;

/** What an application printed may hold the secrets it was given: masked before anything is kept. */
async function redacted(db: Database, nodeId: string, report: AgentReport): Promise<AgentReport> {
  if (!report.applications.some((a) => a.logTail || a.problem)) return report;
  const [origin] = await db
    .select({ id: builds.id, secrets: builds.secrets })
    .from(nodes)
    .innerJoin(builds, and(eq(builds.unitGroupId, nodes.unitGroupId), eq(builds.kind, 'create')))
    .where(eq(nodes.id, nodeId))
    .orderBy(asc(builds.createdAt))
    .limit(1);
  const texts = origin ? secretTexts(openBuildSecrets(origin.id, origin.secrets)) : [];
  return {
    ...report,
    applications: report.applications.map((a) => ({
      ...a,
      ...(a.logTail !== undefined ? { logTail: redactSecrets(a.logTail, texts) } : {}),
      ...(a.problem !== undefined ? { problem: redactSecrets(a.problem, texts) } : {}),
    })),
  };
}

export async function recordReport(db: Database, nodeId: string, received: AgentReport): Promise<void> {
  const report = await redacted(db, nodeId, received);
  // The snapshot before this one: rates are the counters' change between the two.
  const previous = report.metrics ? await db.select({ metrics: nodes.metrics }).from(nodes).where(eq(nodes.id, nodeId)) : [];
  // The node's new start and heartbeat and its applications' reports are seen together: a power on
  // waits for a report from the agent's new start, and must not read the old run's applications.
  const node = await db.transaction(async (tx) => {
    // Applications before their node, the order desired-state changes lock them in (no deadlock).
    for (const app of report.applications)
      await tx.update(applications).set({ report: app }).where(and(eq(applications.nodeId, nodeId), eq(applications.name, app.name)));
    // An application the agent no longer runs has no report.
    const reported = report.applications.map((a) => a.name);
    await tx
      .update(applications)
      .set({ report: null })
      .where(and(eq(applications.nodeId, nodeId), reported.length ? notInArray(applications.name, reported) : undefined));
    const [updated] = await tx
      .update(nodes)
      .set({
        agentVersion: report.agentVersion,
        agentHostname: report.hostname,
        appliedVersion: report.appliedVersion,
        capabilities: report.capabilities,
        startedAt: new Date(report.startedAt),
        ...(report.metrics ? { metrics: report.metrics } : {}),
        login: report.login ?? null,
        lastHeartbeatAt: sql`now()`,
      })
      .where(eq(nodes.id, nodeId))
      .returning({ hostId: nodes.hostId });
    return updated;
  });
  if (node && report.metrics) await recordMetrics(db, nodeId, report.metrics, previous[0]?.metrics ?? null);
  // What a lab server can run is known best from the agents on it: plans read it (lib/hosts/placement.ts).
  if (node?.hostId)
    await db
      .update(hosts)
      .set({ containerEngine: report.capabilities.containers ? (report.capabilities.containerEngine ?? 'a Docker-compatible engine') : null })
      .where(eq(hosts.id, node.hostId));
  if (report.overlay) await recordOverlayEnd(db, nodeId, { publicKey: report.overlay.publicKey, endpoints: report.overlay.endpoints, report: report.overlay });
  await evaluateNodes(db, [nodeId]);
}

class HeartbeatBatch {
  private pending = new Set<string>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly db: () => Database) {}

  mark(nodeId: string): void {
    this.pending.add(nodeId);
    this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const ids = [...this.pending];
    this.pending = new Set();
    try {
      const rows = await this.db()
        .update(nodes)
        .set({ lastHeartbeatAt: sql`now()` })
        .where(inArray(nodes.id, ids))
        .returning({ id: nodes.id, state: nodes.state });
      // A node the sweep marked HOST_ERROR is heard from again: back to what its applications say.
      await evaluateNodes(this.db(), rows.filter((r) => r.state === 'HOST_ERROR').map((r) => r.id));
    } catch (e) {
      // PostgreSQL away: the agents' next syncs mark them again.
      console.error(`[agent-channel] could not record ${ids.length} heartbeat(s): ${safeErrorMessage(e)}`);
    }
  }
}

const cache = globalThis as unknown as { __ocsHeartbeats?: HeartbeatBatch };

export function heartbeats(db: () => Database): HeartbeatBatch {
  return (cache.__ocsHeartbeats ??= new HeartbeatBatch(db));
}
