import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { buildSteps, builds, nodes, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { markBuildCancelled } from './state';
import { previewBuild } from './plan-build';
import { submitBuild } from './submit-build';

const created: { buildId: string; unitGroupId: string }[] = [];

afterAll(async () => {
  for (const c of created) {
    await markBuildCancelled(db(), c.buildId, 'test finished');
    await deleteUnitGroup(db(), c.unitGroupId);
  }
  await closeQueue();
  await closeDb();
});

describe('plan preview', () => {
  it('shows the units, quota use and cost, and submit records exactly that', async () => {
    const { actor } = await organizationWithMember({ maxNodes: 5 });
    const input = { templateSlug: 'web-hello', provider: 'local', flavor: 'medium', parameters: { nodes: '3' } };
    const plan = await previewBuild(db(), actor, input);
    expect(plan.units.map((u) => [u.name, u.provider, u.flavor, u.numNodes])).toEqual([['web', 'local', 'medium', 3]]);
    expect(plan.quota?.total).toMatchObject({ limit: 5, inUse: 0, adding: 3, after: 3, exceeds: false });
    expect(plan.cost.hourly).toBe(0);
    expect(plan.canSubmit).toBe(true);

    const ids = await submitBuild(db(), actor, { ...input, unitGroupName: uniqueName('planned') });
    created.push(ids);
    const unitRows = await db().select().from(units).where(eq(units.unitGroupId, ids.unitGroupId));
    expect(unitRows.map((u) => [u.name, u.provider, u.flavor, u.numNodes])).toEqual(plan.units.map((u) => [u.name, u.provider, u.flavor, u.numNodes]));
    expect(await db().select().from(nodes).where(eq(nodes.unitGroupId, ids.unitGroupId))).toHaveLength(3);
    const steps = await db().select().from(buildSteps).where(eq(buildSteps.buildId, ids.buildId)).orderBy(buildSteps.position);
    expect(steps.map((s) => [s.key, s.action])).toEqual(plan.steps.map((s) => [s.key, s.action]));
    const build = await db().query.builds.findFirst({ where: eq(builds.id, ids.buildId) });
    expect(build?.parameters).toEqual({ nodes: 3 });

    // With 3 of 5 nodes in use, the next plan says a 3-node build would exceed the quota.
    const next = await previewBuild(db(), actor, input);
    expect(next.quota?.total).toMatchObject({ inUse: 3, after: 6, exceeds: true });
    expect(next.canSubmit).toBe(false);
    expect(((await submitBuild(db(), actor, { ...input, unitGroupName: uniqueName('over') }).catch((e) => e)) as AppError).code).toBe('QUOTA_EXCEEDED');
  });

  it('names the parameter that is wrong, and refuses a template the local machine cannot run', async () => {
    const { actor } = await organizationWithMember();
    const bad = (await previewBuild(db(), actor, { templateSlug: 'web-hello', provider: 'local', parameters: { nodes: 0 } }).catch((e) => e)) as AppError;
    expect(bad.code).toBe('INVALID_INPUT');
    expect(Object.keys(bad.details?.fields ?? {})).toEqual(['parameters.nodes']);
    const moodle = (await previewBuild(db(), actor, { templateSlug: 'moodle', provider: 'local', parameters: { adminEmail: 'admin@demo-univ.ac.jp' } }).catch((e) => e)) as AppError;
    expect(moodle.code).toBe('INVALID_INPUT');
    expect(moodle.details?.fields?.provider).toMatch(/local/);
  });
});
