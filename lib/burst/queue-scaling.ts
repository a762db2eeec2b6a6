// Queue-driven burst, as OCS's HybridCloud template does: a unit whose burst policy has `queue`
// grows when Slurm jobs have waited longer than pendingSeconds, and loses the nodes on the policy's
// cloud that Slurm has seen idle for longer than idleSeconds (never the unit's first node): the
// overflow of a unit on the lab's servers, or the nodes of a unit on that cloud itself. Each round decides
// from PostgreSQL alone — the agents' queue reports and the nodes' idle times — so any worker may
// run it, and the clock is a parameter, so a test can let hours pass.
import { and, asc, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { WorkQueueNode } from '@/agent/protocol';
import { can, loadActor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { nodes, unitGroups, units, type Node, type Unit } from '@/lib/db/schema';
import { AppError, safeErrorMessage } from '@/lib/errors';
import { env } from '@/lib/env';
import { privateNetworksOf } from '@/lib/overlay/node-networks';
import { changeUnitNodes } from '@/lib/unit-groups/scale-unit';
import { onPolicyProvider } from './placement';
import { workQueueOf } from './work-queue';

export const QUEUE_SCALING_LABEL = 'cloud burst (Slurm queue)';

export type QueueDecision =
  | { unitId: string; action: 'add' | 'remove'; nodes: number; buildId: string; reason: string }
  | { unitId: string; action: 'none'; reason: string };

/** Slurm node states in which a job runs (allocated, mixed, completing, planned); in any other (idle, down, drained …) the node does no work. */
const isWorking = (state: string) => /^(alloc|mix|comp|plan)/.test(state);
/** Why a job waits that more nodes can help with: it waits for resources, or behind a job that does. */
const NODES_HELP = new Set(['Resources', 'Priority']);

/** One round over every unit with a queue-driven burst policy whose unit group is built (RUNNING, or ERROR after a failed change). */
export async function scaleByWorkQueues(db: Database, now: Date = new Date()): Promise<QueueDecision[]> {
  const candidates = await db
    .select({ unit: units, organizationId: unitGroups.organizationId })
    .from(units)
    .innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id))
    .where(and(inArray(unitGroups.state, ['RUNNING', 'ERROR']), sql`${units.burst}->'queue' is not null`));
  const decisions: QueueDecision[] = [];
  for (const { unit, organizationId } of candidates)
    // One unit's failure is its own: the other organizations' units are still looked at.
    decisions.push(await scaleUnitByQueue(db, unit, organizationId, now).catch((e: unknown): QueueDecision => ({ unitId: unit.id, action: 'none', reason: `failed: ${safeErrorMessage(e)}` })));
  return decisions;
}

async function scaleUnitByQueue(db: Database, unit: Unit, organizationId: string, now: Date): Promise<QueueDecision> {
  const policy = unit.burst!;
  const { pendingSeconds, idleSeconds } = policy.queue!;
  const live = await db.select().from(nodes).where(and(eq(nodes.unitId, unit.id), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING'))).orderBy(asc(nodes.nodeNo));
  // A round that cannot see the queue forgets the idle times: an idle spell counts only as far as it was seen.
  const unseen = async (reason: string): Promise<QueueDecision> => {
    await forgetIdleTimes(db, live);
    return { unitId: unit.id, action: 'none', reason };
  };
  const none = (reason: string): QueueDecision => ({ unitId: unit.id, action: 'none', reason });
  // Changes are made on behalf of whoever set the policy, while they may still build in the organization.
  const owner = await loadActor(db, policy.setBy);
  if (!owner || !can(owner, 'build', organizationId)) return unseen('whoever set the burst policy may no longer build in the organization: set it again');
  const reported = await workQueueOf(db, unit.unitGroupId);
  if (!reported) return unseen('no node has reported a work queue yet');
  if ('problem' in reported.queue) return unseen(`the work queue cannot be read: ${reported.queue.problem}`);
  // A report from an agent gone silent says nothing about now (heartbeats keep real time, whatever `now` is).
  if (!reported.heartbeatAt || Date.now() - reported.heartbeatAt.getTime() > env().OCS_AGENT_LIVENESS_SECONDS * 1000) return unseen('the node reporting the work queue is not heard from');
  const idle = await recordIdleTimes(db, live, reported.queue.nodes, now);

  // Jobs wait from their submission, or from the unit's last change: nodes just added need a moment to take them.
  const waitedSince = (submittedAt: string) => Math.max(Date.parse(submittedAt), unit.updatedAt.getTime());
  const waiting = reported.queue.pendingJobs.filter((j) => NODES_HELP.has(j.reason) && now.getTime() - waitedSince(j.submittedAt) >= pendingSeconds * 1000);
  const onCloud = live.filter((n) => onPolicyProvider(n, unit)).length;
  if (waiting.length) {
    // Idle nodes may take the jobs yet (just freed, or the scheduler has not come round to them).
    const spare = reported.queue.nodes.filter((n) => n.state.startsWith('idle')).length;
    const wanted = Math.min(waiting.reduce((n, j) => n + Math.max(1, j.nodes), 0) - spare, policy.maxNodes - onCloud);
    if (wanted <= 0) return none(`${waiting.length} job(s) wait, and ${onCloud >= policy.maxNodes ? `the unit has its ${policy.maxNodes} node(s) on ${policy.provider} already` : `${spare} node(s) are idle`}`);
    const reason = `${waiting.length} job(s) waited longer than ${pendingSeconds} s (${waiting.map((j) => j.jobId).join(', ')})`;
    return act(db, unit, { addNodes: wanted }, 'add', wanted, reason, none);
  }
  const removable = live.filter((n) => onPolicyProvider(n, unit) && n.nodeNo !== 1 && idle.has(n.id) && now.getTime() - idle.get(n.id)!.getTime() >= idleSeconds * 1000);
  if (removable.length) {
    const reason = `node(s) ${removable.map((n) => n.nodeNo).join(', ')} ran no job for longer than ${idleSeconds} s`;
    return act(db, unit, { removeNodeIds: removable.map((n) => n.id) }, 'remove', removable.length, reason, none);
  }
  return none('no job waits too long and no overflow node is idle too long');
}

async function forgetIdleTimes(db: Database, live: Node[]): Promise<void> {
  const ids = live.filter((n) => n.queueIdleSince).map((n) => n.id);
  if (ids.length) await db.update(nodes).set({ queueIdleSince: null }).where(inArray(nodes.id, ids));
}

/**
 * Sets or clears each node's idle-since (since when it has run no job) from the scheduler's view
 * of it, matched by the node's address on the unit group's private network (what the templates
 * give Slurm as NodeAddr), else its own. A node the scheduler does not list (never joined) runs
 * no job either. Returns each such node's idle-since.
 */
async function recordIdleTimes(db: Database, live: Node[], queueNodes: WorkQueueNode[], now: Date): Promise<Map<string, Date>> {
  const networks = await privateNetworksOf(db, live.map((n) => n.id));
  const stateOf = new Map(queueNodes.map((q) => [q.address, q.state]));
  const idle = new Map<string, Date>();
  const becameIdle: string[] = [];
  const busy: string[] = [];
  for (const n of live) {
    const state = stateOf.get(networks.get(n.id)?.address ?? n.ipAddress ?? '');
    if (state === undefined || !isWorking(state)) {
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
