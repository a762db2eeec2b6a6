// The VCP SDK's model on the local provider: an empty unit group, units made from specs, their
// addresses, one unit deleted and the group cleaned up, each with real agent processes.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, nodes, unitGroups, units } from '@/lib/db/schema';
import type { AppError } from '@/lib/errors';
import { closeQueue } from '@/lib/jobs/queue';
import { localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { createUnit } from './create-unit';
import { createUnitGroup } from './create-unit-group';
import { deleteUnitGroup } from './delete-unit-group';
import { requestUnitDeletion } from './delete-units';
import { getUnitGroupDetail } from './detail';
import { findIpAddresses } from './queries';

const created: string[] = [];

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

const refusal = (p: Promise<unknown>) => p.then(() => null, (e: AppError) => e);
const answers = async (ip: string, port: number) => (await fetch(`http://${ip}:${port}/`, { signal: AbortSignal.timeout(3000) })).status;

describe('units from specs', () => {
  it('runs a spec\'s units in an empty unit group, finds their addresses, deletes one and cleans up', async () => {
    const { actor } = await organizationWithMember({ maxNodes: 4 });
    const name = uniqueName('vcp');
    const { unitGroupId, buildId: made } = await createUnitGroup(db(), actor, { name });
    created.push(unitGroupId);
    expect((await db().query.builds.findFirst({ where: eq(builds.id, made) }))?.status).toBe('SUCCEEDED');
    const empty = await getUnitGroupDetail(db(), actor, unitGroupId);
    expect(empty).toMatchObject({ name, state: 'RUNNING', units: [] });
    expect((await refusal(createUnitGroup(db(), actor, { name })))?.details?.fields?.name).toContain('already used');

    const web = await createUnit(db(), actor, unitGroupId, { name: 'web', spec: { provider: 'local', numNodes: 2 } });
    expect((await refusal(createUnit(db(), actor, unitGroupId, { name: 'other', spec: { provider: 'local' } })))?.code).toBe('CONFLICT');
    await runBuild(db(), web.buildId);
    const ips = await findIpAddresses(db(), actor, unitGroupId, { nodeState: 'RUNNING' });
    expect(ips).toHaveLength(2);
    for (const ip of ips) expect(await answers(ip, 8080)).toBe(200);

    // Its own port and environment: the second unit's nodes listen where its spec says.
    const api = await createUnit(db(), actor, unitGroupId, { name: 'api', spec: { provider: 'local', numNodes: 1, port: 8081, environment: ['GREETING=hello'], tags: { course: 'ml101' } } });
    await runBuild(db(), api.buildId);
    const [apiIp] = await findIpAddresses(db(), actor, unitGroupId, { nodeState: 'RUNNING', unit: 'api' });
    expect(await answers(apiIp!, 8081)).toBe(200);
    expect(await findIpAddresses(db(), actor, unitGroupId, { nodeState: 'RUNNING' })).toHaveLength(3);
    expect((await db().query.units.findFirst({ where: eq(units.id, api.unitId) }))?.tags).toEqual({ course: 'ml101' });

    // Past the quota (4) nothing is recorded.
    expect((await refusal(createUnit(db(), actor, unitGroupId, { name: 'big', spec: { provider: 'local', numNodes: 2 } })))?.code).toBe('QUOTA_EXCEEDED');
    expect(await db().select().from(units).where(and(eq(units.unitGroupId, unitGroupId), eq(units.name, 'big')))).toEqual([]);

    const gone = await requestUnitDeletion(db(), actor, { unitId: web.unitId });
    await runBuild(db(), gone.buildId);
    expect((await db().query.units.findFirst({ where: eq(units.id, web.unitId) }))?.state).toBe('DELETED');
    for (const ip of ips) await expect(answers(ip, 8080)).rejects.toThrow();
    expect(await findIpAddresses(db(), actor, unitGroupId, {})).toEqual([apiIp]);
    expect((await getUnitGroupDetail(db(), actor, unitGroupId)).units.map((u) => u.name)).toEqual(['api']);

    // The name is free again.
    const again = await createUnit(db(), actor, unitGroupId, { name: 'web', spec: { provider: 'local', numNodes: 1 } });
    await runBuild(db(), again.buildId);
    expect(await findIpAddresses(db(), actor, unitGroupId, { nodeState: 'RUNNING' })).toHaveLength(2);

    const cleanup = await requestUnitDeletion(db(), actor, { unitGroupId });
    await runBuild(db(), cleanup.buildId);
    const after = await getUnitGroupDetail(db(), actor, unitGroupId);
    expect(after).toMatchObject({ state: 'RUNNING', units: [] });
    expect(await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)))).toEqual([]);
    expect(await localResourcesOf(unitGroupId)).toEqual([]);
    expect((await refusal(requestUnitDeletion(db(), actor, { unitGroupId })))?.code).toBe('CONFLICT');
  });

  it('names the spec field it refuses', async () => {
    const { actor } = await organizationWithMember();
    const { unitGroupId } = await createUnitGroup(db(), actor, { name: uniqueName('vcp-bad') });
    created.push(unitGroupId);
    const field = async (spec: Record<string, unknown>) => Object.keys((await refusal(createUnit(db(), actor, unitGroupId, { name: 'u', spec })))?.details?.fields ?? {});
    expect(await field({ provider: 'nowhere' })).toEqual(['spec.provider']);
    expect(await field({ provider: 'local', flavor: 'huge' })).toEqual(['spec.flavor']);
    expect(await field({ provider: 'local', numNodes: 0 })).toEqual(['spec.numNodes']);
    expect(await field({ provider: 'local', image: 'Not An Image!' })).toEqual(['spec.image']);
    expect(await field({ provider: 'local', port: 70000 })).toEqual(['spec.port']);
    expect(await field({ provider: 'local', sshPublicKey: 'ssh-rsa nonsense' })).toEqual(['spec.sshPublicKey']);
    expect(await field({ provider: 'aws' })).toEqual(['spec.provider']);
    expect(await db().select().from(units).where(eq(units.unitGroupId, unitGroupId))).toEqual([]);
    expect((await db().query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) }))?.state).toBe('RUNNING');
  });

  it('adds units from specs only where the spec template\'s application can run them', async () => {
    const { actor } = await organizationWithMember();
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('vcp-tpl'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    created.push(unitGroupId);
    await runBuild(db(), buildId);
    expect((await refusal(createUnit(db(), actor, unitGroupId, { name: 'extra', spec: { provider: 'local' } })))?.code).toBe('CONFLICT');
  });
});
