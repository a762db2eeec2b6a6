import { and, asc, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { builds, buildSteps, unitGroups, units, type BuildOutput } from '@/lib/db/schema';
import { safeErrorMessage } from '@/lib/errors';
import { sealOutputs } from '@/lib/secrets/build-secrets';
import { renderOutputs } from '@/lib/templates/render';
import { withUnitGroupLock } from '@/lib/unit-groups/lock';
import { recordBuildEvent } from '@/lib/webhooks/domain-events';
import { appendBuildLog } from './log';
import { STEP_RUNNERS } from './provision-steps';
import { markBuildCancelled, markBuildFailed } from './state';
import { finishCancelledBuild } from './cancel-build';
import { BuildCancelledError, BuildFailedError, StepError, isRetryable } from './step-error';
import { groupRuntime, loadTemplateRuntime } from './template-runtime';

export interface Attempt {
  /** 1-based attempt number of the queue job running this build. */
  number: number;
  max: number;
}

const TERMINAL = new Set(['SUCCEEDED', 'FAILED', 'CANCELLED']);
/** A step started this often without finishing keeps killing its worker (or never gets to run): the build fails. */
export const MAX_STEP_STARTS = 10;

/**
 * Runs a build's steps in order, skipping the ones already finished, so running it twice or
 * after a killed worker resumes instead of repeating. Throws BuildFailedError once the build is
 * FAILED for good, and the original error when another attempt may succeed.
 */
export async function runBuild(db: Database, buildId: string, attempt: Attempt = { number: 1, max: 1 }): Promise<void> {
  const first = await db.query.builds.findFirst({ where: eq(builds.id, buildId) });
  if (!first || TERMINAL.has(first.status)) return;
  if (!first.unitGroupId) return markBuildCancelled(db, buildId, 'its unit group no longer exists');

  await withUnitGroupLock(first.unitGroupId, async (hold) => {
    const build = (await db.query.builds.findFirst({ where: eq(builds.id, buildId) }))!;
    if (TERMINAL.has(build.status)) return;
    const unitGroupId = first.unitGroupId!;
    const runtime = await loadTemplateRuntime(db, unitGroupId, build.templateVersionId);
    await db
      .update(builds)
      .set({ status: 'RUNNING', startedAt: sql`coalesce(${builds.startedAt}, now())`, updatedAt: sql`now()` })
      .where(eq(builds.id, buildId));

    const steps = await db.select().from(buildSteps).where(eq(buildSteps.buildId, buildId)).orderBy(asc(buildSteps.position));
    // Steps ask this between nodes: a build whose lock is gone stops there, as another worker may take over.
    const cancelRequested = async () => {
      hold.assertHeld();
      return !!(await db.query.builds.findFirst({ where: eq(builds.id, buildId), columns: { cancelRequestedAt: true } }))?.cancelRequestedAt;
    };
    for (const step of steps) {
      if (step.status === 'SUCCEEDED' || step.status === 'SKIPPED') continue;
      if (await cancelRequested()) return finishCancelledBuild(db, buildId);
      const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
      if (!group || group.state === 'DELETING' || group.state === 'DELETED') {
        await markBuildCancelled(db, buildId, 'its unit group is being deleted');
        return;
      }
      if (step.attempts >= MAX_STEP_STARTS) {
        const reason = `step ${step.key} was started ${step.attempts} times without finishing (its worker kept stopping)`;
        await markBuildFailed(db, buildId, reason, step.key);
        throw new BuildFailedError(reason);
      }
      const startedAt = Date.now();
      await db
        .update(buildSteps)
        .set({ status: 'RUNNING', attempts: sql`${buildSteps.attempts} + 1`, startedAt: sql`now()`, finishedAt: null, error: null })
        .where(eq(buildSteps.id, step.id));
      await appendBuildLog(db, buildId, `step ${step.key} started${step.attempts ? ` (attempt ${step.attempts + 1})` : ''}`, { stepKey: step.key });
      try {
        const run = STEP_RUNNERS[step.action];
        if (!run) throw new StepError(`step ${step.key} has an unknown action "${step.action}"`, false);
        await run({ db, buildId, unitGroupId, runtime, stepKey: step.key, applications: step.applications, cancelRequested, assertHeld: hold.assertHeld });
      } catch (e) {
        // Without the lock nothing more may be written, whatever failed: the step stays RUNNING and the next run resumes it.
        if (hold.signal.aborted) throw hold.signal.reason;
        if (e instanceof BuildCancelledError) return finishCancelledBuild(db, buildId);
        const reason = runtime.redact(safeErrorMessage(e));
        if (isRetryable(e) && attempt.number < attempt.max) {
          await db.update(buildSteps).set({ status: 'PENDING', error: reason }).where(eq(buildSteps.id, step.id));
          await appendBuildLog(db, buildId, `step ${step.key} failed, will retry: ${reason}`, { stepKey: step.key, level: 'warn' });
          // The job's failure (kept in Redis, printed by the worker) carries the masked reason only.
          throw new StepError(reason, true);
        }
        await markBuildFailed(db, buildId, `step ${step.key} failed: ${reason}`, step.key);
        throw new BuildFailedError(reason);
      }
      await db.update(buildSteps).set({ status: 'SUCCEEDED', finishedAt: sql`now()` }).where(eq(buildSteps.id, step.id));
      await appendBuildLog(db, buildId, `step ${step.key} finished in ${((Date.now() - startedAt) / 1000).toFixed(1)}s`, { stepKey: step.key });
    }

    hold.assertHeld();
    const rendered: BuildOutput[] = await renderOutputs(runtime.definition, runtime.values, await groupRuntime(db, unitGroupId, runtime.secrets));
    // Generated credentials belong to the build that made the unit group; a later change shows none again.
    const outputs = build.kind === 'create' ? rendered : rendered.filter((o) => o.kind !== 'secret');
    await db.transaction(async (tx) => {
      await tx.update(builds).set({ status: 'SUCCEEDED', ...sealOutputs(buildId, outputs), finishedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(builds.id, buildId));
      // Units a build deleted (their nodes are gone) end; the others run.
      await tx.update(units).set({ state: 'DELETED', updatedAt: sql`now()` }).where(and(eq(units.unitGroupId, unitGroupId), eq(units.state, 'DELETING')));
      await tx
        .update(units)
        .set({ state: 'RUNNING', updatedAt: sql`now()` })
        .where(and(eq(units.unitGroupId, unitGroupId), ne(units.state, 'DELETED')));
      await tx
        .update(unitGroups)
        .set({ state: 'RUNNING', stateReason: null, updatedAt: sql`now()` })
        .where(and(eq(unitGroups.id, unitGroupId), eq(unitGroups.state, 'APPLYING')));
      await recordBuildEvent(tx, buildId, 'build.succeeded');
    });
    await appendBuildLog(db, buildId, 'build succeeded');
  });
}

export { BuildFailedError };
