import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { builds, nodes, unitGroups } from '@/lib/db/schema';
import { jobId } from './definitions';
import { enqueue, jobStatus, liveJobIds } from './queue';

/** A teardown that failed for good (a node that will not go) is tried again after this long, not at once. */
export const DELETE_RETRY_AFTER_MS = 60_000;

export interface ReconcileResult {
  /** Builds, deletions and node power changes that had no live job and were queued again. */
  builds: string[];
  deletions: string[];
  powers: string[];
}

/**
 * PostgreSQL is the source of truth and Redis only carries work: every build that is QUEUED or
 * RUNNING and every unit group that is DELETING must have a live job. Those that lost theirs (Redis
 * flushed or restarted, an enqueue that failed after its commit) are queued again under their
 * deterministic ids, so the same work is never queued twice; the unit group lock keeps a job that
 * is still running somewhere from being run twice at once. A teardown that failed for good is
 * tried again every minute until its nodes are gone.
 */
export async function reconcileQueue(db: Database): Promise<ReconcileResult> {
  const result: ReconcileResult = { builds: [], deletions: [], powers: [] };
  const openBuilds = await db.select({ id: builds.id }).from(builds).where(inArray(builds.status, ['QUEUED', 'RUNNING']));
  // One read of the queue instead of one per record. A job moving between lists while it is read
  // may be missed; queueing it again under its id is then a no-op.
  const live = await liveJobIds();
  for (const { id } of openBuilds) {
    if (live.has(jobId('build.run', { buildId: id }))) continue;
    await enqueue('build.run', { buildId: id });
    result.builds.push(id);
  }
  const deleting = await db.select({ id: unitGroups.id }).from(unitGroups).where(eq(unitGroups.state, 'DELETING'));
  for (const { id } of deleting) {
    if (live.has(jobId('unitGroup.delete', { unitGroupId: id }))) continue;
    const { failedAt } = await jobStatus('unitGroup.delete', { unitGroupId: id });
    if (failedAt && Date.now() - failedAt < DELETE_RETRY_AFTER_MS) continue;
    await enqueue('unitGroup.delete', { unitGroupId: id });
    result.deletions.push(id);
  }
  // In a built unit group, SHUTTING_DOWN and BOOTING are a power off or on under way (a build's own BOOTING nodes are in an APPLYING group).
  const powering = await db
    .select({ id: nodes.id, state: nodes.state })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(isNull(nodes.deletedAt), inArray(nodes.state, ['SHUTTING_DOWN', 'BOOTING']), inArray(unitGroups.state, ['RUNNING', 'ERROR'])));
  for (const { id, state } of powering) {
    const payload = { nodeId: id, action: state === 'SHUTTING_DOWN' ? ('off' as const) : ('on' as const) };
    if (live.has(jobId('node.power', payload))) continue;
    await enqueue('node.power', payload);
    result.powers.push(`${id} ${payload.action}`);
  }
  return result;
}
