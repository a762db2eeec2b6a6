// The azure provider through the official SDKs (@azure/identity, @azure/arm-compute,
// @azure/arm-network) against the local Entra ID and ARM (test/clouds/azure), whose VMs are real
// namespace hosts on this test's own 10.203.14.0/24: the custom data fetches the agent from the portal
// and the agent dials home. Create (through throttling), idempotency by name (a re-run finds the same
// VM), describe, list by tag, deallocate and start, AllocationFailed with its explanation and nothing
// left behind, the connection test, the leak sweeper removing an orphan, and delete; and that the
// local ARM refuses malformed requests as ARM does.
import { eq } from 'drizzle-orm';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, db } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { FAULTS, startAzureFacade, type AzureFacade } from '@/test/clouds/azure/facade';
import { instanceBackend } from '@/test/clouds/instances';
import { agentDialledHome, nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { INSTALL_TAG, installationId } from '../installation';
import { inLanguage } from '../explained';
import { ProviderError, type NodeResource } from '../types';
import { checkAzureAccount } from './account-check';
import { AzureProvider } from './azure-provider';

// Read when the driver's clients are made: quick polls and retries. The local ARM's certificate is self-signed.
vi.hoisted(() => {
  process.env.OCS_AZURE_POLL_MS = '50';
  process.env.OCS_AZURE_RETRY_MS = '10';
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
});

const PRINCIPAL = { tenantId: '5b0f4a3e-1c2d-4e5f-8a9b-0c1d2e3f4a5b', clientId: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', clientSecret: 'lab~secret.value_0123456789', subscriptionId: '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0' };
const REGION = 'japaneast';
const NETWORK = { resourceGroup: 'ocs-lab', virtualNetwork: 'lab-vnet', subnet: 'nodes' };
const IMAGE = `/subscriptions/${PRINCIPAL.subscriptionId}/resourceGroups/ocs-images/providers/Microsoft.Compute/galleries/ocs/images/ubuntu-24.04-node20/versions/1.0.0`;
const GROUP_PATH = `/subscriptions/${PRINCIPAL.subscriptionId}/resourceGroups/${NETWORK.resourceGroup}/providers`;

const provider = new AzureProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let azure: AzureFacade;
let organization: { organizationId: string; actor: Actor };
let organizationId: string;
let accountId: string;
let records: Node[];
const resources = new Map<string, NodeResource>();

async function create(record: Node, ipAddress?: string): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'azure', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
    ...(ipAddress ? { ipAddress } : {}),
    // As a build tags it (lib/builds/create-nodes.ts).
    tags: { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId },
  });
}

/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const callsOf = (op: string) => azure.calls.filter((c) => c.op === op).length;
const liveVm = (name: string) => azure.vms.find((v) => v.name === name && v.provisioningState !== 'Deleted');

