// The sakura provider over fetch against the local Sakura Cloud endpoint, whose servers are real
// namespace hosts (test/clouds) on this test's own 10.203.12.0/24: the cloud-init user data fetches
// the agent from the portal and the agent dials home. Create, idempotency without a client token (a
// re-run finds the same server, and reuses the disk a failed run left), describe, list by tag, power
// off and on (forced when the OS ignores the shutdown), throttling then success, quota and capacity
// errors with their explanation, a fixed address on a switch, the connection test, and delete.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, db } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { instanceBackend } from '@/test/clouds/instances';
import { FAULTS, startSakuraFacade, type SakuraFacade } from '@/test/clouds/sakura/facade';
import { agentDialledHome, nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { INSTALL_TAG, installationId } from '../installation';
import { inLanguage } from '../explained';
import { ProviderError, type NodeResource } from '../types';
import { checkSakuraAccount } from './account-check';
import { SakuraProvider } from './sakura-provider';

const KEYS = { accessToken: '0f5e3c2a-7b1d-4c8e-9a6f-2d4b8e1c3a5f', accessTokenSecret: 'Xq8vN2pL5tR9wK3mZ7yB4hJ6dF1sG0cV' };
const ZONE = 'is1a';
const SWITCH_ID = '113000099001';
const ARCHIVE_ID = '113000088001';

const provider = new SakuraProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let sakura: SakuraFacade;
let organization: { organizationId: string; actor: Actor };
let organizationId: string;
let accountId: string;
let records: Node[];
const resources = new Map<string, NodeResource>();
const ENV = ['OCS_SAKURA_API_ROOT', 'OCS_SAKURA_POLL_MS', 'OCS_SAKURA_SHUTDOWN_GRACE_MS'] as const;
const previous = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));

/** A Sakura account of the organization, whose nodes are copied from the test's source archive. */
async function sakuraAccount(name: string, network: Record<string, string>): Promise<string> {
  return (await addProviderAccount(db(), organization.actor, organizationId, { provider: 'sakura', name, region: ZONE, network: { ...network, archiveId: ARCHIVE_ID }, credentials: KEYS })).id;
}

/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));

async function create(record: Node, options: { account?: string; ipAddress?: string } = {}): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'sakura', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
    ...(options.ipAddress ? { ipAddress: options.ipAddress } : {}),
    // As a build tags it (lib/builds/create-nodes.ts).
    tags: { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId: options.account ?? accountId },
  });
}

