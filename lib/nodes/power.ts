// Power off and on of one node (OCS's power_off_nodes / power_on_nodes), where its provider can.
// Asking records the intent in PostgreSQL (SHUTTING_DOWN, or BOOTING in a built unit group) and
// queues a job; the job does it under the unit group's lock and is safe to run again, so the
// reconciler can queue it anew when Redis lost it.
import { and, eq, gt, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { applicationProblem, evaluateNodes } from '@/lib/agent-channel/node-state';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { applications, nodes, unitGroups, type Node, type NodeState } from '@/lib/db/schema';
import { canPowerNodes } from '@/lib/providers/catalog';
import { AppError } from '@/lib/errors';
import { enqueueAfterCommit } from '@/lib/jobs/queue';
import { getProvider } from '@/lib/providers/registry';
import { withUnitGroupLock } from '@/lib/unit-groups/lock';

export type PowerAction = 'off' | 'on';

/** What POST /nodes/:id/power takes (besides the class schedule's pauseSchedule). */
export const ZNodePowerInput = z.object({ action: z.enum(['off', 'on'], { error: 'must be "off" or "on"' }) });

export const FROM: Record<PowerAction, NodeState[]> = { off: ['RUNNING', 'CONTAINER_ERROR', 'HOST_ERROR'], on: ['POWER_OFF'] };
export const DOING: Record<PowerAction, NodeState> = { off: 'SHUTTING_DOWN', on: 'BOOTING' };
const POWER_ON_TIMEOUT_MS = 60_000;

export async function requestNodePower(db: Database, actor: Actor, nodeId: string, action: PowerAction, meta: RequestMeta = { ip: null }): Promise<{ nodeId: string; state: NodeState }> {
  const [row] = await db
    .select({ node: nodes, provider: nodes.provider, organizationId: unitGroups.organizationId, groupState: unitGroups.state })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(eq(nodes.id, nodeId), isNull(nodes.deletedAt)));
  if (!row) throw new AppError('NOT_FOUND', 'No such node');
  authorize(actor, 'build', row.organizationId, 'node');
  if (!canPowerNodes(row.provider)) throw new AppError('CONFLICT', `Nodes on ${row.provider} cannot be powered off and on`, { fields: { action: `not possible on ${row.provider}` } });
  if (row.groupState !== 'RUNNING' && row.groupState !== 'ERROR')
    throw new AppError('CONFLICT', `The unit group is ${row.groupState}: power a node ${action} once it is built`, { fields: { action: `the unit group is ${row.groupState}` } });
  // Asking again while it is being done is harmless.
  if (row.node.state !== DOING[action]) {
    const [changed] = await db
      .update(nodes)
      .set({ state: DOING[action], stateReason: null, updatedAt: sql`now()` })
      .where(and(eq(nodes.id, nodeId), inArray(nodes.state, FROM[action])))
      .returning({ id: nodes.id });
    if (!changed) throw new AppError('CONFLICT', `Node ${row.node.nodeNo} is ${row.node.state}; it can be powered ${action} from ${FROM[action].join(' or ')}`, { fields: { action: `the node is ${row.node.state}` } });
  }
  await enqueueAfterCommit('node.power', { nodeId, action });
  await recordAudit(db, { actor, organizationId: row.organizationId, action: `node.power${action === 'off' ? 'Off' : 'On'}`, targetType: 'node', targetId: nodeId, ipAddress: meta.ip, outcome: 'success', details: { name: row.node.name, nodeNo: row.node.nodeNo } });
  return { nodeId, state: DOING[action] };
}

/** The job: powers the node off or on; a power on ends when the agent is heard again. */
export async function runNodePower(db: Database, nodeId: string, action: PowerAction): Promise<void> {
  const [first] = await db.select({ unitGroupId: nodes.unitGroupId }).from(nodes).where(eq(nodes.id, nodeId));
  if (!first) return;
  await withUnitGroupLock(first.unitGroupId, (hold) => powerNode(db, nodeId, action, hold.assertHeld));
}

/**
 * Powers one node off or on through its provider, holding its unit group's lock (assertHeld
 * throws once it is lost); a power on ends when the agent is heard again. Returns whether it did
 * anything: a node done already, deleted meanwhile or asked the other way since is left alone.
 */
export async function powerNode(db: Database, nodeId: string, action: PowerAction, assertHeld: () => void): Promise<boolean> {
  const [node] = await db.select().from(nodes).where(eq(nodes.id, nodeId));
  if (!node || node.deletedAt || node.state !== DOING[action] || !node.providerResourceId) return false;
  const provider = await getProvider(node.provider);
  const set = async (state: NodeState, stateReason: string | null) => {
    assertHeld();
    await db.update(nodes).set({ state, stateReason, updatedAt: sql`now()` }).where(eq(nodes.id, nodeId));
  };
  try {
    if (action === 'off') {
      await provider.powerOff(node.providerResourceId);
      await set('POWER_OFF', null);
      return true;
    }
    const since = new Date();
    await provider.powerOn(node.providerResourceId);
    await waitUntilUp(db, node, since);
    // RUNNING, or CONTAINER_ERROR naming the application that did not come up.
    await set('RUNNING', null);
    await evaluateNodes(db, [nodeId]);
    return true;
  } catch (e) {
    await set('HOST_ERROR', `power ${action} failed: ${(e as Error).message}`);
    throw e;
  }
}

/**
 * Until the agent started again after the power on has reported, and its applications are up (or
 * the time is over: they are then reported as they are). Reports of the agent from before the
 * power off still say "running": only a new start (the agent's own start time changed, which no
 * clock skew between node and portal fools) makes the reports the new ones.
 */
async function waitUntilUp(db: Database, node: Node, since: Date): Promise<void> {
  const deadline = Date.now() + POWER_ON_TIMEOUT_MS;
  for (; ; await sleep(200)) {
    const [heard] = await db
      .select({ id: nodes.id })
      .from(nodes)
      .where(and(eq(nodes.id, node.id), gt(nodes.lastHeartbeatAt, since), node.startedAt ? ne(nodes.startedAt, node.startedAt) : isNotNull(nodes.startedAt)));
    if (heard) break;
    if (Date.now() > deadline) throw new Error(`its agent did not dial home within ${POWER_ON_TIMEOUT_MS / 1000} s of the power on`);
  }
  while (Date.now() < deadline) {
    const apps = await db.select({ report: applications.report }).from(applications).where(and(eq(applications.nodeId, node.id), isNotNull(applications.spec)));
    if (apps.every((a) => applicationProblem(a.report) === null)) return;
    await sleep(200);
  }
}
