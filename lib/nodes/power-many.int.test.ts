// Powering a whole unit or unit group on the local provider, with real agents and applications:
// one build of kind "power" whose log names each node; the applications stop and come back; a
// second request with nothing left to do, and one on a provider that cannot power nodes, are refused.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { requestBuildCancel } from '@/lib/builds/cancel-build';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, buildLogs, builds, nodes, unitGroups, units } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { failure, nodeRecords, organizationWithMember, uniqueName } from '@/test/fixtures';
import { requestPower } from './power-many';

let actor: Actor;
let organizationId: string;
let unitGroupId: string;
let unitId: string;

const liveNodes = () => db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt))).orderBy(nodes.nodeNo);
const answers = async (ip: string | null) => (await fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.status === 200;

async function run(buildId: string): Promise<string[]> {
  await runBuild(db(), buildId);
  const [build] = await db().select().from(builds).where(eq(builds.id, buildId));
  expect(build, build!.error ?? '').toMatchObject({ kind: 'power', status: 'SUCCEEDED' });
  return (await db().select().from(buildLogs).where(eq(buildLogs.buildId, buildId)).orderBy(buildLogs.id)).map((l) => l.message);
}

beforeAll(async () => {
  ({ actor, organizationId } = await organizationWithMember());
  const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('power'), provider: 'local', flavor: 'small', organizationId, parameters: { nodes: 2 } });
  unitGroupId = submitted.unitGroupId;
  await runBuild(db(), submitted.buildId);
  const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
  unitId = unit!.id;
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId);
  await closeQueue();
  await closeDb();
});

describe('powering a unit or a unit group', { timeout: 120_000 }, () => {
  it('powers off every node of a unit in one build whose log names each', async () => {
    const before = await liveNodes();
    const { buildId } = await requestPower(db(), actor, { unitId }, { action: 'off' });
    expect((await liveNodes()).map((n) => n.state)).toEqual(['SHUTTING_DOWN', 'SHUTTING_DOWN']);
    expect((await db().select().from(unitGroups).where(eq(unitGroups.id, unitGroupId)))[0]!.state).toBe('APPLYING');
    const log = await run(buildId);
    for (const n of before) expect(log).toContain(`node ${n.nodeNo} (${n.ipAddress}) powered off`);
    expect((await liveNodes()).map((n) => n.state)).toEqual(['POWER_OFF', 'POWER_OFF']);
    for (const n of before) expect(await answers(n.ipAddress)).toBe(false);
    expect((await db().select().from(unitGroups).where(eq(unitGroups.id, unitGroupId)))[0]!.state).toBe('RUNNING');
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unit.powerOff'), eq(auditEvents.targetId, unitId)));
    expect(audit).toMatchObject({ outcome: 'success', details: expect.objectContaining({ nodes: [1, 2], buildId }) });
  });

  it('refuses when nothing is left to do, naming why', async () => {
    const refused = await failure(requestPower(db(), actor, { unitId }, { action: 'off' }));
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { fields: { action: 'no node is RUNNING or CONTAINER_ERROR or HOST_ERROR' } } });
    expect((await failure(requestPower(db(), actor, { unitId }, { action: 'sideways' }))).details?.fields).toEqual({ action: 'must be "off" or "on"' });
  });

  it('leaves the nodes as they were when the power change is cancelled before it ran', async () => {
    const { buildId } = await requestPower(db(), actor, { unitGroupId }, { action: 'on' });
    await requestBuildCancel(db(), actor, buildId, { mode: 'keep' });
    expect((await liveNodes()).map((n) => n.state)).toEqual(['POWER_OFF', 'POWER_OFF']);
    expect((await db().select().from(builds).where(eq(builds.id, buildId)))[0]!.status).toBe('CANCELLED');
    await db().update(unitGroups).set({ state: 'RUNNING', stateReason: null }).where(eq(unitGroups.id, unitGroupId));
  });

  it('powers the whole unit group on again: the applications answer', async () => {
    const { buildId } = await requestPower(db(), actor, { unitGroupId }, { action: 'on' });
    await run(buildId);
    const after = await liveNodes();
    expect(after.map((n) => n.state)).toEqual(['RUNNING', 'RUNNING']);
    for (const n of after) expect(await answers(n.ipAddress)).toBe(true);
  });

  it('powers only the nodes a selector names (power_off_nodes(node_no=…, ip_address=…)), naming one that is not there', async () => {
    const [first, second] = await liveNodes();
    const off = await requestPower(db(), actor, { unitId }, { action: 'off', nodeNos: [2] });
    await run(off.buildId);
    expect((await liveNodes()).map((n) => n.state)).toEqual(['RUNNING', 'POWER_OFF']);
    expect(await answers(first!.ipAddress)).toBe(true);
    expect(await answers(second!.ipAddress)).toBe(false);
    expect((await failure(requestPower(db(), actor, { unitId }, { action: 'on', nodeNos: [7] }))).details?.fields).toEqual({ nodeNos: 'no live node of this unit has 7' });
    expect((await failure(requestPower(db(), actor, { unitGroupId }, { action: 'on', nodeNos: [2] }))).details?.fields).toHaveProperty('nodeNos');
    const on = await requestPower(db(), actor, { unitGroupId }, { action: 'on', ipAddresses: [second!.ipAddress!] });
    await run(on.buildId);
    expect((await liveNodes()).map((n) => n.state)).toEqual(['RUNNING', 'RUNNING']);
    expect(await answers(second!.ipAddress)).toBe(true);
  });

  it('leaves alone what a provider cannot power, and refuses when that is all', async () => {
    const [spot] = await nodeRecords(1, { provider: 'aws_spot', organization: { organizationId, actor } });
    const refused = await failure(requestPower(db(), actor, { unitId: spot!.unitId }, { action: 'off' }));
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { fields: { action: 'not possible on aws_spot' } } });
    expect((await db().select().from(nodes).where(eq(nodes.id, spot!.id)))[0]!.state).toBe('RUNNING');
  });
});
