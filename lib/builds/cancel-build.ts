import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { builds, buildSteps, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { enqueueAfterCommit } from '@/lib/jobs/queue';
import { withUnitGroupLockIfFree } from '@/lib/unit-groups/lock';
import { parseOrThrow } from '@/lib/zod-fields';
import { appendBuildLog } from './log';

/** The state reason of a node a cancelled build had not made. */
export const NOT_CREATED = 'not created: its build was cancelled';

export const ZCancelBuildInput = z.object({
  /** keep: leave what was made (the unit group shows ERROR); teardown: delete the unit group. */
  mode: z.enum(['keep', 'teardown'], { error: 'must be "keep" or "teardown"' }),
});

/**
 * Asks a queued or running build to stop. The worker running it stops at the next node or
 * step; a build no worker holds is ended here at once. Either way the unit group lock makes the
 * teardown wait for the build, so nothing it created is left behind.
 */
export async function requestBuildCancel(db: Database, actor: Actor, buildId: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<void> {
  const { mode } = parseOrThrow(ZCancelBuildInput, rawInput);
  const build = await db.query.builds.findFirst({ where: eq(builds.id, buildId) });
  if (!build) throw new AppError('NOT_FOUND', 'No such build');
  authorize(actor, 'build', build.organizationId, 'build');
  if (build.status !== 'QUEUED' && build.status !== 'RUNNING') throw new AppError('CONFLICT', `The build is already ${build.status}`);
  if (mode === 'teardown' && build.kind !== 'create') throw invalidMode();
  await db
    .update(builds)
    .set({ cancelRequestedAt: sql`now()`, cancelMode: mode, updatedAt: sql`now()` })
    .where(and(eq(builds.id, buildId), inArray(builds.status, ['QUEUED', 'RUNNING'])));
  await appendBuildLog(db, buildId, `${actor.email} cancelled the build (${mode === 'teardown' ? 'tear down what it made' : 'keep what it made'})`, { level: 'warn' });
  await recordAudit(db, { actor, organizationId: build.organizationId, action: 'build.cancel', targetType: 'build', targetId: buildId, ipAddress: meta.ip, outcome: 'success', details: { mode } });
  if (build.unitGroupId) await withUnitGroupLockIfFree(build.unitGroupId, () => finishCancelledBuild(db, buildId));
}

function invalidMode(): AppError {
  return new AppError('INVALID_INPUT', 'Only a build that creates a unit group can tear it down on cancel', { fields: { mode: 'only "keep" is possible for this build' } });
}

/** Ends a build whose cancel was requested; call while holding its unit group's lock. */
export async function finishCancelledBuild(db: Database, buildId: string): Promise<void> {
  const build = await db.query.builds.findFirst({ where: eq(builds.id, buildId) });
  if (!build?.cancelRequestedAt || (build.status !== 'QUEUED' && build.status !== 'RUNNING')) return;
  const teardown = build.cancelMode === 'teardown';
  await db.transaction(async (tx) => {
    await tx.update(builds).set({ status: 'CANCELLED', error: 'cancelled', finishedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(builds.id, buildId));
    await tx
      .update(buildSteps)
      .set({ status: 'SKIPPED', finishedAt: sql`now()` })
      .where(and(eq(buildSteps.buildId, buildId), ne(buildSteps.status, 'SUCCEEDED')));
    // A cancelled scale-in removes nothing: the nodes it had marked stay in service (and in the quota).
    if (build.kind === 'scale' && build.unitGroupId) {
      await tx
        .update(nodes)
        .set({ state: 'RUNNING', updatedAt: sql`now()` })
        .where(and(eq(nodes.unitGroupId, build.unitGroupId), eq(nodes.state, 'DELETING'), isNull(nodes.deletedAt)));
      const counts = await tx
        .select({ unitId: nodes.unitId, live: sql<number>`count(*)::int` })
        .from(nodes)
        .where(and(eq(nodes.unitGroupId, build.unitGroupId), isNull(nodes.deletedAt)))
        .groupBy(nodes.unitId);
      for (const c of counts) await tx.update(units).set({ numNodes: c.live, updatedAt: sql`now()` }).where(eq(units.id, c.unitId));
    }
    // A cancelled power change leaves the nodes it had not reached as they were.
    if (build.kind === 'power' && build.unitGroupId) {
      const { action, nodeIds } = build.parameters as { action: 'off' | 'on'; nodeIds: string[] };
      const [doing, was] = action === 'off' ? (['SHUTTING_DOWN', 'RUNNING'] as const) : (['BOOTING', 'POWER_OFF'] as const);
      await tx.update(nodes).set({ state: was, updatedAt: sql`now()` }).where(and(inArray(nodes.id, nodeIds), eq(nodes.state, doing), isNull(nodes.deletedAt)));
    }
    // Nodes it had not made yet have no machine, and nothing will make them (a cancelled build is
    // not retried): left BOOTING they, and their unit, would look under way for ever and hold a
    // class schedule up. The unit ends as a failed build leaves it.
    if (build.unitGroupId && !teardown) {
      await tx
        .update(nodes)
        .set({ state: 'HOST_ERROR', stateReason: NOT_CREATED, updatedAt: sql`now()` })
        .where(and(eq(nodes.unitGroupId, build.unitGroupId), eq(nodes.state, 'BOOTING'), isNull(nodes.providerResourceId), isNull(nodes.deletedAt)));
      await tx
        .update(units)
        .set({ state: 'ERROR', updatedAt: sql`now()` })
        .where(and(eq(units.unitGroupId, build.unitGroupId), eq(units.state, 'BOOTING')));
    }
    if (build.unitGroupId)
      await tx
        .update(unitGroups)
        .set(teardown ? { state: 'DELETING', updatedAt: sql`now()` } : { state: 'ERROR', stateReason: 'the build was cancelled; what it made was kept', updatedAt: sql`now()` })
        .where(and(eq(unitGroups.id, build.unitGroupId), inArray(unitGroups.state, ['APPLYING', 'ERROR', 'RUNNING'])));
  });
  await appendBuildLog(db, buildId, teardown ? 'build cancelled; tearing down its unit group' : 'build cancelled; what it made is kept', { level: 'warn' });
  if (teardown && build.unitGroupId) await enqueueAfterCommit('unitGroup.delete', { unitGroupId: build.unitGroupId });
}
