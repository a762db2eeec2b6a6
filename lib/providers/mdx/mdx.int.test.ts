// The mdx provider over fetch against the local mdx API (test/clouds/mdx), whose VMs are real
// namespace hosts on this test's own 10.203.11.0/24: the portal signs in to each over SSH with the
// organization's key (the deploy's shared_key) and installs the agent, which dials home from the VM's
// address. Create, idempotency by the VM's name, the token rotated after every call and kept (the
// first token refused afterwards, two processes at once on one account), describe, list by tags,
// power off and on, throttling then success, a capacity error with its advice, destroy only after
// power off, and the connection test.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, connectionConfig, db } from '@/lib/db/client';
import * as schema from '@/lib/db/schema';
import { nodes, organizationSshKeys, providerAccounts, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { instanceBackend } from '@/test/clouds/instances';
import { FAULTS, startMdxFacade, type MdxAccount, type MdxFacade } from '@/test/clouds/mdx/facade';
import { agentDialledHome, nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { INSTALL_TAG, installationId } from '../installation';
import { inLanguage } from '../explained';
import { ProviderError, type NodeResource } from '../types';
import { checkMdxAccount } from './account-check';
import { MdxProvider } from './mdx-provider';

const CATALOG = { uuid: randomUUID(), name: 'Ubuntu 22.04 + Node.js 20', template_name: 'UT-20250205-1029-ubuntu-2204-server', os_type: 'Linux', login_username: os.userInfo().username };
const LAB: MdxAccount = { token: 'eyJhbGciOiJIUzI1NiJ9.first-token.signature', projectId: randomUUID(), projectName: 'lab-project', segments: [{ uuid: randomUUID(), name: 'lab-segment' }], catalogs: [CATALOG] };
const NEWCOMER: MdxAccount = { token: 'eyJhbGciOiJIUzI1NiJ9.newcomer-token.signature', projectId: randomUUID(), projectName: 'newcomer-project', segments: [{ uuid: randomUUID(), name: 'newcomer-segment' }], catalogs: [CATALOG] };
const ELSEWHERE: MdxAccount = { token: 'eyJhbGciOiJIUzI1NiJ9.elsewhere-token.signature', projectId: randomUUID(), projectName: 'elsewhere-project', segments: [{ uuid: randomUUID(), name: 'elsewhere-segment' }], catalogs: [CATALOG] };
const networkOf = (a: MdxAccount) => ({ projectId: a.projectId, networkSegment: a.segments[0]!.uuid, catalog: CATALOG.uuid });

const provider = new MdxProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let mdx: MdxFacade;
let organization: { organizationId: string; actor: Actor };
let accountId: string;
let firstSealed: string;
let install: string;
let records: Node[];
const resources = new Map<string, NodeResource>();
const previous = { endpoint: process.env.OCS_MDX_ENDPOINT, poll: process.env.OCS_MDX_POLL_MS };

/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));

async function create(record: Node): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'mdx', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
    // As a build tags it (lib/builds/create-nodes.ts).
    tags: { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organization.organizationId, 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId: organization.organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId },
  });
}

