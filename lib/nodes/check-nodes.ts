import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { applications, nodes, unitGroups, type NodeState } from '@/lib/db/schema';
import { agentHealth } from './agent-client';

// Liveness of built nodes (what Serf did for OCS): a node whose agent stops answering is
// HOST_ERROR, one whose application stopped is CONTAINER_ERROR, and either returns to RUNNING
// when it recovers. Nodes being built, powered off or deleted are left to their own jobs.
const WATCHED: NodeState[] = ['RUNNING', 'HOST_ERROR', 'CONTAINER_ERROR'];

export interface CheckResult {
  checked: number;
  changed: number;
}

export async function checkNodes(db: Database): Promise<CheckResult> {
  const rows = await db
    .select({ node: nodes })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(isNull(nodes.deletedAt), isNotNull(nodes.agentUrl), inArray(nodes.state, WATCHED), inArray(unitGroups.state, ['RUNNING', 'ERROR'])));
  if (!rows.length) return { checked: 0, changed: 0 };
  const apps = await db.select().from(applications).where(inArray(applications.nodeId, rows.map((r) => r.node.id)));

  let changed = 0;
  await Promise.all(
    rows.map(async ({ node }) => {
      const mine = apps.filter((a) => a.nodeId === node.id);
      let state: NodeState = 'RUNNING';
      let reason: string | null = null;
      let startedAt = node.startedAt;
      const appStates = new Map<string, { state: 'RUNNING' | 'ERROR'; reason: string | null }>();
      try {
        const health = await agentHealth(node.agentUrl!, 1500);
        startedAt = new Date(health.startedAt);
        for (const app of mine) {
          const s = health.applications.find((x) => x.name === app.name);
          const ok = s?.state === 'running' && s.healthy !== false;
          const why = ok ? null : !s ? 'not known to the agent' : s.state !== 'running' ? `is ${s.state}` : 'fails its health check';
          appStates.set(app.name, { state: ok ? 'RUNNING' : 'ERROR', reason: why });
          if (!ok) {
            state = 'CONTAINER_ERROR';
            reason = `${app.name} ${why}`;
          }
        }
      } catch (e) {
        state = 'HOST_ERROR';
        reason = `agent does not answer: ${(e as Error).message}`;
      }
      if (state !== node.state || reason !== node.stateReason || startedAt?.getTime() !== node.startedAt?.getTime()) {
        changed++;
        await db.update(nodes).set({ state, stateReason: reason, startedAt, updatedAt: sql`now()` }).where(eq(nodes.id, node.id));
      }
      for (const app of mine) {
        const next = appStates.get(app.name);
        if (next && (next.state !== app.state || next.reason !== app.stateReason))
          await db.update(applications).set({ state: next.state, stateReason: next.reason, updatedAt: sql`now()` }).where(eq(applications.id, app.id));
      }
    }),
  );
  return { checked: rows.length, changed };
}
