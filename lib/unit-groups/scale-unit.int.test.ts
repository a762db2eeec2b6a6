import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { requestBuildCancel } from '@/lib/builds/cancel-build';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { closeQueue } from '@/lib/jobs/queue';
import { localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { deleteUnitGroup } from './delete-unit-group';
import { requestUnitScale } from './scale-unit';

const created: string[] = [];

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

const liveNodes = (unitGroupId: string) =>
  db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt))).orderBy(nodes.nodeNo);

describe('scaling a unit', () => {
  it('adds nodes within the quota, refuses past it, and removes the highest-numbered nodes', async () => {
    const { actor } = await organizationWithMember({ maxNodes: 3 });
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('scale'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    created.push(unitGroupId);
    await runBuild(db(), buildId);
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));

    const out = await requestUnitScale(db(), actor, unit!.id, { numNodes: 3 });
    // While the change is pending the unit group is APPLYING and refuses another change.
    expect(((await requestUnitScale(db(), actor, unit!.id, { numNodes: 2 }).catch((e) => e)) as AppError).code).toBe('CONFLICT');
    await runBuild(db(), out.buildId);
    const grown = await liveNodes(unitGroupId);
    expect(grown.map((n) => [n.nodeNo, n.state])).toEqual([[1, 'RUNNING'], [2, 'RUNNING'], [3, 'RUNNING']]);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(3);
    for (const n of grown) expect((await fetch(`http://${n.ipAddress}:8080/healthz`)).status).toBe(200);
    const scaleBuild = await db().query.builds.findFirst({ where: eq(builds.id, out.buildId) });
    expect(scaleBuild?.kind).toBe('scale');
    expect(scaleBuild?.status).toBe('SUCCEEDED');

    const over = (await requestUnitScale(db(), actor, unit!.id, { numNodes: 4 }).catch((e) => e)) as AppError;
    expect(over.code).toBe('QUOTA_EXCEEDED');
    expect(await liveNodes(unitGroupId)).toHaveLength(3);

    const bad = (await requestUnitScale(db(), actor, unit!.id, { numNodes: 0 }).catch((e) => e)) as AppError;
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.details?.fields?.numNodes).toBeDefined();

    // A scale-in cancelled before it ran removes nothing: its nodes stay in service and in the count.
    const cancelled = await requestUnitScale(db(), actor, unit!.id, { numNodes: 1 });
    await requestBuildCancel(db(), actor, cancelled.buildId, { mode: 'keep' });
    expect((await liveNodes(unitGroupId)).map((n) => n.state)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);
    expect((await db().query.units.findFirst({ where: eq(units.id, unit!.id) }))?.numNodes).toBe(3);
    await db().update(unitGroups).set({ state: 'RUNNING', stateReason: null }).where(eq(unitGroups.id, unitGroupId));

    const shrink = await requestUnitScale(db(), actor, unit!.id, { numNodes: 1 });
    await runBuild(db(), shrink.buildId);
    const left = await liveNodes(unitGroupId);
    expect(left.map((n) => n.nodeNo)).toEqual([1]);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(1);
    for (const n of grown.slice(1)) await expect(fetch(`http://${n.ipAddress}:8080/healthz`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  });

  it('grows a unit of two by one, keeping both nodes it had', async () => {
    const { actor } = await organizationWithMember({ maxNodes: 3 });
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('grow'), provider: 'local', flavor: 'small', parameters: { nodes: 2 } });
    created.push(unitGroupId);
    await runBuild(db(), buildId);
    const before = await liveNodes(unitGroupId);
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
    const out = await requestUnitScale(db(), actor, unit!.id, { numNodes: 3 });
    expect((await liveNodes(unitGroupId)).map((n) => n.state)).toEqual(['RUNNING', 'RUNNING', 'BOOTING']);
    await runBuild(db(), out.buildId);
    const after = await liveNodes(unitGroupId);
    expect(after.map((n) => [n.nodeNo, n.state])).toEqual([[1, 'RUNNING'], [2, 'RUNNING'], [3, 'RUNNING']]);
    expect(after.slice(0, 2).map((n) => n.id)).toEqual(before.map((n) => n.id));
  });
});