async function sealed(): Promise<string> {
  const [row] = await db().select({ credentials: providerAccounts.credentials }).from(providerAccounts).where(eq(providerAccounts.id, accountId));
  return row!.credentials;
}
const storedToken = async () => openProviderCredentials(accountId, await sealed()).token!;
const vmOf = (record: Node) => mdx.instances.find((v) => v.name === `ocs-${install}-${record.id}`)!;
/** mdx's answer to `token`, asked directly (no refresh follows, so the token stays what it was). */
const answerTo = (token: string, apiPath = '/api/project/assigned/', method = 'GET') => fetch(`${mdx.url}${apiPath}`, { method, headers: { authorization: `JWT ${token}` } }).then((r) => r.status);

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsmdx', subnet: '10.203.11' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  // Lists come a page of one VM at a time, so every lookup by name pages through them.
  mdx = await startMdxFacade([LAB, NEWCOMER, ELSEWHERE], { instances: instanceBackend(network), pageSize: 1 });
  process.env.OCS_MDX_ENDPOINT = mdx.url;
  process.env.OCS_MDX_POLL_MS = '50';
  organization = await organizationWithMember();
  install = await installationId(db());
  accountId = (await addProviderAccount(db(), organization.actor, organization.organizationId, { provider: 'mdx', name: 'lab-mdx', network: networkOf(LAB), credentials: { token: LAB.token } })).id;
  firstSealed = await sealed();
  records = await nodeRecords(2, { provider: 'mdx', organization });
  // As a build records it: the unit's nodes are made in this account.
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
});

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await mdx?.settled();
  for (const [name, value] of [['OCS_MDX_ENDPOINT', previous.endpoint], ['OCS_MDX_POLL_MS', previous.poll]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await mdx?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('mdx provider on the local mdx API', { timeout: 120_000 }, () => {
  it('deploys VMs and installs the agent over SSH, which dials home from the VM address', async () => {
    // mdx throttles the first deploy: the driver backs off and tries again.
    mdx.failNext('deploy', FAULTS.throttled, 1);
    for (const record of records) resources.set(record.id, await create(record));
    for (const record of records) await agentDialledHome(record);
    const ips = [...resources.values()].map((r) => r.ipAddress);
    expect(ips.every((ip) => ip.startsWith('10.203.11.'))).toBe(true);
    expect(new Set(ips).size).toBe(2);
    expect(mdx.calls.filter((c) => c.op === 'deploy')).toHaveLength(3);
    const [key] = await db().select({ publicKey: organizationSshKeys.publicKey }).from(organizationSshKeys).where(eq(organizationSshKeys.organizationId, organization.organizationId));
    const vm = vmOf(records[0]!);
    expect(vm.deployment).toEqual({
      catalog: CATALOG.uuid,
      template_name: CATALOG.template_name,
      os_type: 'Linux',
      pack_type: 'cpu',
      pack_num: 3,
      gpu: '0',
      disk_size: 40,
      network_adapters: [{ adapter_number: 1, segment: LAB.segments[0]!.uuid }],
      shared_key: key!.publicKey,
      storage_network: 'portgroup',
      service_level: 'spot',
      power_on: true,
      project: LAB.projectId,
      vm_name: `ocs-${install}-${records[0]!.id}`,
    });
    expect(vm.machine!.host.ip).toBe(resources.get(records[0]!.id)!.ipAddress);
    // The agent is in the VM's own home, as on a VM of its own.
    expect(existsSync(path.join(vm.machine!.home, '.ocs-portal', 'nodes', vm.name, 'node.json'))).toBe(true);
  });

  it('a create repeated after a crash finds the VM by its name and deploys nothing', async () => {
    const deploys = mdx.calls.filter((c) => c.op === 'deploy').length;
    const before = mdx.instances.length;
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect(mdx.instances).toHaveLength(before);
    expect(mdx.calls.filter((c) => c.op === 'deploy')).toHaveLength(deploys);
  });

  it('refreshes the token after every call and keeps the new one; two processes at once keep the account working', async () => {
    expect(await sealed()).not.toBe(firstSealed);
    const spentTokens = new Set(mdx.calls.filter((c) => c.op === 'refresh').map((c) => c.token));
    expect(mdx.calls.filter((c) => c.op !== 'refresh').every((c) => spentTokens.has(c.token))).toBe(true);
    expect(await answerTo(LAB.token)).toBe(401);

    // A second process: its own connections, its own provider, on the same account at the same time.
    const otherPool = new pg.Pool(connectionConfig());
    try {
      const otherDb = drizzle(otherPool, { schema, casing: 'snake_case' });
      const other = new MdxProvider(() => otherDb);
      const first = resources.get(records[0]!.id)!;
      const seen = await Promise.all([1, 2, 3].flatMap(() => [provider.describeNode(first.resourceId), other.describeNode(first.resourceId)]));
      expect(seen.map((r) => r?.state)).toEqual(Array(6).fill('running'));
    } finally {
      await otherPool.end();
    }

    // A refresh that fails for a moment is tried again; the call it follows is not repeated.
    const from = mdx.calls.length;
    mdx.failNext('refresh', FAULTS.unavailable, 1);
    expect(await provider.describeNode(resources.get(records[1]!.id)!.resourceId)).toMatchObject({ state: 'running' });
    expect(mdx.calls.slice(from).map((c) => c.op)).toEqual(['vm', 'refresh', 'refresh']);
    expect(await answerTo(await storedToken())).toBe(200);
  });

  it('describes the VMs and lists them by the tags their names and the portal records give back', async () => {
    const [first, second] = records.map((r) => resources.get(r.id)!) as [NodeResource, NodeResource];
    expect(await provider.describeNode(first.resourceId)).toMatchObject({
      resourceId: first.resourceId,
      name: records[0]!.name,
      state: 'running',
      ipAddress: first.ipAddress,
      accountId,
      tags: { [INSTALL_TAG]: install, 'ocs.nodeId': records[0]!.id, 'ocs.unitGroupId': records[0]!.unitGroupId, 'ocs.unitId': records[0]!.unitId, 'ocs.organizationId': organization.organizationId },
    });
    expect(await provider.describeNode(`${accountId}/${randomUUID()}`)).toBeNull();
    const ids = (list: NodeResource[]) => list.map((r) => r.resourceId).sort();
    expect(ids(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId }))).toEqual(ids([first, second]));
    expect(ids(await provider.listResources({ 'ocs.nodeId': records[1]!.id }))).toEqual([second.resourceId]);
    expect(ids(await provider.listResources({ [INSTALL_TAG]: install, 'ocs.organizationId': organization.organizationId }))).toEqual(ids([first, second]));
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId, [INSTALL_TAG]: 'ffffffffff' })).toEqual([]);
    expect(await provider.listResources({ 'ocs.unitGroupId': 'nobody' })).toEqual([]);
  });

  it('powers a VM off and on: its agent stops, and is started again once the VM has its address back', async () => {
    const first = resources.get(records[0]!.id)!;
    await provider.powerOff(first.resourceId);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'stopped', ipAddress: '' });
    const [before] = await db().select({ at: nodes.lastHeartbeatAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
    // mdx cannot take the power on for a moment: the driver tries again.
    mdx.failNext('power_on', FAULTS.unavailable, 1);
    expect(await provider.powerOn(first.resourceId)).toMatchObject({ state: 'running', ipAddress: first.ipAddress });
    expect(mdx.calls.filter((c) => c.op === 'power_on')).toHaveLength(2);
    await until('the agent to sync again after the boot', async () => {
      const [row] = await db().select({ startedAt: nodes.startedAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
      return row!.startedAt && before!.at && row!.startedAt > before!.at;
    }, 30_000, 100);
  });

  it('stops at a capacity error with what to do next, deploying nothing', async () => {
    const [extra] = await nodeRecords(1, { provider: 'mdx', organization });
    const before = mdx.instances.length;
    mdx.failNext('deploy', FAULTS.capacity, 1);
    const refused = await create(extra!).then(() => null, (e: unknown) => e);
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: 'resource_shortage', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('小さいフレーバーを選ぶか'), expect.stringContaining('choose a smaller flavor')]);
    expect(mdx.instances).toHaveLength(before);
  });

  it('says which field mdx refused in a deploy, and does not try it again', async () => {
    // An account whose segment is not in its project: mdx answers 400 naming network_adapters.
    const misnamed = (await addProviderAccount(db(), organization.actor, organization.organizationId, { provider: 'mdx', name: 'misnamed-mdx', network: { ...networkOf(ELSEWHERE), networkSegment: randomUUID() }, credentials: { token: ELSEWHERE.token } })).id;
    const [extra] = await nodeRecords(1, { provider: 'mdx', organization });
    const deploys = mdx.calls.filter((c) => c.op === 'deploy').length;
    const refused = await provider
      .createNode({
        name: extra!.name,
        spec: { provider: 'mdx', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
        tags: { 'ocs.nodeId': extra!.id },
        agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), extra!.id) },
        owner: { organizationId: organization.organizationId, unitGroupId: extra!.unitGroupId, nodeId: extra!.id, accountId: misnamed },
      })
      .then(() => null, (e: unknown) => e);
    expect(refused).toMatchObject({ code: 'invalid_request', retryable: false, message: expect.stringContaining('network_adapters') });
    expect(mdx.calls.filter((c) => c.op === 'deploy')).toHaveLength(deploys + 1);
  });

  it('checks accounts: a stored one with its rotated token, a new one without spending its token, and says why one fails', async () => {
    const before = await storedToken();
    expect(await checkMdxAccount({ id: accountId, provider: 'mdx', region: null, network: networkOf(LAB), credentials: {} })).toMatchObject({ ok: true, code: null, message: expect.stringContaining('lab-segment') });
    expect(await storedToken()).not.toBe(before);
    expect(await answerTo(await storedToken())).toBe(200);

    expect(await checkMdxAccount({ provider: 'mdx', region: null, network: networkOf(NEWCOMER), credentials: { token: NEWCOMER.token } })).toMatchObject({ ok: true });
    // Not stored yet: its token was not refreshed, so the one typed stays good for storing.
    expect(await answerTo(NEWCOMER.token)).toBe(200);

    const spent = await checkMdxAccount({ provider: 'mdx', region: null, network: networkOf(LAB), credentials: { token: LAB.token } });
    expect(spent).toMatchObject({ ok: false, code: 'token_rejected', advice: { en: expect.stringContaining('mdx user portal'), ja: expect.stringContaining('トークン発行') } });
    const wrongSegment = await checkMdxAccount({ provider: 'mdx', region: null, network: { ...networkOf(NEWCOMER), networkSegment: LAB.segments[0]!.uuid }, credentials: { token: NEWCOMER.token } });
    expect(wrongSegment).toMatchObject({ ok: false, code: 'no_segment', advice: { en: expect.stringContaining('segment ID') } });
  });


  it('leaves a machine whose node is gone to the leak sweeper, which removes it', async () => {
    const [orphan] = await nodeRecords(1, { provider: 'mdx', organization });
    await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, orphan!.unitId));
    const made = await create(orphan!);
    resources.set(orphan!.id, made);
    await agentDialledHome(orphan!);
    // The node's record is gone (deleted by hand, say) while its machine stays.
    await db().update(nodes).set({ deletedAt: new Date(), state: 'DELETED' }).where(eq(nodes.id, orphan!.id));
    const report = await sweepLeaks(db(), { graceMs: 0, dryRun: false, organizationId: organization.organizationId });
    expect(report.failures).toEqual([]);
    expect(report.removed).toEqual([made.resourceId]);
    expect(await provider.describeNode(made.resourceId)).toBeNull();
    resources.delete(orphan!.id);
  });
  it('destroys a VM only once it is powered off, and the machines go with them', async () => {
    const running = resources.get(records[1]!.id)!;
    // mdx refuses to destroy a running VM.
    expect(await answerTo(await storedToken(), `/api/vm/${running.resourceId.split('/')[1]}/destroy/`, 'POST')).toBe(409);
    const from = mdx.calls.length;
    for (const [id, r] of resources) {
      await provider.deleteNode(r.resourceId);
      expect(await provider.describeNode(r.resourceId)).toBeNull();
      // Again: already gone is not an error.
      await provider.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(mdx.calls.slice(from).filter((c) => ['power_off', 'destroy'].includes(c.op)).map((c) => c.op)).toEqual(['power_off', 'destroy', 'power_off', 'destroy']);
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    expect(network.hosts).toHaveLength(0);
  });
});
