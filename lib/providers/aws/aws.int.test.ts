// The aws provider through the real @aws-sdk/client-ec2 against the local EC2 endpoint, whose
// instances are real namespace hosts (test/clouds) on this test's own 10.203.8.0/24: the user data
// fetches the agent from the portal and the agent dials home. Create, idempotency through the
// ClientToken (a re-run after a crash finds the same instance), describe, list by tag, power off
// and on, throttling then success, a capacity error with its explanation, and delete.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, db } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { FAULTS, startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { instanceBackend } from '@/test/clouds/instances';
import { agentDialledHome, nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { inLanguage } from '../explained';
import { ProviderError, type NodeResource } from '../types';
import { AwsProvider } from './aws-provider';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NETWORK = { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' };

const provider = new AwsProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let ec2: Ec2Facade;
let organization: { organizationId: string; actor: Actor };
let organizationId: string;
let accountId: string;
let records: Node[];
const resources = new Map<string, NodeResource>();
const previous = { endpoint: process.env.OCS_AWS_EC2_ENDPOINT, poll: process.env.OCS_AWS_POLL_MS };

const launches = () => ec2.calls.filter((c) => c.action === 'RunInstances').length;
/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));

async function create(record: Node): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'aws', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', instanceType: 'm4.large', tags: {} },
    tags: { 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId },
  });
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsaws', subnet: '10.203.8' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { instances: instanceBackend(network) });
  process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
  process.env.OCS_AWS_POLL_MS = '100';
  organization = await organizationWithMember();
  organizationId = organization.organizationId;
  accountId = (await addProviderAccount(db(), organization.actor, organizationId, { provider: 'aws', name: 'lab-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS })).id;
  records = await nodeRecords(2, { provider: 'aws', organization });
  // As a build records it: the unit's nodes are made in this account.
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
});

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await ec2?.settled();
  process.env.OCS_AWS_EC2_ENDPOINT = previous.endpoint;
  process.env.OCS_AWS_POLL_MS = previous.poll;
  if (previous.endpoint === undefined) delete process.env.OCS_AWS_EC2_ENDPOINT;
  if (previous.poll === undefined) delete process.env.OCS_AWS_POLL_MS;
  await ec2?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('aws provider on the local EC2 endpoint', { timeout: 120_000 }, () => {
  it('creates instances whose user data installs the agent, which dials home from the instance address', async () => {
    // EC2 throttles the first launch: the SDK backs off and tries again.
    ec2.failNext('RunInstances', FAULTS.throttled, 1);
    for (const record of records) resources.set(record.id, await create(record));
    for (const record of records) await agentDialledHome(record);
    const ips = [...resources.values()].map((r) => r.ipAddress);
    expect(ips.every((ip) => ip.startsWith('10.203.8.'))).toBe(true);
    expect(new Set(ips).size).toBe(2);
    const instance = ec2.instances.find((i) => i.privateIpAddress === ips[0])!;
    expect(instance).toMatchObject({ imageId: NETWORK.imageId, instanceType: 'm4.large', subnetId: NETWORK.subnetId, securityGroupIds: [NETWORK.securityGroupId] });
    expect(instance.tags).toMatchObject({ Name: records[0]!.name, 'ocs.nodeId': records[0]!.id });
    expect(instance.userData.startsWith('#cloud-boothook\n')).toBe(true);
  });

  it('a create repeated after a crash finds the same instance through its ClientToken', async () => {
    const before = ec2.instances.length;
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect(ec2.instances).toHaveLength(before);
  });

  it('describes and lists the instances by their tags', async () => {
    const first = resources.get(records[0]!.id)!;
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ resourceId: first.resourceId, name: records[0]!.name, state: 'running', ipAddress: first.ipAddress });
    const listed = await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(listed.map((r) => r.resourceId).sort()).toEqual([...resources.values()].map((r) => r.resourceId).sort());
    expect(await provider.listResources({ 'ocs.unitGroupId': 'nobody' })).toEqual([]);
  });

  it('powers an instance off and on: its agent stops, and dials home again at boot', async () => {
    const first = resources.get(records[0]!.id)!;
    await provider.powerOff(first.resourceId);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'stopped' });
    const [before] = await db().select({ at: nodes.lastHeartbeatAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
    await provider.powerOn(first.resourceId);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'running' });
    await until('the agent to sync again after the boot', async () => {
      const [row] = await db().select({ at: nodes.lastHeartbeatAt, startedAt: nodes.startedAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
      return row!.startedAt && before!.at && row!.startedAt > before!.at;
    }, 30_000, 100);
  });

  it('makes spot instances for aws_spot, in the same account; a one-time spot instance cannot be powered off', async () => {
    const spot = new AwsProvider(db, 'aws_spot');
    const [record] = await nodeRecords(1, { provider: 'aws_spot', organization });
    await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, record!.unitId));
    const made = await spot.createNode({
      name: record!.name,
      spec: { provider: 'aws_spot', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', instanceType: 'm4.large', tags: {} },
      tags: { 'ocs.unitGroupId': record!.unitGroupId, 'ocs.nodeId': record!.id },
      agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record!.id) },
      owner: { organizationId, unitGroupId: record!.unitGroupId, nodeId: record!.id, accountId },
    });
    resources.set(record!.id, made);
    await agentDialledHome(record!);
    expect(ec2.instances.find((i) => made.resourceId.endsWith(i.instanceId))).toMatchObject({ spotType: 'one-time', tags: { 'ocs.nodeId': record!.id } });
    expect((await spot.listResources({ 'ocs.unitGroupId': record!.unitGroupId })).map((r) => r.resourceId)).toEqual([made.resourceId]);
    const refused = await spot.powerOff(made.resourceId).then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'UnsupportedOperation', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('スポットでない aws で構築してください'), expect.stringContaining('Build on aws, not aws_spot')]);
    expect(await spot.describeNode(made.resourceId)).toMatchObject({ state: 'running' });
  });

  it('stops at a capacity error at once with what to do next, creating nothing', async () => {
    const [extra] = await nodeRecords(1, { provider: 'aws', organization });
    const before = { instances: ec2.instances.length, launches: launches() };
    ec2.failNext('RunInstances', FAULTS.capacity, 1);
    const refused = await create(extra!).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: 'InsufficientInstanceCapacity', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('別のフレーバーまたはサブネット (ゾーン) を選んでください'), expect.stringContaining('choose another flavor or subnet (zone)')]);
    // EC2's 500 was not tried again, by the SDK or the driver.
    expect({ instances: ec2.instances.length, launches: launches() }).toEqual({ ...before, launches: before.launches + 1 });
  });

  it('deletes instances, and the machines go with them', async () => {
    for (const [id, r] of resources) {
      await provider.deleteNode(r.resourceId);
      expect(await provider.describeNode(r.resourceId)).toBeNull();
      // Again: already gone is not an error.
      await provider.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    expect(network.hosts).toHaveLength(0);
  });
});
