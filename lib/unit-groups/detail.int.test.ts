// The unit group read in one statement answers what its rows say, mapped field by field through
// the views (view-of.ts): units and nodes in order, the deleted ones left out, applications,
// places on the private network, the latest build and the template's work queue.
import { randomUUID } from 'node:crypto';
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { applications, builds, nodes, overlayMembers, templates, templateVersions, unitGroups, units } from '@/lib/db/schema';
import { joinOverlay } from '@/lib/overlay/membership';
import { privateNetworksOf } from '@/lib/overlay/node-networks';
import { bigUnit, failure, memberOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { getUnitGroupDetail } from './detail';
import { listUnitNodes } from './unit-nodes';
import { APPLICATION_VIEW_COLUMNS, NODE_VIEW_COLUMNS, nodeView, unitView } from './view-of';
import { UNIT_NODES_PAGE } from './views';

afterAll(closeDb);

async function versionOf(slug: string): Promise<string> {
  const [row] = await db().select({ id: templateVersions.id }).from(templateVersions).innerJoin(templates, eq(templates.id, templateVersions.templateId)).where(eq(templates.slug, slug)).limit(1);
  return row!.id;
}

/** The same answer from the rows, read with drizzle and mapped by the views, as the page had it before. */
async function fromRows(unitGroupId: string) {
  const group = (await db().query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) }))!;
  const unitRows = await db().select().from(units).where(and(eq(units.unitGroupId, unitGroupId), ne(units.state, 'DELETED'))).orderBy(asc(units.name));
  const nodeRows = await db().select(NODE_VIEW_COLUMNS).from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt))).orderBy(asc(nodes.nodeNo));
  const appRows = await db().select(APPLICATION_VIEW_COLUMNS).from(applications).orderBy(asc(applications.name));
  const networks = await privateNetworksOf(db(), nodeRows.map((n) => n.id));
  const buildRows = await db().select().from(builds).where(eq(builds.unitGroupId, unitGroupId)).orderBy(asc(builds.createdAt));
  return {
    id: group.id,
    name: group.name,
    organizationId: group.organizationId,
    state: group.state,
    stateReason: group.stateReason,
    expiresAt: group.expiresAt,
    expiredAt: group.expiredAt,
    createdAt: group.createdAt,
    updatedAt: group.updatedAt,
    buildId: buildRows.at(-1)?.id ?? null,
    units: unitRows.map((u) =>
      unitView(u, {
        // Every unit here is smaller than a page.
        items: nodeRows.filter((n) => n.unitId === u.id).map((n) => nodeView(n, appRows.filter((a) => a.nodeId === n.id), networks.get(n.id) ?? null)),
        nodeCount: nodeRows.filter((n) => n.unitId === u.id).length,
        nodesNextCursor: null,
      }),
    ),
  };
}

