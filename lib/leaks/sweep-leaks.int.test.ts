// The leak sweeper against the local EC2 endpoint (real @aws-sdk/client-ec2, instances as real
// namespace hosts on this test's own 10.203.13.0/24): machines this installation tagged that no
// live node accounts for are recorded, kept through the grace period and in dry-run mode, then
// terminated with an audit entry; a live node's machine and another installation's are never
// touched; an account that cannot be listed does not stop the others.
import { RunInstancesCommand } from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, leakedResources, nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { ec2Client } from '@/lib/providers/aws/ec2-client';
import { INSTALL_TAG, installationId } from '@/lib/providers/installation';
import { startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { instanceBackend } from '@/test/clouds/instances';
import { nodeRecords, organizationWithMember } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { sweepLeaks } from './sweep-leaks';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7LEAKS01', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYLEAKSKEY' };
const NETWORK = { subnetId: 'subnet-0123456789abcde01', securityGroupId: 'sg-0123456789abcde01', imageId: 'ami-0123456789abcde01' };
const MINUTE = 60_000;
const GRACE = 60 * MINUTE;

let network: HostNetwork;
let ec2: Ec2Facade;
let organizationId: string;
let actor: Actor;
let accountId: string;
let install: string;
let records: Node[];
const previous = process.env.OCS_AWS_EC2_ENDPOINT;

/** An instance made straight through EC2, as a crash or a person would leave it. */
async function launch(tags: Record<string, string>): Promise<string> {
  const client = ec2Client({ region: 'ap-northeast-1', credentials: KEYS });
  try {
    const out = await client.send(
      new RunInstancesCommand({
        ImageId: NETWORK.imageId,
        MinCount: 1,
        MaxCount: 1,
        SubnetId: NETWORK.subnetId,
        SecurityGroupIds: [NETWORK.securityGroupId],
        UserData: Buffer.from('#!/bin/sh\ntrue\n').toString('base64'),
        TagSpecifications: [{ ResourceType: 'instance', Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) }],
      }),
    );
    return `${accountId}/${out.Instances![0]!.InstanceId}`;
  } finally {
    client.destroy();
  }
}

const stateOf = (resourceId: string) => ec2.instances.find((i) => resourceId.endsWith(`/${i.instanceId}`))!.state;
const leakOf = async (resourceId: string) => (await db().select().from(leakedResources).where(eq(leakedResources.resourceId, resourceId)))[0];

