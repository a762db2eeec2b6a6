// A built node's state follows what its agent reports: RUNNING while every application it should
// run is up and healthy, CONTAINER_ERROR naming the one that is not. Nodes still being built,
// powered off or deleted are left to their own jobs; a silent agent is the liveness sweep's.
import { and, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { ApplicationReport } from '@/agent/protocol';
import type { Database } from '@/lib/db/client';
import { applications, nodes, unitGroups, type NodeState } from '@/lib/db/schema';

export const WATCHED_NODE_STATES: NodeState[] = ['RUNNING', 'HOST_ERROR', 'CONTAINER_ERROR'];

/** Why an application is not up, or null when it is. */
export function applicationProblem(report: ApplicationReport | null | undefined): string | null {
  if (!report) return 'not started by the agent yet';
  if (report.problem) return report.problem;
  if (report.state === 'running' && report.healthy !== false) return null;
  const why = report.state === 'running' ? 'fails its health check' : report.state === 'exited' ? `exited (code ${report.exitCode ?? 'unknown'})` : `is ${report.state}`;
  const tail = report.logTail?.trim().split('\n').slice(-3).join(' | ');
  return tail ? `${why}; last log lines: ${tail}` : why;
}

/** Re-derives the state of these nodes (those built and watched) from their agents' reports. */
export async function evaluateNodes(db: Database, nodeIds: string[]): Promise<number> {
  if (!nodeIds.length) return 0;
  const rows = await db
    .select({ id: nodes.id, state: nodes.state, stateReason: nodes.stateReason })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(inArray(nodes.id, nodeIds), isNull(nodes.deletedAt), inArray(nodes.state, WATCHED_NODE_STATES), inArray(unitGroups.state, ['RUNNING', 'ERROR'])));
  if (!rows.length) return 0;
  const apps = await db
    .select()
    .from(applications)
    .where(and(inArray(applications.nodeId, rows.map((r) => r.id)), isNotNull(applications.spec)));
  let changed = 0;
  for (const node of rows) {
    let state: NodeState = 'RUNNING';
    let reason: string | null = null;
    for (const app of apps.filter((a) => a.nodeId === node.id)) {
      const problem = applicationProblem(app.report);
      const appState = problem ? 'ERROR' : 'RUNNING';
      if (problem && !reason) {
        state = 'CONTAINER_ERROR';
        reason = `${app.name} ${problem}`;
      }
      if (appState !== app.state || problem !== app.stateReason)
        await db.update(applications).set({ state: appState, stateReason: problem, updatedAt: sql`now()` }).where(eq(applications.id, app.id));
    }
    if (state !== node.state || reason !== node.stateReason) {
      changed++;
      await db.update(nodes).set({ state, stateReason: reason, updatedAt: sql`now()` }).where(eq(nodes.id, node.id));
    }
  }
  return changed;
}