/** One ARM call on the wire, with a token of the lab's principal unless told otherwise. */
async function arm(method: string, path: string, body?: unknown, options: { apiVersion?: string | null; token?: string | null } = {}): Promise<[number, unknown]> {
  let token = options.token;
  if (token === undefined) {
    const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: PRINCIPAL.clientId, client_secret: PRINCIPAL.clientSecret, scope: `${azure.armEndpoint}/.default` });
    const res = await fetch(`${azure.authorityHost}/${PRINCIPAL.tenantId}/oauth2/v2.0/token`, { method: 'POST', body: form });
    token = ((await res.json()) as { access_token: string }).access_token;
  }
  const apiVersion = options.apiVersion === undefined ? '2025-04-01' : options.apiVersion;
  const res = await fetch(`${azure.armEndpoint}${path}${apiVersion ? `?api-version=${apiVersion}` : ''}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return [res.status, text ? JSON.parse(text) : null];
}

/** A VM body as `az vm create` sends it, on `nicId`. */
const vmBody = (name: string, nicId: string, tags: Record<string, string>, customData = Buffer.from('#!/bin/sh\ntrue\n').toString('base64')) => ({
  location: REGION,
  tags,
  properties: {
    hardwareProfile: { vmSize: 'Standard_B1s' },
    storageProfile: { imageReference: { id: IMAGE }, osDisk: { name: `${name}_OsDisk_1`, createOption: 'FromImage', managedDisk: { storageAccountType: 'Standard_LRS' } } },
    osProfile: {
      computerName: name,
      adminUsername: 'azureuser',
      customData,
      linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: '/home/azureuser/.ssh/authorized_keys', keyData: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ0zKq0xJ9c4b5mYv3uQ7c0w1ZlR2Gm8Vd3XnXJ9Yk6P' }] } },
    },
    networkProfile: { networkInterfaces: [{ id: nicId }] },
  },
});
const nicBody = (tags: Record<string, string> = {}) => ({
  location: REGION,
  tags,
  properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: `${GROUP_PATH}/Microsoft.Network/virtualNetworks/${NETWORK.virtualNetwork}/subnets/${NETWORK.subnet}` } } }] },
});

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsazure', subnet: '10.203.14' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  azure = await startAzureFacade(
    [PRINCIPAL],
    [{ subscriptionId: PRINCIPAL.subscriptionId, name: NETWORK.resourceGroup, location: REGION, virtualNetworks: [{ name: NETWORK.virtualNetwork, subnets: [{ name: NETWORK.subnet, addressPrefix: '10.203.14.0/24' }] }] }],
    { instances: instanceBackend(network), images: [IMAGE] },
  );
  process.env.OCS_AZURE_AUTHORITY_HOST = azure.authorityHost;
  process.env.OCS_AZURE_ARM_ENDPOINT = azure.armEndpoint;
  organization = await organizationWithMember();
  organizationId = organization.organizationId;
  accountId = (await addProviderAccount(db(), organization.actor, organizationId, { provider: 'azure', name: 'lab-azure', region: REGION, network: { ...NETWORK, imageId: IMAGE }, credentials: PRINCIPAL })).id;
  records = await nodeRecords(2, { provider: 'azure', organization });
  // As a build records it: the unit's nodes are made in this account.
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
});

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await azure?.settled();
  await azure?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('azure provider on the local Entra ID and ARM', { timeout: 120_000 }, () => {
  it('creates VMs whose custom data installs the agent, which dials home from the VM address', async () => {
    // ARM throttles the first VM PUT (429 with Retry-After): the SDK's pipeline waits and sends it again.
    azure.failNext('putVm', FAULTS.throttled, 1);
    for (const record of records) resources.set(record.id, await create(record));
    expect(callsOf('putVm')).toBe(3);
    // Each PUT answered 201 with Azure-AsyncOperation, polled until Succeeded before the create resolved.
    expect(callsOf('operation')).toBeGreaterThanOrEqual(4);
    for (const record of records) await agentDialledHome(record);
    const ips = [...resources.values()].map((r) => r.ipAddress);
    expect(ips.every((ip) => ip.startsWith('10.203.14.'))).toBe(true);
    expect(new Set(ips).size).toBe(2);
    const name = records[0]!.name;
    const tags = { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': records[0]!.unitGroupId, 'ocs.nodeId': records[0]!.id };
    const vm = liveVm(name)!;
    // The small flavor's size and disk, the account's image, the node's tags on the VM, its NIC and its disk.
    expect(vm).toMatchObject({ location: REGION, vmSize: 'Standard_B1s', image: { id: IMAGE }, osDisk: { name: `${name}-osdisk`, sizeGB: 40, type: 'Standard_LRS', deleteOption: 'Delete' }, provisioningState: 'Succeeded', power: 'running', tags });
    expect(vm.customData.startsWith('#cloud-boothook\n')).toBe(true);
    expect(azure.nics.find((n) => n.name === `${name}-nic` && !n.deleted)).toMatchObject({ allocation: 'Dynamic', address: vm.machine!.host.ip, tags, vm });
    expect(azure.disks.find((d) => d.name === `${name}-osdisk` && !d.deleted)).toMatchObject({ sizeGB: 40, tags });
    expect(resources.get(records[0]!.id)).toEqual({ resourceId: `${accountId}/${name}`, name, state: 'running', accountId, ipAddress: vm.machine!.host.ip, tags });
  });

  it('a create repeated after a crash finds the same VM by its name', async () => {
    const [vmPuts, nicPuts] = [callsOf('putVm'), callsOf('putNic')];
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect(azure.vms.filter((v) => v.name === records[0]!.name)).toHaveLength(1);
    expect([callsOf('putVm'), callsOf('putNic')]).toEqual([vmPuts, nicPuts]);
  });

  it('describes and lists the VMs by their tags, on the token it already has', async () => {
    const tokens = callsOf('token');
    const first = resources.get(records[0]!.id)!;
    expect(await provider.describeNode(first.resourceId)).toEqual(first);
    const listed = await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(listed.sort((a, b) => a.name.localeCompare(b.name))).toEqual([...resources.values()].sort((a, b) => a.name.localeCompare(b.name)));
    expect((await provider.listResources({ 'ocs.nodeId': records[1]!.id })).map((r) => r.resourceId)).toEqual([resources.get(records[1]!.id)!.resourceId]);
    const [elsewhere] = await nodeRecords(1, { provider: 'azure', organization });
    expect(await provider.listResources({ 'ocs.unitGroupId': elsewhere!.unitGroupId })).toEqual([]);
    expect(await provider.describeNode(`${accountId}/ocs-never-made`)).toBeNull();
    expect(callsOf('token')).toBe(tokens);
  });

  it('deallocates a VM and starts it again: its agent stops, and dials home again at boot', async () => {
    const first = resources.get(records[0]!.id)!;
    await provider.powerOff(first.resourceId);
    expect(liveVm(first.name)!.power).toBe('deallocated');
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'stopped' });
    // Already deallocated: ARM does nothing more.
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

  it('stops at AllocationFailed with what to do next, leaving neither VM nor NIC behind', async () => {
    const [extra] = await nodeRecords(1, { provider: 'azure', organization });
    azure.failNext('putVm', FAULTS.allocationFailed, 1);
    const refused = await refusal(create(extra!, '10.203.14.200'));
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: 'AllocationFailed', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('別のフレーバー (VM サイズ) またはリージョンを選んでください'), expect.stringContaining('choose another flavor (VM size) or region')]);
    expect(azure.vms.filter((v) => v.name === extra!.name)).toMatchObject([{ provisioningState: 'Deleted', failure: { code: 'AllocationFailed' }, machine: null }]);
    // The NIC had the fixed address asked for; it went with the VM.
    expect(azure.nics.filter((n) => n.name === `${extra!.name}-nic`)).toMatchObject([{ allocation: 'Static', address: '10.203.14.200', deleted: true }]);
    expect(azure.disks.filter((d) => d.name === `${extra!.name}-osdisk`)).toHaveLength(0);
  });

  it('tests the account: a wrong secret or subnet is explained, the right settings are found', async () => {
    const account = { provider: 'azure', region: REGION, network: NETWORK, credentials: PRINCIPAL };
    const wrongSecret = await checkAzureAccount({ ...account, credentials: { ...PRINCIPAL, clientSecret: 'not.the~secret' } });
    expect(wrongSecret).toMatchObject({ ok: false, code: 'AADSTS7000215', advice: { en: expect.stringContaining('client secret is wrong'), ja: expect.stringContaining('クライアントシークレット') } });
    const wrongSubnet = await checkAzureAccount({ ...account, network: { ...NETWORK, subnet: 'gpu-nodes' } });
    expect(wrongSubnet).toMatchObject({ ok: false, code: 'SubnetNotFound', message: expect.stringContaining('subnet gpu-nodes of virtual network lab-vnet'), advice: { en: expect.stringContaining('Check the resource group, the virtual network and subnet names') } });
    const wrongGroup = await checkAzureAccount({ ...account, network: { ...NETWORK, resourceGroup: 'ocs-elsewhere' } });
    expect(wrongGroup).toMatchObject({ ok: false, code: 'ResourceGroupNotFound' });
    expect(await checkAzureAccount(account)).toMatchObject({ ok: true, code: null, message: expect.stringContaining('resource group ocs-lab and subnet lab-vnet/nodes (10.203.14.0/24) found') });
  });

  it('the local ARM refuses what ARM refuses, naming what is wrong', async () => {
    const nicId = `${GROUP_PATH}/Microsoft.Network/networkInterfaces/refused-nic`;
    const vmPath = `${GROUP_PATH}/Microsoft.Compute/virtualMachines/refused`;
    const error = (status: number, code: string, extra: Record<string, unknown> = {}) => [status, { error: expect.objectContaining({ code, ...extra }) }];
    expect(await arm('GET', vmPath, undefined, { apiVersion: null })).toEqual(error(400, 'MissingApiVersionParameter'));
    expect(await arm('GET', vmPath, undefined, { token: null })).toEqual(error(401, 'AuthenticationFailed'));
    expect(await arm('GET', vmPath, undefined, { token: 'forged' })).toEqual(error(401, 'InvalidAuthenticationToken'));
    expect(await arm('PUT', nicId, { ...nicBody(), properties: { ipConfigurations: [{ name: 'ipconfig1', properties: { subnet: { id: `${GROUP_PATH}/Microsoft.Network/virtualNetworks/lab-vnet/subnets/nowhere` } } }] } })).toEqual(error(400, 'InvalidResourceReference'));
    expect(await arm('PUT', nicId, nicBody({ 'ocs/node': 'x' }))).toEqual(error(400, 'InvalidTagNameCharacters'));
    expect(await arm('PUT', vmPath, vmBody('refused', nicId, {}))).toEqual(error(400, 'InvalidResourceReference'));
    expect((await arm('PUT', nicId, nicBody()))[0]).toBe(201);
    expect(await arm('PUT', vmPath, vmBody('refused', nicId, {}, '#!/bin/sh'))).toEqual(error(400, 'InvalidParameter', { target: 'customData' }));
    const unknownSize = vmBody('refused', nicId, {});
    unknownSize.properties.hardwareProfile.vmSize = 'Standard_A0_nope';
    expect(await arm('PUT', vmPath, unknownSize)).toEqual(error(400, 'InvalidParameter', { target: 'vmSize' }));
    expect((await arm('PUT', vmPath, vmBody('refused', nicId, {})))[0]).toBe(201);
    await azure.settled();
    // A second PUT may not change the custom data (cloud-init reads it at the first boot only), nor take its NIC away.
    expect(await arm('PUT', vmPath, vmBody('refused', nicId, {}, Buffer.from('#!/bin/sh\necho again\n').toString('base64')))).toEqual(error(409, 'PropertyChangeNotAllowed', { target: 'customData' }));
    const diskPath = `${GROUP_PATH}/Microsoft.Compute/disks/refused_OsDisk_1`;
    expect(await arm('DELETE', nicId)).toEqual(error(400, 'NicInUse'));
    expect(await arm('DELETE', diskPath)).toEqual(error(409, 'OperationNotAllowed'));
    // powerOff stops the VM but keeps it allocated (and billed), unlike the driver's deallocate.
    expect((await arm('POST', `${vmPath}/powerOff`))[0]).toBe(202);
    await azure.settled();
    expect(await arm('GET', `${vmPath}/instanceView`)).toEqual([200, expect.objectContaining({ statuses: [expect.objectContaining({ code: 'ProvisioningState/succeeded' }), expect.objectContaining({ code: 'PowerState/stopped' })] })]);
    expect((await arm('DELETE', vmPath))[0]).toBe(202);
    await azure.settled();
    // Its NIC and disk stay (their deleteOption is Detach) until deleted themselves.
    expect((await arm('DELETE', nicId))[0]).toBe(202);
    expect((await arm('DELETE', diskPath))[0]).toBe(202);
    // Deleting what is gone already answers 204.
    expect(await arm('DELETE', vmPath)).toEqual([204, null]);
  });

  it('deletes VMs, and their NICs, disks and machines go with them', async () => {
    for (const [id, r] of resources) {
      await provider.deleteNode(r.resourceId);
      expect(await provider.describeNode(r.resourceId)).toBeNull();
      // Again: already gone is not an error.
      await provider.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    expect(azure.vms.every((v) => v.provisioningState === 'Deleted')).toBe(true);
    expect(azure.nics.every((n) => n.deleted)).toBe(true);
    expect(azure.disks.every((d) => d.deleted)).toBe(true);
    expect(network.hosts).toHaveLength(0);
  });

  it('leaves a VM whose node is unknown to the leak sweeper, which removes it with its NIC and disk', async () => {
    // Made outside the driver (a crashed build of an older portal, say): its NIC and disk are not deleted with it.
    const name = `ocs-orphan-${randomUUID().slice(0, 8)}`;
    const nicId = `${GROUP_PATH}/Microsoft.Network/networkInterfaces/${name}-eth0`;
    const tags = { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.nodeId': randomUUID() };
    expect((await arm('PUT', nicId, nicBody(tags)))[0]).toBe(201);
    expect((await arm('PUT', `${GROUP_PATH}/Microsoft.Compute/virtualMachines/${name}`, vmBody(name, nicId, tags)))[0]).toBe(201);
    await azure.settled();
    // The sweeper lists the accounts of the drivers lib/providers/registry.ts names: azure's among them.
    const report = await sweepLeaks(db(), { graceMs: 0, dryRun: false, organizationId });
    expect(report.removed).toEqual([`${accountId}/${name}`]);
    expect(liveVm(name)).toBeUndefined();
    expect(azure.nics.find((n) => n.id === nicId)).toMatchObject({ deleted: true });
    expect(azure.disks.find((d) => d.name === `${name}_OsDisk_1`)).toMatchObject({ deleted: true });
    expect(network.hosts).toHaveLength(0);
  });
});
