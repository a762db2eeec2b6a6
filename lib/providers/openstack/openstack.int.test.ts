// The openstack provider over Keystone v3 and Nova REST against the local OpenStack
// (test/clouds/openstack), whose servers are real namespace hosts on this test's own 10.203.10.0/24:
// the user data fetches the agent from the portal and the agent dials home. Create (through a rate
// limit), idempotency by name and ocs.nodeId (a re-run after a crash finds the same server),
// describe, list by tag across Nova's pages, a new token after a revoked one, power off and on,
// capacity, quota and image errors with their explanations, the connection test, and delete; and
// that the local Nova refuses malformed requests as Nova does.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, db } from '@/lib/db/client';
import { nodes, providerAccounts, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { instanceBackend } from '@/test/clouds/instances';
import { FAULTS, startOpenStackFacade, type OpenStackFacade } from '@/test/clouds/openstack/facade';
import { agentDialledHome, nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { INSTALL_TAG, installationId } from '../installation';
import { inLanguage } from '../explained';
import { ProviderError, type NodeResource } from '../types';
import { checkOpenStackAccount } from './account-check';
import { OpenStackProvider } from './openstack-provider';

// Read when the driver and lib/providers/http.ts load: quick polls and short backoffs. The local
// Keystone's certificate is self-signed (an account's authUrl must be https).
vi.hoisted(() => {
  process.env.OCS_OPENSTACK_POLL_MS = '100';
  process.env.OCS_PROVIDER_RETRY_MS = '50';
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
});

const USER = { username: 'ocs-lab', password: 'correct horse battery staple', projectName: 'ocs-lab-project', userDomain: 'Default', projectDomain: 'Default' };
const REGION = 'RegionOne';
const LAB_NET = { id: '5f0c9a4e-3d0b-4c55-9a43-2b8f7c1e6d10', name: 'lab-net' };
const IMAGE = { id: '0b3f7f4c-8e2a-4a8e-bb0f-1c7e6f2b9d21', name: 'ubuntu-24.04-node20' };
const MISSING_IMAGE = '9d9e4f8a-0000-4000-8000-000000000000';
const NETWORK = { networkId: LAB_NET.id, securityGroup: 'ocs-nodes' };

const provider = new OpenStackProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let openstack: OpenStackFacade;
let organization: { organizationId: string; actor: Actor };
let organizationId: string;
let accountId: string;
let credentials: typeof USER & { authUrl: string };
let records: Node[];
const resources = new Map<string, NodeResource>();

async function create(record: Node): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'openstack', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
    // As a build tags it (lib/builds/create-nodes.ts).
    tags: { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId },
  });
}

