// The VCP SDK's node selectors on the local provider, with real agents and applications: a dry run
// names exactly the nodes that would go; deleting by address, resource id or count removes those
// nodes and no other; adding at a fixed address puts the node there; the quota still holds.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, nodes, units } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { failure, nodeRecords, organizationWithMember, uniqueName } from '@/test/fixtures';
import { deleteUnitGroup } from './delete-unit-group';
import { requestNodeAddition, requestNodeDeletion } from './node-selectors';

let actor: Actor;
let organizationId: string;
let unitGroupId: string;
let unitId: string;

const liveNodes = () => db().select().from(nodes).where(and(eq(nodes.unitId, unitId), isNull(nodes.deletedAt))).orderBy(nodes.nodeNo);
const answers = async (ip: string | null) => (await fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.status === 200;

async function run(buildId: string | null): Promise<void> {
  await runBuild(db(), buildId!);
  const [build] = await db().select().from(builds).where(eq(builds.id, buildId!));
  expect(build!.status, build!.error ?? '').toBe('SUCCEEDED');
}

beforeAll(async () => {
  ({ actor, organizationId } = await organizationWithMember({ maxNodes: 3 }));
  const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('select'), provider: 'local', flavor: 'small', organizationId, parameters: { nodes: 3 } });
  unitGroupId = submitted.unitGroupId;
  await run(submitted.buildId);
  const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
  unitId = unit!.id;
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId);
  await closeQueue();
  await closeDb();
});

describe('nodes by selector', { timeout: 120_000 }, () => {
  it('names the nodes a selection would delete without deleting them, and refuses a selection that names none', async () => {
    const dry = await requestNodeDeletion(db(), actor, unitId, { nodeNos: [3, 1] }, { dryRun: true });
    expect(dry).toMatchObject({ buildId: null, nodes: [{ nodeNo: 1, state: 'RUNNING' }, { nodeNo: 3, state: 'RUNNING' }] });
    expect((await liveNodes()).map((n) => n.state)).toEqual(['RUNNING', 'RUNNING', 'RUNNING']);

    const fields = async (selector: unknown) => (await failure(requestNodeDeletion(db(), actor, unitId, selector, { dryRun: true }))).details?.fields;
    expect(await fields({})).toEqual({ selector: 'give exactly one of nodeNos, ipAddresses, resourceIds or count' });
    expect(await fields({ nodeNos: [1], count: 1 })).toEqual({ selector: 'give exactly one of nodeNos, ipAddresses, resourceIds or count' });
    expect(await fields({ nodeNos: [1, 9] })).toEqual({ nodeNos: 'no live node of this unit has 9' });
    expect(await fields({ ipAddresses: ['not-an-ip'] })).toEqual({ 'ipAddresses.0': 'must be IPv4 addresses' });
    expect(await fields({ count: 4 })).toEqual({ count: 'the unit has 3 node(s)' });
  });

  it('deletes the node at an address, and only it', async () => {
    const [one, two, three] = await liveNodes();
    const { nodes: going, buildId } = await requestNodeDeletion(db(), actor, unitId, { ipAddresses: [two!.ipAddress!] });
    expect(going.map((n) => n.nodeNo)).toEqual([2]);
    await run(buildId);
    expect((await liveNodes()).map((n) => n.id)).toEqual([one!.id, three!.id]);
    expect(await answers(two!.ipAddress)).toBe(false);
    for (const n of [one!, three!]) expect(await answers(n.ipAddress)).toBe(true);
  });

  it('adds a node at a fixed address, within the quota', async () => {
    const [, three] = await liveNodes();
    // An address beside node 3's, in the same loopback range: free, as no node has it.
    const fixed = three!.ipAddress!.replace(/\.(\d+)$/, (_, last: string) => `.${(Number(last) + 100) % 250 + 2}`);
    await run((await requestNodeAddition(db(), actor, unitId, { ipAddresses: [fixed] })).buildId);
    const added = (await liveNodes()).at(-1)!;
    expect(added).toMatchObject({ nodeNo: 4, ipAddress: fixed, state: 'RUNNING' });
    expect(await answers(fixed)).toBe(true);
    // Three nodes already: the quota allows no fourth.
    expect((await failure(requestNodeAddition(db(), actor, unitId, { count: 1 }))).code).toBe('QUOTA_EXCEEDED');
    expect(await liveNodes()).toHaveLength(3);
  });

  it('deletes by resource id, and by a count taking the highest numbers', async () => {
    const [one, three, four] = await liveNodes();
    await run((await requestNodeDeletion(db(), actor, unitId, { resourceIds: [three!.providerResourceId!] })).buildId);
    expect((await liveNodes()).map((n) => n.nodeNo)).toEqual([1, 4]);
    const { nodes: going, buildId } = await requestNodeDeletion(db(), actor, unitId, { count: 1 });
    expect(going.map((n) => n.nodeNo)).toEqual([4]);
    await run(buildId);
    expect((await liveNodes()).map((n) => n.id)).toEqual([one!.id]);
    expect(await answers(four!.ipAddress)).toBe(false);
  });

  it('refuses fixed addresses where the provider gives nodes theirs', async () => {
    const [server] = await nodeRecords(1, { provider: 'onpremises', organization: { organizationId, actor } });
    expect((await failure(requestNodeAddition(db(), actor, server!.unitId, { ipAddresses: ['10.0.0.5'] }))).details?.fields).toEqual({ ipAddresses: 'nodes on onpremises get their addresses from it; give a count instead' });
  });
});
