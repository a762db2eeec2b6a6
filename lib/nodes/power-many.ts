// Power off or on a whole unit or unit group (OCS's power_off_nodes / power_on_nodes over a
// unit): one operation, run as a build of kind "power" with its own steps and live log. Nodes whose
// provider cannot power them are named in the log and left as they are.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import { appendBuildLog } from '@/lib/builds/log';
import { failSummary, type StepContext } from '@/lib/builds/step-context';
import { BuildCancelledError } from '@/lib/builds/step-error';
import { POWER_STEPS } from '@/lib/builds/steps';
import type { Database, Transaction } from '@/lib/db/client';
import { builds, buildSteps, nodes, unitGroups, units } from '@/lib/db/schema';
import { eachLimited } from '@/lib/each-limited';
import { AppError, invalidInput } from '@/lib/errors';
import { enqueueAfterCommit, QUEUE_DELAYED } from '@/lib/jobs/queue';
import { canPowerNodes } from '@/lib/providers/catalog';
import { parseOrThrow } from '@/lib/zod-fields';
import { DOING, FROM, powerNode, type PowerAction } from './power';

const MAX_NAMED = 100;
export const ZPowerInput = z.object({
  action: z.enum(['off', 'on'], { error: 'must be "off" or "on"' }),
  // The VCP SDK's selectors of power_off_nodes / power_on_nodes; none: every node of the scope.
  nodeNos: z.array(z.number().int().min(1)).min(1, 'name at least one node number').max(MAX_NAMED).optional().describe('Only the nodes of these numbers (of a unit).'),
  ipAddresses: z.array(z.ipv4('must be IPv4 addresses')).min(1, 'name at least one address').max(MAX_NAMED).optional().describe('Only the nodes at these addresses.'),
});

/** What a power build records: the action and the nodes it powers. */
const ZPowerParameters = z.object({ action: z.enum(['off', 'on']), nodeIds: z.array(z.uuid()) });

/** A whole unit group, a unit, or chosen nodes of a unit (the class schedule powers those beyond its count). */
export type PowerScope = { unitGroupId: string } | { unitId: string } | { unitId: string; nodeIds: string[] };

export interface PowerOptions {
  /**
   * Runs in the request's transaction once the unit group is locked and may change: what must hold
   * for the power request to go ahead is checked (and recorded) here, or thrown to give it up.
   */
  underLock?: (tx: Transaction) => Promise<void>;
}

