// The aws_spot provider (OCS's: every node a spot instance in the organization's AWS account)
// through the real @aws-sdk/client-ec2 against the local EC2 endpoint, whose instances are real
// namespace hosts on this test's own 10.203.25.0/24: throttling then success, a crash between
// EC2's launch and the portal's record (the re-run finds the same spot instance by its
// ClientToken), no spot capacity and the account's spot limit with what to do next, the leak
// sweeper removing a spot instance no node accounts for, and delete. aws.int.test.ts covers
// describe, list and the refused power off of a one-time spot instance.
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, db } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { FAULTS, startEc2Facade, type Ec2Facade, type Ec2Fault } from '@/test/clouds/ec2/facade';
import { instanceBackend } from '@/test/clouds/instances';
import { agentDialledHome, nodeRecords, organizationWithMember } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { inLanguage } from '../explained';
import { INSTALL_TAG, installationId } from '../installation';
import { ProviderError, type NodeResource } from '../types';
import { AwsProvider } from './aws-provider';
import { ec2Client } from './ec2-client';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7SPOT001', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYSPOTKEY01' };
const NETWORK = { subnetId: 'subnet-0123456789abcde25', securityGroupId: 'sg-0123456789abcde25', imageId: 'ami-0123456789abcde25' };
// What EC2 answers a spot launch it has no spot capacity for, and one over the account's spot limit.
const NO_SPOT_CAPACITY: Ec2Fault = { status: 500, code: 'InsufficientInstanceCapacity', message: 'There is no Spot capacity available that matches your request.' };
const SPOT_LIMIT: Ec2Fault = { status: 400, code: 'MaxSpotInstanceCountExceeded', message: 'Max spot instance count exceeded' };

const spot = new AwsProvider(db, 'aws_spot');
let network: HostNetwork;
let portal: AgentPortal;
let ec2: Ec2Facade;
let organization: { organizationId: string; actor: Actor };
let accountId: string;
let install: string;
let records: Node[];
const resources = new Map<string, NodeResource>();
const previous = { endpoint: process.env.OCS_AWS_EC2_ENDPOINT, poll: process.env.OCS_AWS_POLL_MS };

const launches = () => ec2.calls.filter((c) => c.action === 'RunInstances').length;
const instanceOf = (r: NodeResource) => ec2.instances.find((i) => r.resourceId.endsWith(`/${i.instanceId}`))!;
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));

