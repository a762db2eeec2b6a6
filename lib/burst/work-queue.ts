// A unit group's work queue (its Slurm cluster's pending jobs and nodes), as the agent of the node
// running the scheduler reported it (agent/work-queue.ts): cloud burst decides from it.
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { WorkQueueReport } from '@/agent/protocol';
import type { Database } from '@/lib/db/client';
import { applications, nodes } from '@/lib/db/schema';

export interface UnitGroupWorkQueue {
  /** The node and application whose agent reported it. */
  nodeId: string;
  application: string;
  /** When that agent was last heard from: a queue an agent gone silent reported may be stale. */
  heartbeatAt: Date | null;
  queue: WorkQueueReport;
}

/** The unit group's latest work queue report (its `at` the newest, should two applications report one), or null when none has. */
export async function workQueueOf(db: Database, unitGroupId: string): Promise<UnitGroupWorkQueue | null> {
  const queueAt = sql`${applications.report}->'workQueue'->>'at'`;
  const [row] = await db
    .select({ nodeId: nodes.id, application: applications.name, heartbeatAt: nodes.lastHeartbeatAt, report: applications.report })
    .from(applications)
    .innerJoin(nodes, eq(applications.nodeId, nodes.id))
    .where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt), sql`${queueAt} is not null`))
    .orderBy(desc(queueAt))
    .limit(1);
  const queue = row?.report?.workQueue;
  return row && queue ? { nodeId: row.nodeId, application: row.application, heartbeatAt: row.heartbeatAt, queue } : null;
}
