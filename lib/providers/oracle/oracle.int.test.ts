// The oracle provider through OCI's own SDK against the local Core Services (test/clouds/oracle),
// which verifies every request's signature with the account's API key and whose instances are real
// namespace hosts on this test's own 10.203.15.0/24: the user data fetches the agent from the
// portal and the agent dials home. Launch (through throttling and a lost answer, which the retry
// token turns into one instance), idempotency after a crash, describe, list by tags across pages,
// power off and on, capacity and other errors with their explanations, a spent retry token, the
// connection test, what the endpoint refuses, the leak sweeper, and delete.
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { DefaultRequestSigner, SimpleAuthenticationDetailsProvider } from 'oci-common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, db } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { instanceBackend } from '@/test/clouds/instances';
import { FAULTS, startOciFacade, type OciFacade, type OciTenancy } from '@/test/clouds/oracle/facade';
import { ociApiKey } from '@/test/clouds/oracle/signature';
import { agentDialledHome, nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { DEFAULT_RETRY } from '../http';
import { INSTALL_TAG, installationId } from '../installation';
import { inLanguage } from '../explained';
import { ProviderError, type NodeResource } from '../types';
import { checkOracleAccount } from './account-check';
import { OciCloud } from './oci-cloud';
import { OracleProvider } from './oracle-provider';

// Read when the driver and lib/providers/http.ts load: quick polls and short backoffs; the SDK's
// own circuit breaker off (the driver turns it off per client too).
vi.hoisted(() => {
  process.env.OCS_OCI_POLL_MS = '100';
  process.env.OCS_PROVIDER_RETRY_MS = '50';
  process.env.OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED = 'false';
});

const REGION = 'ap-tokyo-1';
const AD = 'Uocm:AP-TOKYO-1-AD-1';
const KEY = ociApiKey();
const CREDENTIALS = { tenancyId: 'ocid1.tenancy.oc1..aaaaaaaaocslab', userId: 'ocid1.user.oc1..aaaaaaaaocsportal', fingerprint: KEY.fingerprint, privateKey: KEY.privateKey };
const SUBNET = { id: 'ocid1.subnet.oc1.ap-tokyo-1.aaaaaaaanodes', displayName: 'nodes', cidrBlock: '10.203.15.0/24' };
const IMAGE = { id: 'ocid1.image.oc1.ap-tokyo-1.aaaaaaaaubuntunode20', displayName: 'ubuntu-24.04-node20' };
const NETWORK = { compartmentId: 'ocid1.compartment.oc1..aaaaaaaaocslab', subnetId: SUBNET.id, availabilityDomain: AD };
const TENANCY: OciTenancy = {
  tenancyId: CREDENTIALS.tenancyId,
  userId: CREDENTIALS.userId,
  fingerprint: KEY.fingerprint,
  publicKey: KEY.publicKey,
  region: REGION,
  compartmentId: NETWORK.compartmentId,
  availabilityDomains: [AD, 'Uocm:AP-TOKYO-1-AD-2'],
  subnets: [SUBNET],
  images: [IMAGE],
  shapes: ['VM.Standard.E2.1', 'VM.Standard.E2.2', 'VM.Standard1.1sd'],
};

const provider = new OracleProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let oci: OciFacade;
let organization: { organizationId: string; actor: Actor };
let organizationId: string;
let accountId: string;
let records: Node[];
const resources = new Map<string, NodeResource>();

async function create(record: Node, own: { instanceType?: string; ipAddress?: string } = {}): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'oracle', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {}, ...(own.instanceType ? { instanceType: own.instanceType } : {}) },
    ...(own.ipAddress ? { ipAddress: own.ipAddress } : {}),
    // As a build tags it (lib/builds/create-nodes.ts).
    tags: { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId },
  });
}