let live: string;
let unknownNode: string;
let deletedNode: string;
let foreign: string;

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsleak', subnet: '10.203.13' });
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { instances: instanceBackend(network) });
  process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
  const organization = await organizationWithMember();
  organizationId = organization.organizationId;
  actor = organization.actor;
  accountId = (await addProviderAccount(db(), organization.actor, organizationId, { provider: 'aws', name: 'lab-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS })).id;
  records = await nodeRecords(2, { provider: 'aws', organization });
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
  install = await installationId(db());

  live = await launch({ [INSTALL_TAG]: install, 'ocs.nodeId': records[0]!.id, Name: records[0]!.name });
  unknownNode = await launch({ [INSTALL_TAG]: install, 'ocs.nodeId': randomUUID() });
  deletedNode = await launch({ [INSTALL_TAG]: install, 'ocs.nodeId': records[1]!.id, Name: records[1]!.name });
  foreign = await launch({ [INSTALL_TAG]: 'another0001', 'ocs.nodeId': randomUUID() });
  await db().update(nodes).set({ deletedAt: new Date(), state: 'DELETED' }).where(eq(nodes.id, records[1]!.id));
  await ec2.settled();
});

afterAll(async () => {
  await ec2?.settled();
  process.env.OCS_AWS_EC2_ENDPOINT = previous;
  if (previous === undefined) delete process.env.OCS_AWS_EC2_ENDPOINT;
  await ec2?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('leak sweeper', { timeout: 120_000 }, () => {
  const t0 = new Date();

  it('records the machines no live node accounts for, and nothing else', async () => {
    const report = await sweepLeaks(db(), { graceMs: GRACE, dryRun: false, now: t0, organizationId });
    expect(report.failures).toEqual([]);
    expect(report.listed).toBeGreaterThanOrEqual(3);
    expect(report.removed).toEqual([]);
    expect((await leakOf(unknownNode))?.reason).toMatch(/is not in the portal's database/);
    expect((await leakOf(deletedNode))?.reason).toMatch(new RegExp(`its node ${records[1]!.name} was deleted`));
    expect(await leakOf(live)).toBeUndefined();
    expect(await leakOf(foreign)).toBeUndefined();
    expect([unknownNode, deletedNode, live, foreign].map(stateOf)).toEqual(['running', 'running', 'running', 'running']);
  });

  it('keeps leaks through the grace period, and past it in dry-run mode', async () => {
    const early = await sweepLeaks(db(), { graceMs: GRACE, dryRun: false, now: new Date(t0.getTime() + 30 * MINUTE), organizationId });
    expect(early.removed).toEqual([]);
    const dry = await sweepLeaks(db(), { graceMs: GRACE, dryRun: true, now: new Date(t0.getTime() + 61 * MINUTE), organizationId });
    expect(dry.removed).toEqual([]);
    expect(dry.wouldRemove.sort()).toEqual([unknownNode, deletedNode].sort());
    expect([unknownNode, deletedNode].map(stateOf)).toEqual(['running', 'running']);
    // The grace period counts from the first sighting, not the last.
    expect((await leakOf(unknownNode))!.firstSeenAt.getTime()).toBe(t0.getTime());
  });

  it('terminates each leak past its grace period, with an audit entry, and leaves the rest', async () => {
    const report = await sweepLeaks(db(), { graceMs: GRACE, dryRun: false, now: new Date(t0.getTime() + 61 * MINUTE), organizationId });
    expect(report.failures).toEqual([]);
    expect(report.removed.sort()).toEqual([unknownNode, deletedNode].sort());
    expect([unknownNode, deletedNode].map(stateOf)).toEqual(['terminated', 'terminated']);
    expect([live, foreign].map(stateOf)).toEqual(['running', 'running']);
    expect(await leakOf(unknownNode)).toMatchObject({ outcome: 'removed', organizationId });
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'leak.remove'), eq(auditEvents.organizationId, organizationId)));
    expect(audit.map((a) => [a.actorLabel, a.outcome, (a.details as { resourceId: string }).resourceId]).sort()).toEqual(
      [
        ['leak sweeper', 'success', unknownNode],
        ['leak sweeper', 'success', deletedNode],
      ].sort(),
    );
  });

  it('closes a leak someone else removed, and one that a node turns out to own', async () => {
    const byHand = await launch({ [INSTALL_TAG]: install, 'ocs.nodeId': randomUUID() });
    const lateNode = await launch({ [INSTALL_TAG]: install, 'ocs.nodeId': records[1]!.id });
    await ec2.settled();
    const t1 = new Date(t0.getTime() + 120 * MINUTE);
    await sweepLeaks(db(), { graceMs: GRACE, dryRun: false, now: t1, organizationId });
    expect((await leakOf(byHand))?.endedAt).toBeNull();
    expect((await leakOf(lateNode))?.endedAt).toBeNull();

    ec2.instances.find((i) => byHand.endsWith(i.instanceId))!.state = 'terminated';
    // The node was deleted by mistake in the database and is restored: its machine is its own again.
    await db().update(nodes).set({ deletedAt: null, state: 'RUNNING', providerResourceId: lateNode }).where(eq(nodes.id, records[1]!.id));
    await sweepLeaks(db(), { graceMs: GRACE, dryRun: false, now: new Date(t1.getTime() + MINUTE), organizationId });
    expect(await leakOf(byHand)).toMatchObject({ outcome: 'vanished' });
    expect(await leakOf(lateNode)).toMatchObject({ outcome: 'claimed' });
    expect(stateOf(lateNode)).toBe('running');
  });

  it('judges a machine that two accounts with the same credentials list once, by the machine', async () => {
    // The same AWS credentials with another network: every instance is listed through both accounts.
    await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'same-keys', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS });
    await db().update(nodes).set({ providerResourceId: live }).where(eq(nodes.id, records[0]!.id));
    const report = await sweepLeaks(db(), { graceMs: GRACE, dryRun: false, now: new Date(t0.getTime() + 200 * MINUTE), organizationId });
    expect(report.failures).toEqual([]);
    expect(report.removed).toEqual([]);
    const open = await db().select().from(leakedResources).where(and(eq(leakedResources.organizationId, organizationId), isNull(leakedResources.endedAt)));
    expect(open.map((l) => l.resourceId)).toEqual([]);
    expect(stateOf(live)).toBe('running');
  });

  it('goes on with the other accounts when one cannot be listed', async () => {
    const broken = await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'wrong-secret', region: 'ap-northeast-1', network: NETWORK, credentials: { ...KEYS, secretAccessKey: 'not-the-secret-of-this-key' } });
    const leak = await launch({ [INSTALL_TAG]: install });
    await ec2.settled();
    const t2 = new Date(t0.getTime() + 300 * MINUTE);
    const report = await sweepLeaks(db(), { graceMs: 0, dryRun: false, now: t2, organizationId });
    expect(report.failures.map((f) => [f.accountId, f.error.includes('SignatureDoesNotMatch')])).toEqual([[broken.id, true]]);
    expect(report.removed).toContain(leak);
    expect((await leakOf(leak))?.reason).toMatch(/names no node/);
  });
});