/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const callsOf = (op: string) => openstack.calls.filter((c) => c.op === op).length;

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsos', subnet: '10.203.10' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  // One item per page: every listing the driver makes has to follow Nova's next links.
  openstack = await startOpenStackFacade([{ ...USER, region: REGION, networks: [LAB_NET], securityGroups: ['default', NETWORK.securityGroup], images: [IMAGE] }], { instances: instanceBackend(network), maxLimit: 1 });
  credentials = { ...USER, authUrl: openstack.authUrl };
  organization = await organizationWithMember();
  organizationId = organization.organizationId;
  accountId = (await addProviderAccount(db(), organization.actor, organizationId, { provider: 'openstack', name: 'lab-openstack', region: REGION, network: { ...NETWORK, imageId: IMAGE.id }, credentials })).id;
  records = await nodeRecords(2, { provider: 'openstack', organization });
  // As a build records it: the unit's nodes are made in this account.
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
});

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await openstack?.settled();
  await openstack?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('openstack provider on the local Keystone and Nova', { timeout: 120_000 }, () => {
  it('creates servers whose user data installs the agent, which dials home from the server address', async () => {
    // Nova rate-limits the first create (429 with Retry-After): the driver pauses and tries again.
    openstack.failNext('createServer', FAULTS.throttled, 1);
    for (const record of records) resources.set(record.id, await create(record));
    expect(callsOf('createServer')).toBe(3);
    for (const record of records) await agentDialledHome(record);
    const ips = [...resources.values()].map((r) => r.ipAddress);
    expect(ips.every((ip) => ip.startsWith('10.203.10.'))).toBe(true);
    expect(new Set(ips).size).toBe(2);
    const server = openstack.instances.find((s) => s.name === records[0]!.name)!;
    // The flavor's name (m1.small) as Nova's flavor id, the account's image, network and security group.
    expect(server).toMatchObject({ flavorId: '2', imageId: IMAGE.id, networks: [{ uuid: LAB_NET.id }], securityGroups: [NETWORK.securityGroup], vmState: 'active' });
    expect(server.metadata).toEqual({ [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': records[0]!.unitGroupId, 'ocs.nodeId': records[0]!.id });
    expect(server.userData.startsWith('#cloud-boothook\n')).toBe(true);
    expect(resources.get(records[0]!.id)).toMatchObject({ resourceId: `${accountId}/${server.id}`, state: 'running', accountId, ipAddress: server.machine!.host.ip });
  });

  it('a create repeated after a crash finds the same server by its name and node id', async () => {
    const creates = callsOf('createServer');
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect(openstack.instances.filter((s) => s.name === records[0]!.name)).toHaveLength(1);
    expect(callsOf('createServer')).toBe(creates);
  });

  it('describes and lists the servers by their tags', async () => {
    const first = resources.get(records[0]!.id)!;
    // Nova's over-limit answer with Retry-After is waited out too.
    openstack.failNext('showServer', FAULTS.overLimit, 1);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ resourceId: first.resourceId, name: records[0]!.name, state: 'running', ipAddress: first.ipAddress, tags: { 'ocs.nodeId': records[0]!.id } });
    const listed = await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(listed.map((r) => r.resourceId).sort()).toEqual([...resources.values()].map((r) => r.resourceId).sort());
    expect((await provider.listResources({ 'ocs.nodeId': records[1]!.id })).map((r) => r.resourceId)).toEqual([resources.get(records[1]!.id)!.resourceId]);
    const [elsewhere] = await nodeRecords(1, { provider: 'openstack', organization });
    expect(await provider.listResources({ 'ocs.unitGroupId': elsewhere!.unitGroupId })).toEqual([]);
    expect(await provider.listResources({ 'ocs.unitGroupId': 'nobody' })).toEqual([]);
  });

  it('keeps its token, and signs in again when Keystone no longer honours it', async () => {
    const signIns = callsOf('authenticate');
    await provider.describeNode(resources.get(records[0]!.id)!.resourceId);
    expect(callsOf('authenticate')).toBe(signIns);
    openstack.revokeTokens();
    expect(await provider.describeNode(resources.get(records[1]!.id)!.resourceId)).toMatchObject({ state: 'running' });
    expect(callsOf('authenticate')).toBe(signIns + 1);
  });

  it('powers a server off and on: its agent stops, and dials home again at boot', async () => {
    const first = resources.get(records[0]!.id)!;
    await provider.powerOff(first.resourceId);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'stopped' });
    // Already off: nothing more to do.
    await provider.powerOff(first.resourceId);
    const [before] = await db().select({ at: nodes.lastHeartbeatAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
    expect(await provider.powerOn(first.resourceId)).toMatchObject({ state: 'running', ipAddress: first.ipAddress });
    await until(
      'the agent to sync again after the boot',
      async () => {
        const [row] = await db().select({ at: nodes.lastHeartbeatAt, startedAt: nodes.startedAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
        return row!.startedAt && before!.at && row!.startedAt > before!.at;
      },
      30_000,
      100,
    );
  });

  it('stops at No valid host with what to do next, leaving no server behind', async () => {
    const [extra] = await nodeRecords(1, { provider: 'openstack', organization });
    openstack.failNext('createServer', FAULTS.noValidHost, 1);
    const refused = await refusal(create(extra!));
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: 'NoValidHost', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('より小さいフレーバーを選んでください'), expect.stringContaining('choose a smaller flavor')]);
    // The server in ERROR was deleted (it would hold quota), and no machine was ever made for it.
    expect(openstack.instances.filter((s) => s.name === extra!.name)).toMatchObject([{ vmState: 'deleted', machine: null }]);
  });

  it('stops at the project quota, which trying again does not cure', async () => {
    const [extra] = await nodeRecords(1, { provider: 'openstack', organization });
    openstack.failNext('createServer', FAULTS.quota, 1);
    const refused = await refusal(create(extra!));
    expect(refused).toMatchObject({ code: 'QuotaExceeded', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('クォータの引き上げを依頼する'), expect.stringContaining("Ask the cloud's administrators to raise it")]);
    expect(openstack.instances.filter((s) => s.name === extra!.name)).toHaveLength(0);
  });

  it('explains an image the project does not have, as Nova refuses it', async () => {
    const [extra] = await nodeRecords(1, { provider: 'openstack', organization });
    await db().update(providerAccounts).set({ network: { ...NETWORK, imageId: MISSING_IMAGE } }).where(eq(providerAccounts.id, accountId));
    try {
      expect(await refusal(create(extra!))).toMatchObject({ code: 'ImageNotFound', retryable: false, message: expect.stringContaining('Can not find requested image') });
    } finally {
      await db().update(providerAccounts).set({ network: { ...NETWORK, imageId: IMAGE.id } }).where(eq(providerAccounts.id, accountId));
    }
  });

  it('tests the account: a wrong password or image is explained, the right settings are found', async () => {
    const account = { provider: 'openstack', region: REGION, network: { ...NETWORK, imageId: IMAGE.id }, credentials };
    const wrongPassword = await checkOpenStackAccount({ ...account, credentials: { ...credentials, password: 'wrong' } });
    expect(wrongPassword).toMatchObject({ ok: false, code: 'Unauthorized', advice: { en: expect.stringContaining('replace the credentials'), ja: expect.stringContaining('パスワード') } });
    const wrongImage = await checkOpenStackAccount({ ...account, network: { ...account.network, imageId: MISSING_IMAGE } });
    expect(wrongImage).toMatchObject({ ok: false, code: 'ImageNotFound', advice: { en: expect.stringContaining('Check the image ID') } });
    expect(await checkOpenStackAccount(account)).toMatchObject({ ok: true, code: null, message: expect.stringContaining(`network ${LAB_NET.name}, security group ${NETWORK.securityGroup} and image ${IMAGE.name} found`) });
  });

  it('the local Nova refuses what Nova refuses, naming what is wrong', async () => {
    const json = { 'content-type': 'application/json' };
    const signIn = { auth: { identity: { methods: ['password'], password: { user: { name: USER.username, domain: { id: 'default' }, password: USER.password } } }, scope: { project: { name: USER.projectName, domain: { name: 'Default' } } } } };
    const auth = await fetch(`${openstack.authUrl}/auth/tokens`, { method: 'POST', headers: json, body: JSON.stringify(signIn) });
    const { token } = (await auth.json()) as { token: { catalog: { type: string; endpoints: { interface: string; url: string }[] }[] } };
    const compute = token.catalog.find((s) => s.type === 'compute')!.endpoints.find((e) => e.interface === 'public')!.url;
    const create = async (server: Record<string, unknown>, headers: Record<string, string> = { 'x-auth-token': auth.headers.get('x-subject-token')! }) => {
      const res = await fetch(`${compute}/servers`, { method: 'POST', headers: { ...json, ...headers }, body: JSON.stringify({ server }) });
      return [res.status, await res.json()];
    };
    const good = { name: 'refused', flavorRef: '2', imageRef: IMAGE.id, networks: [{ uuid: LAB_NET.id }] };
    const badRequest = (message: string) => [400, { badRequest: { code: 400, message: expect.stringContaining(message) } }];
    expect(await create({ ...good, flavorRef: undefined })).toEqual(badRequest("'flavorRef' is a required property"));
    expect(await create({ ...good, name: undefined })).toEqual(badRequest("'name' is a required property"));
    expect(await create({ ...good, imageRef: undefined })).toEqual(badRequest('Missing imageRef attribute'));
    expect(await create({ ...good, flavorRef: '99' })).toEqual(badRequest('Flavor 99 could not be found.'));
    expect(await create({ ...good, imageRef: MISSING_IMAGE })).toEqual(badRequest('Can not find requested image'));
    expect(await create({ ...good, user_data: '#!/bin/sh' })).toEqual(badRequest("is not a 'base64'"));
    expect(await create(good, {})).toEqual([401, { error: expect.objectContaining({ code: 401, title: 'Unauthorized' }) }]);
    expect(openstack.instances.filter((s) => s.name === good.name)).toHaveLength(0);
  });


  it('leaves a machine whose node is gone to the leak sweeper, which removes it', async () => {
    const [orphan] = await nodeRecords(1, { provider: 'openstack', organization });
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
  it('deletes servers, and the machines go with them', async () => {
    for (const [id, r] of resources) {
      await provider.deleteNode(r.resourceId);
      expect(await provider.describeNode(r.resourceId)).toBeNull();
      // Again: already gone is not an error.
      await provider.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    expect(openstack.instances.every((s) => s.vmState === 'deleted')).toBe(true);
    expect(network.hosts).toHaveLength(0);
  });
});