/** Powers the scope's nodes that are not that way yet; refused when none can be (naming why). */
export async function requestPower(db: Database, actor: Actor, scope: PowerScope, raw: unknown, meta: RequestMeta = { ip: null }, options: PowerOptions = {}): Promise<{ buildId: string }> {
  const { action, nodeNos, ipAddresses } = parseOrThrow(ZPowerInput, raw);
  if (nodeNos && ipAddresses) throw invalidInput({ nodeNos: 'give nodeNos or ipAddresses, not both' });
  if (nodeNos && !('unitId' in scope)) throw invalidInput({ nodeNos: 'node numbers name nodes of a unit: power them through the unit' });
  const unit = 'unitId' in scope ? await db.query.units.findFirst({ where: eq(units.id, scope.unitId) }) : undefined;
  const unitGroupId = 'unitId' in scope ? unit?.unitGroupId : scope.unitGroupId;
  const group = unitGroupId ? await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) }) : undefined;
  const what = 'unitId' in scope ? 'unit' : 'unit group';
  if (!group || group.state === 'DELETED' || ('unitId' in scope && !unit)) throw new AppError('NOT_FOUND', `No such ${what}`);
  authorize(actor, 'build', group.organizationId, what);

  const { buildId, powered, skipped } = await db.transaction(async (tx) => {
    // One change at a time per unit group, as for a change of node count.
    const [locked] = await tx.select({ state: unitGroups.state }).from(unitGroups).where(eq(unitGroups.id, group.id)).for('update');
    if (locked?.state !== 'RUNNING' && locked?.state !== 'ERROR')
      throw new AppError('CONFLICT', `The unit group is ${locked?.state}; power it ${action} once it is RUNNING`, { fields: { action: `the unit group is ${locked?.state}` } });
    await options.underLock?.(tx);
    const inScope = and(eq(nodes.unitGroupId, group.id), unit ? eq(nodes.unitId, unit.id) : undefined, 'nodeIds' in scope ? inArray(nodes.id, scope.nodeIds) : undefined, isNull(nodes.deletedAt));
    const named = nodeNos ? inArray(nodes.nodeNo, nodeNos) : ipAddresses ? inArray(nodes.ipAddress, ipAddresses) : undefined;
    if (named) {
      const found = await tx.select({ nodeNo: nodes.nodeNo, ipAddress: nodes.ipAddress }).from(nodes).where(and(inScope, named));
      const missing = nodeNos ? nodeNos.filter((no) => !found.some((n) => n.nodeNo === no)) : ipAddresses!.filter((ip) => !found.some((n) => n.ipAddress === ip));
      if (missing.length) throw invalidInput({ [nodeNos ? 'nodeNos' : 'ipAddresses']: `no live node of this ${what} has ${missing.join(', ')}` });
    }
    const candidates = await tx
      .select()
      .from(nodes)
      .where(and(inScope, named, inArray(nodes.state, FROM[action])))
      .orderBy(asc(nodes.nodeNo));
    // A node whose machine was never made (its creation failed) has nothing to power.
    const powered = candidates.filter((n) => canPowerNodes(n.provider) && n.providerResourceId);
    const skipped = candidates.filter((n) => !canPowerNodes(n.provider));
    if (!powered.length)
      throw new AppError('CONFLICT', skipped.length ? `Nodes on ${[...new Set(skipped.map((n) => n.provider))].join(', ')} cannot be powered off and on` : `No node of the ${what} can be powered ${action} (${FROM[action].join(' or ')} ones can)`, {
        fields: { action: skipped.length ? `not possible on ${skipped[0]!.provider}` : `no node is ${FROM[action].join(' or ')}` },
      });
    await tx.update(nodes).set({ state: DOING[action], stateReason: null, updatedAt: sql`now()` }).where(inArray(nodes.id, powered.map((n) => n.id)));
    await tx.update(unitGroups).set({ state: 'APPLYING', stateReason: null, updatedAt: sql`now()` }).where(eq(unitGroups.id, group.id));
    const [origin] = await tx.select().from(builds).where(eq(builds.unitGroupId, group.id)).orderBy(asc(builds.createdAt)).limit(1);
    const id = randomUUID();
    await tx.insert(builds).values({
      id,
      kind: 'power',
      organizationId: group.organizationId,
      templateVersionId: origin!.templateVersionId,
      createdBy: actor.userId,
      unitGroupId: group.id,
      parameters: { action, nodeIds: powered.map((n) => n.id), ...(unit ? { unit: unit.name } : {}) },
    });
    await tx.insert(buildSteps).values(POWER_STEPS.map((key, position) => ({ buildId: id, key, action: key, position })));
    return { buildId: id, powered, skipped };
  });

  const label = (ns: typeof powered) => ns.map((n) => `${n.nodeNo}`).join(', ');
  await recordAudit(db, {
    actor,
    organizationId: group.organizationId,
    action: `${unit ? 'unit' : 'unitGroup'}.power${action === 'off' ? 'Off' : 'On'}`,
    targetType: unit ? 'unit' : 'unit_group',
    targetId: unit?.id ?? group.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: group.name, ...(unit ? { unit: unit.name } : {}), nodes: powered.map((n) => n.nodeNo), buildId },
  });
  await appendBuildLog(db, buildId, `${actor.email} powered ${action} ${unit ? `unit ${unit.name}` : 'every unit'} of ${group.name}: node(s) ${label(powered)}`);
  if (skipped.length) await appendBuildLog(db, buildId, `left as they are: node(s) ${label(skipped)} on ${[...new Set(skipped.map((n) => n.provider))].join(', ')}, which cannot power nodes off and on`, { level: 'warn' });
  if (!(await enqueueAfterCommit('build.run', { buildId }))) await appendBuildLog(db, buildId, QUEUE_DELAYED, { level: 'warn' });
  return { buildId };
}

/**
 * The power-nodes step: powers each node the build names that is on its way. A retry powers again
 * those a failed attempt left in HOST_ERROR, and skips those done; a cancel stops before the next node.
 */
export async function powerNodes(c: StepContext): Promise<void> {
  const [build] = await c.db.select({ parameters: builds.parameters }).from(builds).where(eq(builds.id, c.buildId));
  const { action, nodeIds } = ZPowerParameters.parse(build?.parameters);
  c.assertHeld();
  await c.db
    .update(nodes)
    .set({ state: DOING[action], updatedAt: sql`now()` })
    .where(and(inArray(nodes.id, nodeIds), eq(nodes.state, 'HOST_ERROR'), isNull(nodes.deletedAt), sql`${nodes.stateReason} like ${`power ${action} failed:%`}`));
  const named = await c.db.select().from(nodes).where(inArray(nodes.id, nodeIds)).orderBy(asc(nodes.nodeNo));
  const failures = await eachLimited(named, 4, async (node) => {
    if (await c.cancelRequested()) throw new BuildCancelledError();
    const label = `${node.nodeNo} (${node.ipAddress ?? 'no address'})`;
    try {
      if (await powerNode(c.db, node.id, action as PowerAction, c.assertHeld)) await appendBuildLog(c.db, c.buildId, `node ${label} powered ${action}`, { stepKey: c.stepKey });
    } catch (e) {
      await appendBuildLog(c.db, c.buildId, `node ${label} could not be powered ${action}: ${(e as Error).message}`, { stepKey: c.stepKey, level: 'error' });
      throw e;
    }
  });
  if (failures.some((f) => f instanceof BuildCancelledError)) throw new BuildCancelledError();
  if (failures.length) throw failSummary(`node(s) could not be powered ${action}`, failures, named.length);
}
