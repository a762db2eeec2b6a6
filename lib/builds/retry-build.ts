import { and, eq, inArray, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { builds, buildSteps, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { enqueueAfterCommit, QUEUE_DELAYED } from '@/lib/jobs/queue';
import { appendBuildLog } from './log';

/** Runs a failed build again from its failed step; the steps that succeeded are not repeated. */
export async function retryBuild(db: Database, actor: Actor, buildId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  const build = await db.query.builds.findFirst({ where: eq(builds.id, buildId) });
  if (!build) throw new AppError('NOT_FOUND', 'No such build');
  authorize(actor, 'build', build.organizationId, 'build');
  if (build.status !== 'FAILED') throw new AppError('CONFLICT', `Only a FAILED build can be retried; this one is ${build.status}`);
  const group = build.unitGroupId ? await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, build.unitGroupId) }) : null;
  if (!group || group.state === 'DELETING' || group.state === 'DELETED') throw new AppError('CONFLICT', 'Its unit group is deleted; start a new build instead');
  const steps = await db.select().from(buildSteps).where(eq(buildSteps.buildId, buildId));
  const from = steps.filter((s) => s.status !== 'SUCCEEDED').sort((a, b) => a.position - b.position)[0];

  await db.transaction(async (tx) => {
    await tx
      .update(builds)
      .set({ status: 'QUEUED', error: null, finishedAt: null, cancelRequestedAt: null, cancelMode: null, updatedAt: sql`now()` })
      .where(and(eq(builds.id, buildId), eq(builds.status, 'FAILED')));
    await tx
      .update(buildSteps)
      .set({ status: 'PENDING', finishedAt: null })
      .where(and(eq(buildSteps.buildId, buildId), inArray(buildSteps.status, ['FAILED', 'SKIPPED', 'RUNNING'])));
    await tx.update(unitGroups).set({ state: 'APPLYING', stateReason: null, updatedAt: sql`now()` }).where(eq(unitGroups.id, group.id));
    await tx.update(units).set({ state: 'BOOTING', updatedAt: sql`now()` }).where(and(eq(units.unitGroupId, group.id), eq(units.state, 'ERROR')));
  });
  await appendBuildLog(db, buildId, `${actor.email} retried the build from step ${from?.key ?? '(none)'}`);
  await recordAudit(db, { actor, organizationId: build.organizationId, action: 'build.retry', targetType: 'build', targetId: buildId, ipAddress: meta.ip, outcome: 'success', details: { fromStep: from?.key } });
  if (!(await enqueueAfterCommit('build.run', { buildId }))) await appendBuildLog(db, buildId, QUEUE_DELAYED, { level: 'warn' });
}
