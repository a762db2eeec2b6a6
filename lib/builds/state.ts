import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { builds, buildSteps, unitGroups, units } from '@/lib/db/schema';
import { appendBuildLog } from './log';

/** Ends a build as FAILED and puts its unit group in ERROR, so the failure is visible everywhere. */
export async function markBuildFailed(db: Database, buildId: string, reason: string, stepKey?: string): Promise<void> {
  let ended = false;
  await db.transaction(async (tx) => {
    const [build] = await tx
      .update(builds)
      .set({ status: 'FAILED', error: reason, finishedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(builds.id, buildId), inArray(builds.status, ['QUEUED', 'RUNNING'])))
      .returning();
    ended = !!build;
    if (stepKey) {
      await tx
        .update(buildSteps)
        .set({ status: 'FAILED', error: reason, finishedAt: sql`now()` })
        .where(and(eq(buildSteps.buildId, buildId), eq(buildSteps.key, stepKey)));
    }
    if (build?.unitGroupId) {
      await tx
        .update(unitGroups)
        .set({ state: 'ERROR', stateReason: reason, updatedAt: sql`now()` })
        .where(and(eq(unitGroups.id, build.unitGroupId), eq(unitGroups.state, 'APPLYING')));
      await tx
        .update(units)
        .set({ state: 'ERROR', updatedAt: sql`now()` })
        .where(and(eq(units.unitGroupId, build.unitGroupId), eq(units.state, 'BOOTING')));
    }
  });
  // Said once: a build that had already ended gets no second line.
  if (ended) await appendBuildLog(db, buildId, `build failed: ${reason}`, { stepKey, level: 'error' });
}

/** A build whose unit group is being deleted stops where it is. */
export async function markBuildCancelled(db: Database, buildId: string, reason: string): Promise<void> {
  const changed = await db
    .update(builds)
    .set({ status: 'CANCELLED', error: reason, finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(builds.id, buildId), inArray(builds.status, ['QUEUED', 'RUNNING'])))
    .returning({ id: builds.id });
  if (changed.length) await appendBuildLog(db, buildId, `build cancelled: ${reason}`, { level: 'warn' });
}
