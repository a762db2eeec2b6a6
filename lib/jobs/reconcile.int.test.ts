import { Queue } from 'bullmq';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, unitGroups } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { QUEUE_NAME } from './definitions';
import { closeQueue } from './queue';
import { reconcileQueue } from './reconcile';

// No worker runs here: what the reconciler queues stays in the queue to be looked at.
process.env.OCS_QUEUE_PREFIX = `${process.env.OCS_QUEUE_PREFIX}-reconcile`;
let inspect: Queue;
const made: { buildIds: string[]; unitGroupIds: string[] } = { buildIds: [], unitGroupIds: [] };

beforeAll(() => {
  inspect = new Queue(QUEUE_NAME, { prefix: env().OCS_QUEUE_PREFIX, connection: { url: env().REDIS_URL } });
});

afterAll(async () => {
  // Nothing was built: end the records, so the workers of later test files have nothing to pick up.
  if (made.buildIds.length) await db().update(builds).set({ status: 'CANCELLED' }).where(inArray(builds.id, made.buildIds));
  if (made.unitGroupIds.length) await db().update(unitGroups).set({ state: 'DELETED' }).where(inArray(unitGroups.id, made.unitGroupIds));
  await inspect.obliterate({ force: true });
  await inspect.close();
  await closeQueue();
  await closeDb();
});

describe('the reconciler', () => {
  it('queues again, once, the builds and deletions Redis lost', async () => {
    const { actor } = await organizationWithMember({ maxNodes: 10 });
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('lost'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    const deleting = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('lost-delete'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    made.buildIds.push(buildId, deleting.buildId);
    made.unitGroupIds.push(unitGroupId, deleting.unitGroupId);
    await db().update(unitGroups).set({ state: 'DELETING' }).where(eq(unitGroups.id, deleting.unitGroupId));
    expect(await inspect.getJobState(`build-${buildId}`)).toBe('waiting');

    await inspect.obliterate({ force: true });
    expect(await inspect.getJobState(`build-${buildId}`)).toBe('unknown');

    const first = await reconcileQueue(db());
    expect(first.builds).toEqual(expect.arrayContaining([buildId, deleting.buildId]));
    expect(first.deletions).toContain(deleting.unitGroupId);
    expect(await inspect.getJobState(`build-${buildId}`)).toBe('waiting');
    expect(await inspect.getJobState(`unit-group-delete-${deleting.unitGroupId}`)).toBe('waiting');

    // Everything has a live job now: a second pass (or another worker's) queues nothing twice.
    const second = await reconcileQueue(db());
    expect(second).toEqual({ builds: [], deletions: [], powers: [] });
    expect(await inspect.getJobCounts('waiting')).toEqual({ waiting: first.builds.length + first.deletions.length });
  });
});