/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));
const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const callsOf = (op: string) => oci.calls.filter((c) => c.op === op).length;
const instanceOf = (record: Node) => oci.instances.find((i) => i.displayName === record.name && i.lifecycleState !== 'TERMINATED')!;

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsoci', subnet: '10.203.15' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  // One item per page: every listing the driver makes has to follow opc-next-page.
  oci = await startOciFacade(TENANCY, { instances: instanceBackend(network), pageSize: 1 });
  process.env.OCS_OCI_ENDPOINT = oci.endpoint;
  organization = await organizationWithMember();
  organizationId = organization.organizationId;
  accountId = (await addProviderAccount(db(), organization.actor, organizationId, { provider: 'oracle', name: 'lab-oci', region: REGION, network: { ...NETWORK, imageId: IMAGE.id }, credentials: CREDENTIALS })).id;
  records = await nodeRecords(2, { provider: 'oracle', organization });
  // As a build records it: the unit's nodes are made in this account.
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
});

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await oci?.settled();
  await oci?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('oracle provider on the local OCI Core Services', { timeout: 120_000 }, () => {
  it('launches instances whose user data installs the agent, which dials home from the VNIC address', async () => {
    // The first launch is throttled, then its answer is lost after OCI made the instance: the
    // driver tries again with the same retry token, and OCI answers with that instance.
    oci.failNext('LaunchInstance', FAULTS.throttled, 1);
    oci.failNext('LaunchInstance', FAULTS.lostAnswer, 1);
    for (const record of records) resources.set(record.id, await create(record));
    expect(callsOf('LaunchInstance')).toBe(4);
    expect(oci.instances).toHaveLength(2);
    for (const record of records) await agentDialledHome(record);
    const ips = [...resources.values()].map((r) => r.ipAddress);
    expect(ips.every((ip) => ip.startsWith('10.203.15.'))).toBe(true);
    expect(new Set(ips).size).toBe(2);
    const instance = instanceOf(records[0]!);
    // The flavor's shape and boot volume, the account's compartment, domain, subnet and image.
    expect(instance).toMatchObject({ shape: 'VM.Standard.E2.1', bootVolumeSizeInGBs: 50, compartmentId: NETWORK.compartmentId, availabilityDomain: AD, subnetId: SUBNET.id, imageId: IMAGE.id, lifecycleState: 'RUNNING', privateIpAsked: null });
    expect(instance.freeformTags).toEqual({ [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': records[0]!.unitGroupId, 'ocs.nodeId': records[0]!.id });
    expect(instance.userData.startsWith('#cloud-boothook\n')).toBe(true);
    expect(resources.get(records[0]!.id)).toMatchObject({ resourceId: `${accountId}/${instance.id}`, name: records[0]!.name, state: 'running', accountId, ipAddress: instance.machine!.host.ip });
    // Every call was signed with the account's API key.
    expect(new Set(oci.calls.map((c) => c.keyId))).toEqual(new Set([`${CREDENTIALS.tenancyId}/${CREDENTIALS.userId}/${KEY.fingerprint}`]));
  });

  it('a create repeated after a crash finds the same instance', async () => {
    const launches = callsOf('LaunchInstance');
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect(oci.instances.filter((i) => i.displayName === records[0]!.name)).toHaveLength(1);
    expect(callsOf('LaunchInstance')).toBe(launches);
  });

  it('describes and lists the instances by their tags', async () => {
    const first = resources.get(records[0]!.id)!;
    oci.failNext('GetInstance', FAULTS.throttled, 1);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ resourceId: first.resourceId, name: records[0]!.name, state: 'running', ipAddress: first.ipAddress, tags: { 'ocs.nodeId': records[0]!.id } });
    const listed = await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(listed.map((r) => r.resourceId).sort()).toEqual([...resources.values()].map((r) => r.resourceId).sort());
    expect((await provider.listResources({ 'ocs.nodeId': records[1]!.id })).map((r) => r.resourceId)).toEqual([resources.get(records[1]!.id)!.resourceId]);
    const [elsewhere] = await nodeRecords(1, { provider: 'oracle', organization });
    expect(await provider.listResources({ 'ocs.unitGroupId': elsewhere!.unitGroupId })).toEqual([]);
    expect(await provider.describeNode(`${accountId}/ocid1.instance.oc1.ap-tokyo-1.aaaaaaaanothere`)).toBeNull();
  });

  it('powers an instance off gracefully and on again: its agent stops, and dials home again at boot', async () => {
    const first = resources.get(records[0]!.id)!;
    await provider.powerOff(first.resourceId);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'stopped' });
    expect(oci.calls.filter((c) => c.op === 'InstanceAction').map((c) => new URL(c.target, 'http://x').searchParams.get('action'))).toEqual(['SOFTSTOP']);
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

  it('tells a plain internal error from a shortage of host capacity by OCI\'s capacity report', async () => {
    const [extra] = await nodeRecords(1, { provider: 'oracle', organization });
    // Retried as transient, then given up: the capacity report says the shape is available.
    oci.failNext('LaunchInstance', FAULTS.internal, 1 + DEFAULT_RETRY.retries);
    expect(await refusal(create(extra!))).toMatchObject({ code: 'InternalError', retryable: true, message: expect.stringContaining('Internal error occurred') });
    // The same 500 InternalError, with the message OCI sends when it has no host for the shape.
    const reports = callsOf('CreateComputeCapacityReport');
    // Looked into at once, and not tried again: one launch, one report.
    const launches = callsOf('LaunchInstance');
    oci.failNext('LaunchInstance', FAULTS.capacity, 1);
    const refused = await refusal(create(extra!));
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: 'OutOfHostCapacity', retryable: false, message: expect.stringContaining('Out of host capacity.') });
    expect(explained(refused)).toEqual([expect.stringContaining('別のシェイプ (フレーバー) または可用性ドメインを選んでください'), expect.stringContaining('choose another shape (flavor) or availability domain')]);
    expect([callsOf('LaunchInstance'), callsOf('CreateComputeCapacityReport')]).toEqual([launches + 1, reports + 1]);
    expect(oci.instances.filter((i) => i.displayName === extra!.name)).toHaveLength(0);
  });

  it('explains a shape or fixed address OCI refuses, which trying again does not cure', async () => {
    const [extra] = await nodeRecords(1, { provider: 'oracle', organization });
    const launches = callsOf('LaunchInstance');
    expect(await refusal(create(extra!, { instanceType: 'VM.Nope.1' }))).toMatchObject({ code: 'InvalidParameter', retryable: false, message: expect.stringContaining('Invalid shape: VM.Nope.1') });
    // The node's fixed address goes to the VNIC: one outside the subnet is refused.
    expect(await refusal(create(extra!, { ipAddress: '10.9.9.9' }))).toMatchObject({ code: 'InvalidParameter', message: expect.stringContaining('createVnicDetails.privateIp: 10.9.9.9') });
    expect(callsOf('LaunchInstance')).toBe(launches + 2);
    expect(oci.instances.filter((i) => i.displayName === extra!.name)).toHaveLength(0);
  });

  it('tests the account: the right settings are found, a wrong key or subnet is explained', async () => {
    const account = { provider: 'oracle', region: REGION, network: { ...NETWORK, imageId: IMAGE.id }, credentials: CREDENTIALS };
    expect(await checkOracleAccount(account)).toMatchObject({ ok: true, code: null, message: expect.stringContaining(`subnet ${SUBNET.displayName} (${SUBNET.cidrBlock}) and image ${IMAGE.displayName} found`) });
    // Another key under the same fingerprint: the signature does not verify.
    const wrongKey = await checkOracleAccount({ ...account, credentials: { ...CREDENTIALS, privateKey: ociApiKey().privateKey } });
    expect(wrongKey).toMatchObject({ ok: false, code: 'NotAuthenticated', advice: { en: expect.stringContaining('private key'), ja: expect.stringContaining('秘密鍵') } });
    expect(oci.refused.at(-1)).toBe('the signature does not verify with the API key');
    const missing = 'ocid1.subnet.oc1.ap-tokyo-1.aaaaaaaamissing';
    const wrongSubnet = await checkOracleAccount({ ...account, network: { ...account.network, subnetId: missing } });
    expect(wrongSubnet).toMatchObject({ ok: false, code: 'NotAuthorizedOrNotFound', message: expect.stringContaining(missing), advice: { en: expect.stringContaining('policy') } });
  });

  it('the local Core Services refuse what OCI refuses, naming what is wrong', async () => {
    const cloud = new OciCloud({ credentials: CREDENTIALS, region: REGION, network: NETWORK });
    const good = { availabilityDomain: AD, compartmentId: NETWORK.compartmentId, shape: 'VM.Standard.E2.1', displayName: 'refused', sourceDetails: { sourceType: 'image', imageId: IMAGE.id }, createVnicDetails: { subnetId: SUBNET.id } };
    const launch = (details: Record<string, unknown>) => refusal(cloud.compute.launchInstance({ launchInstanceDetails: { ...good, ...details } as typeof good }));
    const refused = (statusCode: number, serviceCode: string, message: string) => ({ statusCode, serviceCode, message: expect.stringContaining(message) });
    expect(await launch({ availabilityDomain: undefined })).toMatchObject(refused(400, 'InvalidParameter', 'availabilityDomain may not be null'));
    expect(await launch({ availabilityDomain: 'Uocm:AP-OSAKA-1-AD-1' })).toMatchObject(refused(400, 'InvalidParameter', 'Invalid availabilityDomain'));
    expect(await launch({ sourceDetails: { sourceType: 'image', imageId: IMAGE.id, bootVolumeSizeInGBs: 20 } })).toMatchObject(refused(400, 'InvalidParameter', 'sourceDetails.bootVolumeSizeInGBs'));
    expect(await launch({ createVnicDetails: { subnetId: SUBNET.id, privateIp: '10.9.9.9' } })).toMatchObject(refused(400, 'InvalidParameter', 'createVnicDetails.privateIp'));
    expect(await launch({ metadata: { user_data: '#!/bin/sh' } })).toMatchObject(refused(400, 'InvalidParameter', 'metadata.user_data'));
    expect(await launch({ createVnicDetails: { subnetId: 'ocid1.subnet.oc1.ap-tokyo-1.aaaaaaaamissing' } })).toMatchObject(refused(400, 'RelatedResourceNotAuthorizedOrNotFound', 'Subnet'));
    expect(await launch({ compartmentId: 'ocid1.compartment.oc1..aaaaaaaaother' })).toMatchObject(refused(404, 'NotAuthorizedOrNotFound', 'Authorization failed'));
    // Signed, then the body changed on the way: its SHA-256 no longer matches.
    const request = { method: 'POST' as const, uri: `${oci.endpoint}/20160918/instances`, headers: new Headers(), body: JSON.stringify(good) };
    await new DefaultRequestSigner(new SimpleAuthenticationDetailsProvider(CREDENTIALS.tenancyId, CREDENTIALS.userId, KEY.fingerprint, KEY.privateKey, null)).signHttpRequest(request);
    const tampered = await fetch(request.uri, { method: 'POST', headers: request.headers, body: request.body.replace('E2.1', 'E2.2') });
    expect([tampered.status, await tampered.json()]).toEqual([401, { code: 'NotAuthenticated', message: expect.any(String) }]);
    expect(oci.refused.at(-1)).toBe('x-content-sha256 is not the SHA-256 of the body');
    const unsigned = await fetch(`${oci.endpoint}/20160918/instances?compartmentId=${NETWORK.compartmentId}`);
    expect(unsigned.status).toBe(401);
    expect(oci.instances.filter((i) => i.displayName === good.displayName)).toHaveLength(0);
  });

  it('a node whose instance was terminated gets a new one: OCI refuses the spent retry token, the next is used', async () => {
    const [extra] = await nodeRecords(1, { provider: 'oracle', organization });
    const first = await create(extra!);
    await provider.deleteNode(first.resourceId);
    const launches = callsOf('LaunchInstance');
    const second = await create(extra!);
    expect(second.resourceId).not.toBe(first.resourceId);
    expect(callsOf('LaunchInstance')).toBe(launches + 2);
    await provider.deleteNode(second.resourceId);
  });

  it('leaves an instance no node accounts for to the leak sweeper, which removes it', async () => {
    // Launched by hand with this installation's tag, for a node the portal never had.
    const cloud = new OciCloud({ credentials: CREDENTIALS, region: REGION, network: NETWORK });
    const { instance } = await cloud.compute.launchInstance({
      launchInstanceDetails: {
        availabilityDomain: AD,
        compartmentId: NETWORK.compartmentId,
        shape: 'VM.Standard.E2.1',
        displayName: 'ocs-orphan',
        sourceDetails: { sourceType: 'image', imageId: IMAGE.id },
        createVnicDetails: { subnetId: SUBNET.id },
        metadata: { user_data: Buffer.from('#!/bin/sh\ntrue\n').toString('base64') },
        freeformTags: { [INSTALL_TAG]: await installationId(db()), 'ocs.nodeId': randomUUID() },
      },
    });
    await oci.settled();
    const report = await sweepLeaks(db(), { graceMs: 0, dryRun: false, organizationId });
    expect(report.removed).toEqual([`${accountId}/${instance.id}`]);
    expect(oci.instances.find((i) => i.id === instance.id)).toMatchObject({ lifecycleState: 'TERMINATED', bootVolumePreserved: false });
  });

  it('terminates instances with their boot volumes, and the machines go with them', async () => {
    for (const [id, r] of resources) {
      await provider.deleteNode(r.resourceId);
      expect(await provider.describeNode(r.resourceId)).toBeNull();
      // Again: already gone is not an error.
      await provider.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    expect(oci.instances.every((i) => i.lifecycleState === 'TERMINATED' && i.bootVolumePreserved === false)).toBe(true);
    expect(network.hosts).toHaveLength(0);
  });
});
