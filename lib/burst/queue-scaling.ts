// Queue-driven burst, as OCS's HybridCloud template does: a unit whose burst policy has `queue`
// grows when Slurm jobs have waited longer than pendingSeconds, and loses overflow nodes that Slurm
// has seen idle for longer than idleSeconds (never the unit's first node). Each round decides
// from PostgreSQL alone — the agents' queue reports and the nodes' idle times — so any worker may
// run it, and the clock is a parameter, so a test can let hours pass.
import { and, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { nodes, unitGroups, units, type Node, type Unit } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { privateNetworksOf } from '@/lib/overlay/node-networks';
import { changeUnitNodes } from '@/lib/unit-groups/scale-unit';
import { isOverflow } from './placement';
import { workQueueOf } from './work-queue';

export const QUEUE_SCALING_LABEL = 'cloud burst (Slurm queue)';

export type QueueDecision =
  | { unitId: string; action: 'add' | 'remove'; nodes: number; buildId: string; reason: string }
  | { unitId: string; action: 'none'; reason: string };

/** Slurm's idle states (idle, idle~ powered down, idle* not responding …): no job runs there. */
const isIdle = (state: string) => state.startsWith('idle');

/** One round over every unit with a queue-driven burst policy whose unit group is RUNNING. */
export async function scaleByWorkQueues(db: Database, now: Date = new Date()): Promise<QueueDecision[]> {
  const candidates = await db
    .select({ unit: units })
    .from(units)
    .innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id))
    .where(and(eq(unitGroups.state, 'RUNNING'), sql`${units.burst}->'queue' is not null`));
  const decisions: QueueDecision[] = [];
  for (const { unit } of candidates) decisions.push(await scaleUnitByQueue(db, unit, now));
  return decisions;
}

async function scaleUnitByQueue(db: Database, unit: Unit, now: Date): Promise<QueueDecision> {
  const none = (reason: string): QueueDecision => ({ unitId: unit.id, action: 'none', reason });
  const policy = unit.burst!;
  const { pendingSeconds, idleSeconds } = policy.queue!;
  const reported = await workQueueOf(db, unit.unitGroupId);
  if (!reported) return none('no node has reported a work queue yet');
  if ('problem' in reported.queue) return none(`the work queue cannot be read: ${reported.queue.problem}`);
  // A report from an agent gone silent says nothing about now (heartbeats keep real time, whatever `now` is).
  if (!reported.heartbeatAt || Date.now() - reported.heartbeatAt.getTime() > env().OCS_AGENT_LIVENESS_SECONDS * 1000) return none('the node reporting the work queue is not heard from');
  const live = await db.select().from(nodes).where(and(eq(nodes.unitId, unit.id), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')));
  const idle = await recordIdleTimes(db, live, reported.queue.nodes, now);

  // Jobs wait from their submission, or from the unit's last change: nodes just added need a moment to take them.
  const waitedSince = (submittedAt: string) => Math.max(Date.parse(submittedAt), unit.updatedAt.getTime());
  const waiting = reported.queue.pendingJobs.filter((j) => now.getTime() - waitedSince(j.submittedAt) >= pendingSeconds * 1000);
  const overflowNow = live.filter((n) => isOverflow(n, unit)).length;
  if (waiting.length) {
    const wanted = Math.min(waiting.reduce((n, j) => n + Math.max(1, j.nodes), 0), policy.maxNodes - overflowNow);
    if (wanted <= 0) return none(`${waiting.length} job(s) wait, and the unit has its ${policy.maxNodes} overflow node(s) already`);
    const reason = `${waiting.length} job(s) waited longer than ${pendingSeconds} s (${waiting.map((j) => j.jobId).join(', ')})`;
    return act(db, unit, { addNodes: wanted }, 'add', wanted, reason, none);
  }
  const removable = live.filter((n) => isOverflow(n, unit) && n.nodeNo !== 1 && idle.has(n.id) && now.getTime() - idle.get(n.id)!.getTime() >= idleSeconds * 1000);
  if (removable.length) {
    const reason = `node(s) ${removable.map((n) => n.nodeNo).join(', ')} idle longer than ${idleSeconds} s`;
    return act(db, unit, { removeNodeIds: removable.map((n) => n.id) }, 'remove', removable.length, reason, none);
  }
  return none('no job waits too long and no overflow node is idle too long');
}

/**
 * Sets or clears each node's idle-since from the scheduler's view of it, matched by the node's
 * address on the unit group's private network (what the templates give Slurm as NodeAddr), else
 * its own. Returns each idle node's idle-since.
 */
async function recordIdleTimes(db: Database, live: Node[], queueNodes: { address?: string; name: string; state: string }[], now: Date): Promise<Map<string, Date>> {
  const networks = await privateNetworksOf(db, live.map((n) => n.id));
  const stateOf = new Map(queueNodes.flatMap((q) => (q.address ? [[q.address, q.state] as const] : [])));
  const idle = new Map<string, Date>();
  const becameIdle: string[] = [];
  const busy: string[] = [];
  for (const n of live) {
    const state = stateOf.get(networks.get(n.id)?.address ?? n.ipAddress ?? '');
    if (state !== undefined && isIdle(state)) {
      idle.set(n.id, n.queueIdleSince ?? now);
      if (!n.queueIdleSince) becameIdle.push(n.id);
    } else if (n.queueIdleSince) busy.push(n.id);
  }
  if (becameIdle.length) await db.update(nodes).set({ queueIdleSince: now }).where(and(inArray(nodes.id, becameIdle), isNull(nodes.queueIdleSince)));
  if (busy.length) await db.update(nodes).set({ queueIdleSince: null }).where(and(inArray(nodes.id, busy), isNotNull(nodes.queueIdleSince)));
  return idle;
}

async function act(
  db: Database,
  unit: Unit,
  change: Parameters<typeof changeUnitNodes>[3],
  action: 'add' | 'remove',
  count: number,
  reason: string,
  none: (reason: string) => QueueDecision,
): Promise<QueueDecision> {
  try {
    const { buildId } = await changeUnitNodes(db, { onBehalfOf: unit.burst!.setBy, label: QUEUE_SCALING_LABEL }, unit.id, change);
    return { unitId: unit.id, action, nodes: count, buildId, reason };
  } catch (e) {
    // Another change went first, or no room anywhere: the next round looks again.
    if (e instanceof AppError && (e.code === 'CONFLICT' || e.code === 'QUOTA_EXCEEDED')) return none(`${reason}, but: ${e.message}`);
    throw e;
  }
}
