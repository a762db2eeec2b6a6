import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { buildSteps, builds, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
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

  it('puts a role in the account the form chose, and its nodes record it', async () => {
    const { actor, organizationId } = await organizationWithMember({ maxNodes: 5 });
    const account = (name: string, isDefault: boolean) =>
      addProviderAccount(db(), actor, organizationId, {
        provider: 'aws',
        name,
        region: 'ap-northeast-1',
        isDefault,
        network: { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' },
        credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
      });
    const lab = await account('lab-aws', true);
    const grant = await account('grant-aws', false);
    const input = { templateSlug: 'web-hello', provider: 'aws', organizationId, parameters: { nodes: 2 } };
    expect((await previewBuild(db(), actor, input)).units.map((u) => u.account)).toEqual([{ id: lab.id, name: 'lab-aws' }]);
    const submitted = await submitBuild(db(), actor, { ...input, unitGroupName: uniqueName('grant'), accountByRole: { web: grant.id } });
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, submitted.unitGroupId));
    expect(unit!.providerAccountId).toBe(grant.id);
    expect((await db().select().from(nodes).where(eq(nodes.unitId, unit!.id))).map((n) => n.providerAccountId)).toEqual([grant.id, grant.id]);
    // Never run, so nothing is on AWS: its records go without asking AWS.
    await markBuildCancelled(db(), submitted.buildId, 'test finished');
    await db().update(nodes).set({ state: 'DELETED', deletedAt: new Date() }).where(eq(nodes.unitId, unit!.id));
    await db().update(unitGroups).set({ state: 'DELETED', deletedAt: new Date() }).where(eq(unitGroups.id, submitted.unitGroupId));
  });
});
