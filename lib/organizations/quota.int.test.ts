import { and, eq, inArray, isNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { markBuildCancelled } from '@/lib/builds/state';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, nodes, unitGroups } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { organizationWithMember, uniqueName } from '@/test/fixtures';

const submitted: { buildId: string; unitGroupId: string }[] = [];

afterAll(async () => {
  // Nothing was provisioned; end the queued builds so no worker picks them up later.
  for (const s of submitted) {
    await markBuildCancelled(db(), s.buildId, 'test finished');
    await deleteUnitGroup(db(), s.unitGroupId);
  }
  await closeQueue();
  await closeDb();
});

const build = (nodesWanted: number) => ({ templateSlug: 'web-hello', unitGroupName: uniqueName('q'), provider: 'local', flavor: 'small', parameters: { nodes: nodesWanted } });

describe('node quotas', () => {
  it('lets 50 concurrent one-node submissions against a quota of 10 create exactly 10 nodes', async () => {
    const { organizationId, actor } = await organizationWithMember({ maxNodes: 10 });
    const results = await Promise.allSettled(Array.from({ length: 50 }, () => submitBuild(db(), actor, build(1))));
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of ok) submitted.push((r as PromiseFulfilledResult<{ buildId: string; unitGroupId: string }>).value);
    expect(ok).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect((r.reason as AppError).code).toBe('QUOTA_EXCEEDED');
    }
    const groups = await db().select({ id: unitGroups.id }).from(unitGroups).where(eq(unitGroups.organizationId, organizationId));
    const live = await db().select().from(nodes).where(and(inArray(nodes.unitGroupId, groups.map((g) => g.id)), isNull(nodes.deletedAt)));
    expect(live).toHaveLength(10);
    expect(groups).toHaveLength(10);
  });

  it('refuses a build over the per-provider limit, naming the nodes field, and records nothing', async () => {
    const { organizationId, actor } = await organizationWithMember({ maxNodes: 10, maxNodesPerProvider: { local: 3 } });
    const error = (await submitBuild(db(), actor, build(4)).catch((e) => e)) as AppError;
    expect(error.code).toBe('QUOTA_EXCEEDED');
    expect(error.details?.fields?.nodes).toMatch(/at most 3 more/);
    expect(await db().select().from(builds).where(eq(builds.organizationId, organizationId))).toHaveLength(0);
    submitted.push(await submitBuild(db(), actor, build(3)));
    expect(((await submitBuild(db(), actor, build(1)).catch((e) => e)) as AppError).code).toBe('QUOTA_EXCEEDED');
  });

  it('frees quota once a unit group is deleted', async () => {
    const { actor } = await organizationWithMember({ maxNodes: 2 });
    const first = await submitBuild(db(), actor, build(2));
    expect(((await submitBuild(db(), actor, build(1)).catch((e) => e)) as AppError).code).toBe('QUOTA_EXCEEDED');
    await markBuildCancelled(db(), first.buildId, 'test');
    await deleteUnitGroup(db(), first.unitGroupId);
    submitted.push(await submitBuild(db(), actor, build(2)));
  });
});
