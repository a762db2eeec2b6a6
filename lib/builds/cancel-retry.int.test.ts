import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { builds, buildSteps, nodes, unitGroups, units } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { NOT_CREATED, requestBuildCancel } from './cancel-build';
import { retryBuild } from './retry-build';
import { BuildFailedError, runBuild } from './run-build';
import { submitBuild } from './submit-build';

const created: string[] = [];

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

const input = (nodesWanted: number) => ({ templateSlug: 'web-hello', unitGroupName: uniqueName('steer'), provider: 'local', flavor: 'small', parameters: { nodes: nodesWanted } });
const buildRow = async (id: string) => (await db().query.builds.findFirst({ where: eq(builds.id, id) }))!;
const agentPidOf = async (node: string) => (await readFile(path.join(process.env.OCS_LOCAL_STATE_DIR!, node, 'agent.pid'), 'utf8')).trim();
const stepsOf = (id: string) => db().select().from(buildSteps).where(eq(buildSteps.buildId, id)).orderBy(buildSteps.position);

describe('steering builds', () => {
  it('retries a failed build from the failed step without redoing finished work', async () => {
    const { actor } = await organizationWithMember();
    const { buildId, unitGroupId } = await submitBuild(db(), actor, input(2));
    created.push(unitGroupId);
    // Node 2 asks for a fixed address the local provider cannot give (not a loopback one): its creation fails.
    const subnet = `127.78.${200 + Math.floor(Math.random() * 50)}`;
    const goodIp = `${subnet}.${2 + Math.floor(Math.random() * 200)}`;
    await db().update(units).set({ ipAddresses: [`${subnet}.1`, '192.0.2.7'] }).where(eq(units.unitGroupId, unitGroupId));

    await expect(runBuild(db(), buildId)).rejects.toBeInstanceOf(BuildFailedError);
    expect((await buildRow(buildId)).status).toBe('FAILED');
    let steps = await stepsOf(buildId);
    expect(steps.map((s) => s.status)).toEqual(['FAILED', 'PENDING', 'PENDING']);
    const failedNode = (await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId))).find((n) => n.nodeNo === 2);
    expect(failedNode?.state).toBe('HOST_ERROR');
    expect(failedNode?.stateReason).toBeTruthy();
    expect((await db().query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) }))?.state).toBe('ERROR');
    const firstNode = (await localResourcesOf(unitGroupId))[0]!;
    const firstAgent = await agentPidOf(firstNode.name);

    // The admin gives node 2 an address that works, and retries.
    await db().update(units).set({ ipAddresses: [`${subnet}.1`, goodIp] }).where(eq(units.unitGroupId, unitGroupId));
    await retryBuild(db(), actor, buildId);
    expect((await buildRow(buildId)).status).toBe('QUEUED');
    await runBuild(db(), buildId);
    expect((await buildRow(buildId)).status).toBe('SUCCEEDED');
    steps = await stepsOf(buildId);
    expect(steps.map((s) => [s.key, s.status, s.attempts])).toEqual([
      ['create-nodes', 'SUCCEEDED', 2],
      ['start-applications', 'SUCCEEDED', 1],
      ['wait-ready', 'SUCCEEDED', 1],
    ]);
    const resources = await localResourcesOf(unitGroupId);
    expect(resources).toHaveLength(2);
    // The node made before the failure is the same node, not a second one.
    expect(resources.map((r) => r.resourceId)).toContain(firstNode.resourceId);
    expect(await agentPidOf(firstNode.name)).toBe(firstAgent);
  });

  it('cancels a running build and tears down what it had made', async () => {
    const { actor } = await organizationWithMember();
    const { buildId, unitGroupId } = await submitBuild(db(), actor, input(5));
    created.push(unitGroupId);
    const running = runBuild(db(), buildId);
    for (let i = 0; i < 500; i++) {
      const made = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNotNull(nodes.providerResourceId)));
      if (made.length) break;
      await sleep(10);
    }
    await requestBuildCancel(db(), actor, buildId, { mode: 'teardown' });
    await running;
    expect((await buildRow(buildId)).status).toBe('CANCELLED');
    expect((await stepsOf(buildId)).some((s) => s.status === 'SKIPPED')).toBe(true);
    expect((await db().query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) }))?.state).toBe('DELETING');
    expect((await localResourcesOf(unitGroupId)).length).toBeGreaterThan(0);
    // The teardown job (run here as a worker would) removes everything the build made.
    await deleteUnitGroup(db(), unitGroupId);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(0);
  });

  it('cancels a queued build at once, keeping its unit group for the user to delete', async () => {
    const { actor } = await organizationWithMember();
    const { buildId, unitGroupId } = await submitBuild(db(), actor, input(1));
    created.push(unitGroupId);
    await requestBuildCancel(db(), actor, buildId, { mode: 'keep' });
    expect((await buildRow(buildId)).status).toBe('CANCELLED');
    const group = await db().query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
    expect(group?.state).toBe('ERROR');
    expect(group?.stateReason).toMatch(/cancelled/);
    // Its node was never made: it says so rather than booting for ever.
    expect(await db().select({ state: nodes.state, stateReason: nodes.stateReason, resource: nodes.providerResourceId }).from(nodes).where(eq(nodes.unitGroupId, unitGroupId))).toEqual([
      { state: 'HOST_ERROR', stateReason: NOT_CREATED, resource: null },
    ]);
    expect((await db().select({ state: units.state }).from(units).where(eq(units.unitGroupId, unitGroupId))).map((u) => u.state)).toEqual(['ERROR']);
    await runBuild(db(), buildId);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(0);
    const again = await requestBuildCancel(db(), actor, buildId, { mode: 'keep' }).catch((e) => e);
    expect(again.code).toBe('CONFLICT');
  });
});