describe('a unit group read in one statement', () => {
  it('answers its units, nodes, applications and private network places as the rows say', async () => {
    const { organizationId, actor } = await organizationWithMember();
    const [group] = await db().insert(unitGroups).values({ organizationId, ownerId: actor.userId, name: uniqueName('detail'), state: 'RUNNING', stateReason: 'fine', expiresAt: new Date('2027-03-31T15:00:00.123Z') }).returning();
    const unitGroupId = group!.id;
    // Inserted out of order: the answer sorts units by name and nodes by number.
    const [worker, head, gone] = await db()
      .insert(units)
      .values([
        { unitGroupId, name: 'worker', role: 'worker', state: 'RUNNING', provider: 'onpremises', flavor: 'small', numNodes: 2, image: 'ocs/base:1.0', ipAddresses: ['10.1.0.7'], tags: { course: 'hpc' }, burst: { provider: 'aws', providerAccountId: null, flavor: 'large', maxNodes: 3, queue: { pendingSeconds: 60, idleSeconds: 600 }, setBy: actor.userId } },
        { unitGroupId, name: 'head', role: 'master', state: 'RUNNING', provider: 'local', flavor: 'medium', numNodes: 1, image: 'ocs/base:1.0', instanceType: 'm5.large', volumeSize: 40 },
        { unitGroupId, name: 'old', role: 'worker', state: 'DELETED', provider: 'local', flavor: 'small', numNodes: 0, image: 'ocs/base:1.0' },
      ])
      .returning();
    const node = (unitId: string, nodeNo: number, extra: Partial<typeof nodes.$inferInsert> = {}) => ({ unitId, unitGroupId, nodeNo, name: `ocs-${randomUUID()}`, provider: 'local', flavor: 'small', ...extra });
    const made = await db()
      .insert(nodes)
      .values([
        node(worker!.id, 2, { state: 'RUNNING', ipAddress: '10.1.0.8', providerResourceId: 'i-2', startedAt: new Date('2026-12-01T01:02:03.456Z'), agentVersion: '1.4.0' }),
        node(worker!.id, 1, { state: 'POWER_OFF', stateReason: 'powered off by the schedule', ipAddress: '10.1.0.7' }),
        node(worker!.id, 3, { state: 'DELETED', deletedAt: new Date() }),
        // Steady states only: rounds over every node (the reconciler, alerts) would act on the others.
        node(head!.id, 1, { state: 'RUNNING', stateReason: 'answering' }),
        node(gone!.id, 1, { state: 'DELETED', deletedAt: new Date() }),
      ])
      .returning();
    const [second, first, , headNode] = made;
    await db()
      .insert(applications)
      .values([
        { nodeId: second!.id, name: 'slurmd', image: 'ocs/slurm:23', state: 'RUNNING' },
        { nodeId: second!.id, name: 'jupyter', image: 'ocs/jupyter:4', port: 8000, url: 'http://10.1.0.8:8000/', state: 'ERROR', stateReason: 'exited 1' },
        { nodeId: headNode!.id, name: 'slurmctld', image: 'ocs/slurm:23' },
      ]);
    // Two places on the private network, one with its agent's word on its peers.
    await joinOverlay(db(), unitGroupId, first!.id);
    await joinOverlay(db(), unitGroupId, second!.id);
    await db()
      .update(overlayMembers)
      .set({ report: { state: 'up', endpoints: [], relayRegistered: true, peers: [{ nodeId: first!.id, path: 'relay' }] } })
      .where(eq(overlayMembers.nodeId, second!.id));
    const buildOf = async (templateVersionId: string, createdAt: Date) =>
      // Finished: a QUEUED one would be queued again by the reconciler, as Redis's loss.
      (await db().insert(builds).values({ organizationId, templateVersionId, createdBy: actor.userId, unitGroupId, parameters: {}, status: 'SUCCEEDED', createdAt, finishedAt: createdAt }).returning())[0]!.id;
    await buildOf(await versionOf('openhpc'), new Date('2026-11-01T00:00:00Z'));
    const latest = await buildOf(await versionOf('web-hello'), new Date('2026-11-02T00:00:00Z'));

    const detail = await getUnitGroupDetail(db(), actor, unitGroupId);
    // Its first build's template (openhpc) runs Slurm's work queue, though the latest's does not.
    expect(detail).toEqual({ ...(await fromRows(unitGroupId)), workQueue: true });
    expect(detail.buildId).toBe(latest);
    expect(detail.units.map((u) => [u.name, u.nodes.map((n) => n.nodeNo)])).toEqual([
      ['head', [1]],
      ['worker', [1, 2]],
    ]);
    const running = detail.units[1]!.nodes[1]!;
    expect(running.applications.map((a) => [a.name, a.state])).toEqual([
      ['jupyter', 'ERROR'],
      ['slurmd', 'RUNNING'],
    ]);
    expect(running.privateNetwork).toMatchObject({ state: 'up', peers: { direct: 0, relay: 1, none: 0 } });
    expect(detail.units[0]!.nodes[0]!.privateNetwork).toBeNull();
    expect(detail.expiresAt).toEqual(new Date('2027-03-31T15:00:00.123Z'));
  });

  it('carries the first page of a big unit\'s nodes; the unit\'s node pages give the rest, each once, in order', async () => {
    const organization = await organizationWithMember();
    const { actor } = organization;
    // Two deleted nodes: one in the first page, one in the second.
    const big = await bigUnit(120, [10, 60], organization);

    const [unit] = (await getUnitGroupDetail(db(), actor, big.unitGroupId)).units;
    expect(unit!.nodeCount).toBe(118);
    expect(unit!.nodes.map((n) => n.nodeNo)).toEqual(big.liveNodeNos.slice(0, UNIT_NODES_PAGE));
    expect(unit!.nodesNextCursor).not.toBeNull();

    const seen = [...unit!.nodes];
    for (let cursor = unit!.nodesNextCursor; cursor; ) {
      const page = await listUnitNodes(db(), actor, big.unitId, { cursor, limit: 30 });
      expect(page.nodes.length).toBeLessThanOrEqual(30);
      seen.push(...page.nodes);
      cursor = page.nextCursor;
    }
    expect(seen.map((n) => n.nodeNo)).toEqual(big.liveNodeNos);
    // A page shows a node as the unit group's read does.
    expect(await listUnitNodes(db(), actor, big.unitId, { limit: 200 })).toEqual({ nodes: seen, nextCursor: null });

    const viewer = await memberOf(organization.organizationId, 'viewer');
    expect((await listUnitNodes(db(), viewer, big.unitId, { limit: 1 })).nodes.map((n) => n.nodeNo)).toEqual([1]);
    const { actor: stranger } = await organizationWithMember();
    expect((await failure(listUnitNodes(db(), stranger, big.unitId, { limit: 50 }))).code).toBe('NOT_FOUND');
    const bad = await failure(listUnitNodes(db(), actor, big.unitId, { cursor: 'bm9kZSB4', limit: 50 }));
    expect(bad).toMatchObject({ code: 'INVALID_INPUT', details: { fields: { cursor: 'is not a cursor this API gave' } } });
    await big.remove();
    expect((await failure(listUnitNodes(db(), actor, big.unitId, { limit: 50 }))).code).toBe('NOT_FOUND');
  });

  it('is "not found" to another organization\'s member and once the unit group is deleted', async () => {
    const { organizationId, actor } = await organizationWithMember();
    const [group] = await db().insert(unitGroups).values({ organizationId, ownerId: actor.userId, name: uniqueName('detail'), state: 'RUNNING' }).returning();
    const viewer = await memberOf(organizationId, 'viewer');
    expect((await getUnitGroupDetail(db(), viewer, group!.id)).units).toEqual([]);
    const { actor: stranger } = await organizationWithMember();
    expect((await failure(getUnitGroupDetail(db(), stranger, group!.id))).code).toBe('NOT_FOUND');
    await db().update(unitGroups).set({ state: 'DELETED' }).where(eq(unitGroups.id, group!.id));
    expect((await failure(getUnitGroupDetail(db(), actor, group!.id))).code).toBe('NOT_FOUND');
  });
});