const serverOf = (r: NodeResource) => sakura.instances.find((s) => r.resourceId.endsWith(`/${s.id}`))!;

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocssak', subnet: '10.203.12' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  sakura = await startSakuraFacade([{ ...KEYS, zone: ZONE, switches: [SWITCH_ID], archives: [ARCHIVE_ID] }], { instances: instanceBackend(network) });
  Object.assign(process.env, { OCS_SAKURA_API_ROOT: sakura.url, OCS_SAKURA_POLL_MS: '100', OCS_SAKURA_SHUTDOWN_GRACE_MS: '3000' });
  organization = await organizationWithMember();
  organizationId = organization.organizationId;
  accountId = await sakuraAccount('lab-sakura', {});
  records = await nodeRecords(2, { provider: 'sakura', organization });
  // As a build records it: the unit's nodes are made in this account.
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
});

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await sakura?.settled();
  for (const k of ENV) {
    if (previous[k] === undefined) delete process.env[k];
    else process.env[k] = previous[k];
  }
  await sakura?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('sakura provider on the local Sakura Cloud endpoint', { timeout: 120_000 }, () => {
  it('creates servers whose cloud-init user data installs the agent, which dials home from the server address', async () => {
    // Sakura throttles the first disk and the first server: the driver backs off and tries again.
    sakura.failNext('Disk.Create', FAULTS.throttled, 1);
    sakura.failNext('Server.Create', FAULTS.rateLimited, 1);
    for (const record of records) resources.set(record.id, await create(record));
    for (const record of records) await agentDialledHome(record);
    const ips = [...resources.values()].map((r) => r.ipAddress);
    expect(ips.every((ip) => ip.startsWith('10.203.12.'))).toBe(true);
    expect(new Set(ips).size).toBe(2);
    const server = serverOf(resources.get(records[0]!.id)!);
    expect(server).toMatchObject({ name: records[0]!.name, zone: ZONE, status: 'up', plan: { cpu: 1, memoryMB: 1024 }, nic: { switchId: null } });
    expect(server.tags).toEqual(expect.arrayContaining([`ocs.nodeId=${records[0]!.id}`, `ocs.unitGroupId=${records[0]!.unitGroupId}`]));
    const disk = sakura.disks.find((d) => d.serverId === server.id)!;
    expect(disk).toMatchObject({ name: records[0]!.name, archiveId: Number(ARCHIVE_ID), planId: 4, sizeMB: 20 * 1024 });
    expect(disk.userData!.startsWith('#cloud-boothook\n')).toBe(true);
    expect(sakura.calls.filter((c) => c.op === 'Disk.Create')).toHaveLength(3);
  });

  it('a create repeated after a crash finds the same server and disk by name and node tag', async () => {
    const before = { servers: sakura.instances.length, disks: sakura.disks.length };
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect({ servers: sakura.instances.length, disks: sakura.disks.length }).toEqual(before);
  });

  it('a create stopped at a quota after its disk was made reuses that disk on the next try', async () => {
    const [extra] = await nodeRecords(1, { provider: 'sakura', organization });
    sakura.failNext('Server.Create', FAULTS.quota, 1);
    const refused = await create(extra!).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'limit_count_in_zone', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('さくらインターネットに上限の緩和を申請する'), expect.stringContaining('ask Sakura Internet to raise the limit')]);
    const left = sakura.disks.filter((d) => d.name === extra!.name);
    expect(left).toHaveLength(1);
    resources.set(extra!.id, await create(extra!));
    expect(sakura.disks.filter((d) => d.name === extra!.name)).toEqual(left);
    expect(left[0]!.serverId).toBe(serverOf(resources.get(extra!.id)!).id);
  });

  it('describes and lists the servers by their tags', async () => {
    const first = resources.get(records[0]!.id)!;
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ resourceId: first.resourceId, name: records[0]!.name, state: 'running', ipAddress: first.ipAddress, accountId });
    const listed = await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(listed.map((r) => r.resourceId).sort()).toEqual(records.map((r) => resources.get(r.id)!.resourceId).sort());
    expect(listed[0]!.tags).toMatchObject({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(await provider.listResources({ 'ocs.unitGroupId': 'nobody' })).toEqual([]);
  });

  it('powers a server off and on: its agent stops, and dials home again at boot', async () => {
    const first = resources.get(records[0]!.id)!;
    await provider.powerOff(first.resourceId);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'stopped' });
    const [before] = await db().select({ at: nodes.lastHeartbeatAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
    expect(await provider.powerOn(first.resourceId)).toMatchObject({ state: 'running' });
    await until('the agent to sync again after the boot', async () => {
      const [row] = await db().select({ at: nodes.lastHeartbeatAt, startedAt: nodes.startedAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
      return row!.startedAt && before!.at && row!.startedAt > before!.at;
    }, 30_000, 100);
  });

  it('cuts the power of a server whose OS ignores the shutdown request', async () => {
    const second = resources.get(records[1]!.id)!;
    serverOf(second).respondsToAcpi = false;
    const shutdowns = () => sakura.calls.filter((c) => c.op === 'Server.Shutdown').length;
    const before = shutdowns();
    await provider.powerOff(second.resourceId);
    expect(await provider.describeNode(second.resourceId)).toMatchObject({ state: 'stopped' });
    // The request, then after the grace time the forced one.
    expect(shutdowns() - before).toBe(2);
    await provider.powerOn(second.resourceId);
    await provider.powerOn(second.resourceId);
    expect(await provider.describeNode(second.resourceId)).toMatchObject({ state: 'running' });
  });

  it('stops at a capacity error with what to do next, creating nothing', async () => {
    const [extra] = await nodeRecords(1, { provider: 'sakura', organization });
    const before = { servers: sakura.instances.length, disks: sakura.disks.length };
    // A 503, but its code says trying again does not help: one try.
    const tries = () => sakura.calls.filter((c) => c.op === 'Disk.Create').length;
    const triedBefore = tries();
    sakura.failNext('Disk.Create', FAULTS.capacity, 1);
    const refused = await create(extra!).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: 'disk_stock_run_out', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('別のゾーンのアカウントまたは小さいフレーバーを選んでください'), expect.stringContaining('choose an account in another zone or a smaller flavor')]);
    expect(tries()).toBe(triedBefore + 1);
    expect({ servers: sakura.instances.length, disks: sakura.disks.length }).toEqual(before);
  });

  it('puts a node on the account\'s switch with its fixed address', async () => {
    const [extra] = await nodeRecords(1, { provider: 'sakura', organization });
    const onSwitch = await sakuraAccount('lab-sakura-switch', { switchId: SWITCH_ID });
    const made = await create(extra!, { account: onSwitch, ipAddress: '192.168.100.11' });
    resources.set(extra!.id, made);
    expect(serverOf(made).nic).toMatchObject({ switchId: Number(SWITCH_ID), userIPAddress: '192.168.100.11' });
    expect(await provider.describeNode(made.resourceId)).toMatchObject({ ipAddress: '192.168.100.11', accountId: onSwitch });
  });

  it('tests an account: signs in and finds its switch and archive, or says what is wrong', async () => {
    const account = { provider: 'sakura', region: ZONE, network: { switchId: SWITCH_ID, archiveId: ARCHIVE_ID }, credentials: KEYS };
    expect(await checkSakuraAccount(account)).toMatchObject({ ok: true, code: null, message: expect.stringContaining(`switch ${SWITCH_ID} and archive ${ARCHIVE_ID} found`) });
    const badSecret = await checkSakuraAccount({ ...account, credentials: { ...KEYS, accessTokenSecret: 'not-the-secret-at-all' } });
    expect(badSecret).toMatchObject({ ok: false, code: 'unauthorized', advice: { en: expect.stringContaining('replace the credentials') } });
    const noSwitch = await checkSakuraAccount({ ...account, network: { switchId: '113000099999' } });
    expect(noSwitch).toMatchObject({ ok: false, code: 'not_found', advice: { en: expect.stringContaining('not found in this zone') } });
  });


  it('leaves a machine whose node is gone to the leak sweeper, which removes it', async () => {
    const [orphan] = await nodeRecords(1, { provider: 'sakura', organization });
    await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, orphan!.unitId));
    const made = await create(orphan!);
    resources.set(orphan!.id, made);
    await agentDialledHome(orphan!);
    // The node's record is gone (deleted by hand, say) while its machine stays.
    await db().update(nodes).set({ deletedAt: new Date(), state: 'DELETED' }).where(eq(nodes.id, orphan!.id));
    const report = await sweepLeaks(db(), { graceMs: 0, dryRun: false, organizationId: organizationId });
    expect(report.failures).toEqual([]);
    expect(report.removed).toEqual([made.resourceId]);
    expect(await provider.describeNode(made.resourceId)).toBeNull();
    resources.delete(orphan!.id);
  });
  it('deletes servers with their disks, and the machines go with them', async () => {
    for (const [id, r] of resources) {
      await provider.deleteNode(r.resourceId);
      expect(await provider.describeNode(r.resourceId)).toBeNull();
      // Again: already gone is not an error.
      await provider.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    await sakura.settled();
    expect(sakura.instances).toHaveLength(0);
    expect(sakura.disks).toHaveLength(0);
    expect(network.hosts).toHaveLength(0);
  });
});
