// The TypeScript SDK against the portal's real handlers and worker on the local provider: the OCS
// notebook flow, with the real agent processes checked after each step; typed errors; a wait
// that times out and is taken up again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { startApiPortal, type ApiPortal } from '@/test/api-portal';
import { bigUnit, localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { answersHttp, notebookFlowBySdk, type FlowStep } from '@/test/notebook-flow';
import { OcsApiError, OcsClient, OcsTimeoutError } from './src/index';

let portal: ApiPortal;
let client: OcsClient;
let organization: Awaited<ReturnType<typeof organizationWithMember>>;

beforeAll(async () => {
  portal = await startApiPortal();
  organization = await organizationWithMember({ maxNodes: 10 });
  const { actor, organizationId } = organization;
  const { secret } = await issueToken(db(), actor, organizationId, { userId: actor.userId, note: 'sdk', role: 'fullaccess' });
  client = new OcsClient({ url: portal.url, token: secret, pollMs: 100 });
});

afterAll(async () => {
  await portal?.close();
  await closeQueue();
  await closeDb();
});

describe('the TypeScript SDK', { timeout: 240_000 }, () => {
  it('runs the OCS notebook flow: what answers is what the API says', async () => {
    const steps: string[] = [];
    await notebookFlowBySdk(client, uniqueName('sdk'), async (s: FlowStep) => {
      steps.push(s.step);
      const machines = await localResourcesOf(s.unitGroupId);
      const ug = await client.getUnitGroupById(s.unitGroupId);
      const live = ug.units.flatMap((u) => u.nodes);
      expect(machines.length, `${s.step}: machines`).toBe(live.length);
      for (const ip of s.running) expect(await answersHttp(ip), `${s.step}: ${ip} answers`).toBe(true);
      for (const ip of s.silent) expect(await answersHttp(ip), `${s.step}: ${ip} is silent`).toBe(false);
    });
    expect(steps).toEqual(['create_unit', 'add_nodes', 'power_off_nodes', 'power_on_nodes', 'delete_nodes', 'cleanup']);
  });

  it('reads every node of a unit bigger than the unit group\'s read carries, a page at a time', async () => {
    const big = await bigUnit(120, [10, 60], organization);
    const ug = await client.getUnitGroupById(big.unitGroupId);
    expect(ug.units[0]!.nodes.map((n) => n.nodeNo)).toEqual(big.liveNodeNos);
    expect((await ug.nodes()).map((n) => n.nodeNo)).toEqual(big.liveNodeNos);
    await big.remove();
  });

  it('throws typed errors naming the field, and takes up a wait that timed out', async () => {
    const name = uniqueName('sdk-wait');
    const ug = await client.createUnitGroup(name);
    const taken = await client.createUnitGroup(name).catch((e: unknown) => e);
    expect(taken).toBeInstanceOf(OcsApiError);
    expect(taken).toMatchObject({ status: 400, code: 'INVALID_INPUT', fields: { name: expect.stringContaining('already used') } });
    expect(await ug.createUnit('u', { provider: 'nowhere' }).catch((e: OcsApiError) => e.fields)).toHaveProperty(['spec.provider']);

    const timedOut = (await ug.createUnit('web', { provider: 'local', numNodes: 1 }, { timeoutMs: 1 }).catch((e: unknown) => e)) as OcsTimeoutError;
    expect(timedOut).toBeInstanceOf(OcsTimeoutError);
    // The unit is there by name, and its build can be waited on again.
    expect((await (await client.getUnitGroup(name))!.getUnit('web'))?.name).toBe('web');
    expect((await client.builds.wait(timedOut.buildId)).status).toBe('SUCCEEDED');
    const [ip] = await ug.findIpAddresses({ nodeState: 'RUNNING' });
    expect(await answersHttp(ip!)).toBe(true);
    // delete_units: the unit goes, its node stops answering, its name is free.
    await (await ug.getUnit('web'))!.delete();
    expect(await ug.getUnit('web')).toBeNull();
    expect(await answersHttp(ip!)).toBe(false);
    expect(await localResourcesOf(ug.id)).toEqual([]);
    await ug.createUnit('web', { provider: 'local', numNodes: 1 });
    await ug.delete();
    expect(await localResourcesOf(ug.id)).toEqual([]);
  });
});