async function create(record: Node): Promise<NodeResource> {
  return spot.createNode({
    name: record.name,
    spec: { provider: 'aws_spot', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', instanceType: 'm4.large', tags: {} },
    tags: { [INSTALL_TAG]: install, 'ocs.organizationId': organization.organizationId, 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId: organization.organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId },
  });
}

/** A spot instance launched straight through EC2 with this installation's tag, as a crash or a person would leave it. */
async function launchOrphan(): Promise<string> {
  const client = ec2Client({ region: 'ap-northeast-1', credentials: KEYS });
  try {
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: NETWORK.imageId,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: NETWORK.subnetId,
        SecurityGroupIds: [NETWORK.securityGroupId],
        InstanceMarketOptions: { MarketType: 'spot', SpotOptions: { SpotInstanceType: 'one-time', InstanceInterruptionBehavior: 'terminate' } },
        UserData: Buffer.from('#!/bin/sh\ntrue\n').toString('base64'),
        TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: INSTALL_TAG, Value: install }, { Key: 'ocs.nodeId', Value: randomUUID() }] }],
      }),
    );
    return `${accountId}/${out.Instances![0]!.InstanceId}`;
  } finally {
    client.destroy();
  }
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsspot', subnet: '10.203.25' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { instances: instanceBackend(network) });
  process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
  process.env.OCS_AWS_POLL_MS = '100';
  organization = await organizationWithMember();
  // aws_spot makes its nodes in the organization's aws accounts.
  accountId = (await addProviderAccount(db(), organization.actor, organization.organizationId, { provider: 'aws', name: 'lab-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS })).id;
  install = await installationId(db());
  records = await nodeRecords(2, { provider: 'aws_spot', organization });
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
});

afterAll(async () => {
  for (const r of resources.values()) await spot.deleteNode(r.resourceId).catch(() => {});
  await ec2?.settled();
  for (const [k, v] of [['OCS_AWS_EC2_ENDPOINT', previous.endpoint], ['OCS_AWS_POLL_MS', previous.poll]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await ec2?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('aws_spot provider on the local EC2 endpoint', { timeout: 120_000 }, () => {
  it('launches spot instances once EC2 stops throttling; their agents dial home from the instances', async () => {
    // EC2 throttles the first launch: the SDK backs off and tries again, with the same ClientToken.
    const before = launches();
    ec2.failNext('RunInstances', FAULTS.throttled, 1);
    for (const record of records) resources.set(record.id, await create(record));
    for (const record of records) await agentDialledHome(record);
    expect(launches() - before).toBe(records.length + 1);
    for (const record of records) {
      const made = resources.get(record.id)!;
      expect(made).toMatchObject({ name: record.name, accountId, ipAddress: expect.stringMatching(/^10\.203\.25\./) });
      expect(instanceOf(made)).toMatchObject({ spotType: 'one-time', clientToken: record.name, tags: { 'ocs.nodeId': record.id } });
    }
    expect(ec2.instances).toHaveLength(records.length);
  });

  it('a create repeated after a crash finds the same spot instance through its ClientToken', async () => {
    // The worker died after EC2 launched the instance, before the portal recorded it: the re-run asks EC2 again.
    const before = { instances: ec2.instances.length, launches: launches() };
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect({ instances: ec2.instances.length, launches: launches() }).toEqual({ ...before, launches: before.launches + 1 });
  });

  it('stops at once without spot capacity, or at the account\'s spot limit, saying what to do next', async () => {
    const [extra] = await nodeRecords(1, { provider: 'aws_spot', organization });
    await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.id, extra!.id));
    const before = { instances: ec2.instances.length, launches: launches() };

    ec2.failNext('RunInstances', NO_SPOT_CAPACITY, 1);
    const full = await refusal(create(extra!));
    expect(full).toBeInstanceOf(ProviderError);
    expect(full).toMatchObject({ code: 'InsufficientInstanceCapacity', retryable: false, message: expect.stringContaining('There is no Spot capacity available') });
    expect(explained(full)).toEqual([expect.stringContaining('別のフレーバーまたはサブネット (ゾーン) を選んでください'), expect.stringContaining('choose another flavor or subnet (zone)')]);

    ec2.failNext('RunInstances', SPOT_LIMIT, 1);
    const limited = await refusal(create(extra!));
    expect(limited).toMatchObject({ code: 'MaxSpotInstanceCountExceeded', retryable: false });
    expect(explained(limited)).toEqual([expect.stringContaining('スポットインスタンス数の上限に達しました'), expect.stringContaining("The account's spot instance limit is reached")]);

    // Each was asked once, and made nothing.
    expect({ instances: ec2.instances.length, launches: launches() }).toEqual({ ...before, launches: before.launches + 2 });
  });

  it('leaves a spot instance no node accounts for to the leak sweeper, which terminates it and keeps the nodes\' own', async () => {
    const orphan = await launchOrphan();
    const report = await sweepLeaks(db(), { graceMs: 0, dryRun: false, organizationId: organization.organizationId });
    expect(report.removed).toEqual([orphan]);
    expect(report.listed).toBe(resources.size + 1);
    const gone = ec2.instances.find((i) => orphan.endsWith(`/${i.instanceId}`))!;
    expect(gone).toMatchObject({ spotType: 'one-time', state: 'terminated' });
    for (const r of resources.values()) expect(instanceOf(r).state).toBe('running');
  });

  it('deletes spot instances, and the machines go with them', async () => {
    for (const [id, r] of resources) {
      await spot.deleteNode(r.resourceId);
      expect(await spot.describeNode(r.resourceId)).toBeNull();
      // Again: already gone is not an error.
      await spot.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(await spot.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    await ec2.settled();
    expect(network.hosts).toHaveLength(0);
  });
});
