// The vmware provider over vim25 SOAP and the Automation REST API against vcsim, VMware's own
// vCenter simulator built from Debian's Go sources (test/clouds/vmware/vcsim.ts), served over TLS
// with a certificate the account trusts as its CA. vcsim runs nothing, so a bridge
// (test/clouds/vmware/bridge.ts) plays the guest: a VM powered on with guestinfo user data boots a
// namespace host on this test's own 10.203.16.0/24 that runs it, and VMware Tools' report of its
// address; the agent the user data installs dials home from there. Clone, sizing, network and tags;
// idempotency by name; a clone task vCenter fails for a moment (HostCommunication) tried again, and
// one it fails for want of capacity (InsufficientResourcesFault) not, with its advice; describe
// and list by tags; sessions made again after vCenter ends them; power off (a guest shutdown) and
// on; faults with their advice; the connection test; the leak sweeper removing an orphan; delete
// with its tag associations.
import { randomUUID } from 'node:crypto';
import { and, eq, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import type { Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { nodes, providerAccounts, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { sweepLeaks } from '@/lib/leaks/sweep-leaks';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { instanceBackend } from '@/test/clouds/instances';
import { startBridge, type VsphereBridge } from '@/test/clouds/vmware/bridge';
import { startVcsim, type Vcsim } from '@/test/clouds/vmware/vcsim';
import { nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { INSTALL_TAG, installationId } from '../installation';
import { inLanguage } from '../explained';
import { ProviderError, type NodeResource } from '../types';
import { checkVmwareAccount } from './account-check';
import { VmwareFault } from './errors';
import { el, moref, text, type Moref } from './soap';
import { CATEGORY, Tagging } from './tags';
import { Vcenter, vcenterFor, type VcenterSettings } from './vcenter';
import { VmwareProvider } from './vmware-provider';

vi.hoisted(() => {
  process.env.OCS_VMWARE_POLL_MS = '100';
  process.env.OCS_PROVIDER_RETRY_MS = '50';
});

const USER = { username: 'ocs@vsphere.local', password: 'correct horse battery staple' };
// vcsim's VPX model, with the template and folder test/clouds/vmware/vcsim/main.go adds.
const NETWORK = { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0', network: 'DC0_DVPG0', template: 'templates/ubuntu-node20' };
const FOLDER = 'ocs-nodes';

const provider = new VmwareProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let vcsim: Vcsim;
let bridge: VsphereBridge;
let settings: VcenterSettings;
/** The test's own look at vcsim, as an administrator's vSphere Client would have. */
let admin: Vcenter;
let organization: { organizationId: string; actor: Actor };
let organizationId: string;
let accountId: string;
let records: Node[];
const resources = new Map<string, NodeResource>();

async function create(record: Node): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'vmware', flavor: 'medium', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
    tags: { [INSTALL_TAG]: await installationId(db()), 'ocs.organizationId': organizationId, 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId, unitGroupId: record.unitGroupId, nodeId: record.id, accountId },
  });
}

/** A refusal's message as a Japanese and an English reader see it: the provider's code and words, and its advice in their language. */
const explained = (refused: unknown) => (['ja', 'en'] as const).map((locale) => inLanguage((refused as Error).message, locale));

const refusal = (promise: Promise<unknown>) => promise.then(() => null, (e: unknown) => e);
const vmOf = (r: NodeResource): Moref => ({ type: 'VirtualMachine', value: r.resourceId.split('/')[1]! });
const folder = async () => (await admin.findByInventoryPath(`DC0/vm/${FOLDER}`))!;
/** The names of the VM folder's children. */
const inFolder = async () => {
  const children = (await admin.props(await folder(), ['childEntity']))!.get('childEntity')!.children.map((c) => c.moref);
  const vms = await admin.retrieve('VirtualMachine', children.filter((c) => c.type === 'VirtualMachine'), ['name']);
  return [...vms.values()].map((p) => p.text('name'));
};
/** A VM cloned from the template outside the driver, powered off and unconfigured. */
async function cloneTemplate(name: string): Promise<Moref> {
  const template = (await admin.findByInventoryPath(`DC0/vm/${NETWORK.template}`))!;
  const pool = (await admin.props((await admin.findByInventoryPath('DC0/host/DC0_C0'))!, ['resourcePool']))!.get('resourcePool')!.moref;
  const spec = el('spec', el('location', moref('pool', pool)) + text('template', false) + text('powerOn', false));
  return (await admin.task('CloneVM_Task', template, moref('folder', await folder()) + text('name', name) + spec))!.moref;
}
const attachedTags = async (vm: Moref) => (await admin.rest<string[] | null>('POST', '/com/vmware/cis/tagging/tag-association?~action=list-attached-tags', { object_id: { id: vm.value, type: vm.type } })) ?? [];

const heard = (record: Node) =>
  until(`node ${record.name}'s agent to dial home`, async () => (await db().select({ id: nodes.id }).from(nodes).where(and(eq(nodes.id, record.id), isNotNull(nodes.credentialHash), isNotNull(nodes.capabilities))))[0], 60_000, 100);

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsvmw', subnet: '10.203.16' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  vcsim = await startVcsim(USER);
  settings = { url: vcsim.url, ...USER, caCertificate: vcsim.caCertificate };
  admin = new Vcenter(settings);
  bridge = await startBridge(settings, instanceBackend(network));
  organization = await organizationWithMember();
  organizationId = organization.organizationId;
  // vcsim's certificate is its own: the account trusts it as vCenter's CA, as a lab would its VMCA.
  accountId = (await addProviderAccount(db(), organization.actor, organizationId, { provider: 'vmware', name: 'lab-vsphere', network: { ...NETWORK, folder: FOLDER }, credentials: settings })).id;
  records = await nodeRecords(2, { provider: 'vmware', organization });
  await db().update(nodes).set({ providerAccountId: accountId }).where(eq(nodes.unitId, records[0]!.unitId));
}, 240_000);

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await bridge?.close();
  await admin?.logout();
  await vcsim?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('vmware provider on vcsim', { timeout: 120_000 }, () => {
  it('clones VMs whose guestinfo user data starts the agent, which dials home from the address VMware Tools reports', async () => {
    for (const record of records) resources.set(record.id, await create(record));
    for (const record of records) await heard(record);
    const first = resources.get(records[0]!.id)!;
    const machine = bridge.machines.get(records[0]!.name)!;
    expect(machine.bootError).toBeNull();
    expect(first).toMatchObject({ resourceId: expect.stringMatching(new RegExp(`^${accountId}/vm-\\d+$`)), name: records[0]!.name, state: 'running', accountId, ipAddress: machine.instance!.host.ip });
    const ips = [...resources.values()].map((r) => r.ipAddress);
    expect(ips.every((ip) => ip.startsWith('10.203.16.'))).toBe(true);
    expect(new Set(ips).size).toBe(2);

    // Sized by the flavor (medium: 2 CPUs, 2048 MB, 40 GB), in the account's folder, on its distributed port group.
    const vm = (await admin.props(vmOf(first), ['parent', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'config.hardware.device', 'config.extraConfig']))!;
    expect(vm.get('parent')!.moref).toEqual(await folder());
    expect([vm.text('config.hardware.numCPU'), vm.text('config.hardware.memoryMB')]).toEqual(['2', '2048']);
    const devices = vm.get('config.hardware.device')!.children;
    expect(devices.find((d) => d.xsiType === 'VirtualDisk')!.textAt('capacityInKB')).toBe(String(40 * 1024 * 1024));
    const portgroup = (await admin.findByInventoryPath('DC0/network/DC0_DVPG0'))!;
    expect(devices.find((d) => d.xsiType === 'VirtualE1000')!.textAt('backing.port.portgroupKey')).toBe((await admin.props(portgroup, ['key']))!.text('key'));
    const extra = new Map(vm.get('config.extraConfig')!.children.map((o) => [o.textAt('key'), o.textAt('value')!]));
    expect(Buffer.from(extra.get('guestinfo.userdata')!, 'base64').toString().startsWith('#cloud-boothook\n')).toBe(true);
    expect(JSON.parse(Buffer.from(extra.get('guestinfo.metadata')!, 'base64').toString())).toEqual({ 'instance-id': records[0]!.name, 'local-hostname': records[0]!.name });
    expect(extra.get('guestinfo.userdata.encoding')).toBe('base64');

    // Its tags, one `key=value` tag each in the portal's category.
    const tags = await Promise.all((await attachedTags(vmOf(first))).map((id) => admin.rest<{ name: string; category_id: string }>('GET', `/com/vmware/cis/tagging/tag/id:${id}`)));
    expect(tags.map((t) => t.name).sort()).toEqual([`${INSTALL_TAG}=${await installationId(db())}`, `ocs.nodeId=${records[0]!.id}`, `ocs.organizationId=${organizationId}`, `ocs.unitGroupId=${records[0]!.unitGroupId}`].sort());
    expect((await admin.rest<{ name: string }>('GET', `/com/vmware/cis/tagging/category/id:${tags[0]!.category_id}`)).name).toBe(CATEGORY);
  });

  it('a create repeated after a crash finds the VM made the first time, started or not', async () => {
    const again = await create(records[0]!);
    expect(again.resourceId).toBe(resources.get(records[0]!.id)!.resourceId);
    expect((await inFolder()).filter((n) => n === records[0]!.name)).toHaveLength(1);
    // The worker died after the clone, before it configured and started the VM: the repeat does that.
    const [late] = await nodeRecords(1, { provider: 'vmware', organization });
    const cloned = await cloneTemplate(late!.name);
    const made = await create(late!);
    resources.set(late!.id, made);
    expect(made).toMatchObject({ resourceId: `${accountId}/${cloned.value}`, state: 'running' });
    expect((await inFolder()).filter((n) => n === late!.name)).toHaveLength(1);
    expect((await admin.props(cloned, ['config.hardware.numCPU']))!.text('config.hardware.numCPU')).toBe('2');
    await heard(late!);
  });

  it('clones again when vCenter fails a clone for a moment, and the VM comes up', async () => {
    const [extra] = await nodeRecords(1, { provider: 'vmware', organization });
    const served = await vcsim.faultsServed('CloneVM_Task');
    // The clone task fails as vCenter's does when it loses the host for a moment.
    await vcsim.failNext('CloneVM_Task', 'HostCommunication', { message: 'An error occurred while communicating with the remote host.' });
    const made = await create(extra!);
    resources.set(extra!.id, made);
    expect(await vcsim.faultsServed('CloneVM_Task')).toBe(served + 1);
    expect(made).toMatchObject({ name: extra!.name, state: 'running', ipAddress: expect.stringMatching(/^10\.203\.16\./) });
    expect((await inFolder()).filter((n) => n === extra!.name)).toHaveLength(1);
    await heard(extra!);
  });

  it('stops at once when the cluster has no room for a clone, saying what to do next', async () => {
    const [extra] = await nodeRecords(1, { provider: 'vmware', organization });
    const served = await vcsim.faultsServed('CloneVM_Task');
    // Once only: a second clone would succeed, so a retry would show as a VM made.
    await vcsim.failNext('CloneVM_Task', 'InsufficientResourcesFault', { message: 'Insufficient resources.' });
    const refused = await refusal(create(extra!));
    expect(refused).toBeInstanceOf(ProviderError);
    expect(refused).toMatchObject({ code: 'InsufficientResourcesFault', retryable: false, message: expect.stringContaining('vSphere InsufficientResourcesFault: Insufficient resources.') });
    expect(explained(refused)).toEqual([
      expect.stringContaining('クラスタ (またはリソースプール) に、このフレーバーの CPU・メモリ・ディスクを割り当てる余裕がありません'),
      expect.stringContaining('The cluster (or resource pool) has no room for the CPU, memory or disk of this flavor'),
    ]);
    expect(await vcsim.faultsServed('CloneVM_Task')).toBe(served + 1);
    expect(await inFolder()).not.toContain(extra!.name);
  });

  it('describes and lists the VMs by their tags', async () => {
    const first = resources.get(records[0]!.id)!;
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ resourceId: first.resourceId, name: records[0]!.name, state: 'running', ipAddress: first.ipAddress, tags: { 'ocs.nodeId': records[0]!.id, 'ocs.unitGroupId': records[0]!.unitGroupId } });
    const listed = await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(listed.map((r) => r.resourceId).sort()).toEqual(records.map((r) => resources.get(r.id)!.resourceId).sort());
    expect((await provider.listResources({ 'ocs.nodeId': records[1]!.id })).map((r) => r.resourceId)).toEqual([resources.get(records[1]!.id)!.resourceId]);
    const [elsewhere] = await nodeRecords(1, { provider: 'vmware', organization });
    expect(await provider.listResources({ 'ocs.unitGroupId': elsewhere!.unitGroupId })).toEqual([]);
    expect(await provider.describeNode(`${accountId}/vm-999999`)).toBeNull();
  });

  it('signs in again when vCenter ends its sessions', async () => {
    // An administrator ends every other session (vim25), and the driver's Automation API session ends.
    const { sessionManager } = await admin.managers();
    const sessions = (await admin.props(sessionManager, ['sessionList', 'currentSession']))!;
    const own = sessions.get('currentSession')!.textAt('key');
    const others = sessions.get('sessionList')!.children.map((s) => s.textAt('key')!).filter((k) => k !== own);
    expect(others.length).toBeGreaterThan(0);
    await admin.call('TerminateSession', sessionManager, others.map((k) => text('sessionId', k)).join(''));
    await vcenterFor(settings).rest('DELETE', '/com/vmware/cis/session');
    expect(await provider.describeNode(resources.get(records[1]!.id)!.resourceId)).toMatchObject({ state: 'running', tags: { 'ocs.nodeId': records[1]!.id } });
  });

  it('powers a VM off through a guest shutdown and on again: its agent stops, and dials home at boot', async () => {
    const first = resources.get(records[0]!.id)!;
    await provider.powerOff(first.resourceId);
    expect(await provider.describeNode(first.resourceId)).toMatchObject({ state: 'stopped' });
    await bridge.settled();
    expect(bridge.machines.get(records[0]!.name)!.bootedFor).toBeNull();
    // VMware Tools ran in the guest, so it was shut down rather than cut off.
    const content = (await admin.call('RetrieveServiceContent', { type: 'ServiceInstance', value: 'ServiceInstance' })).child('returnval')!;
    const shutdowns = el('filter', el('entity', moref('entity', vmOf(first)) + text('recursion', 'self')) + text('eventTypeId', 'VmGuestShutdownEvent') + text('maxCount', 100));
    expect((await admin.call('QueryEvents', content.child('eventManager')!.moref, shutdowns)).all('returnval')).toHaveLength(1);
    // Already off: nothing more to do.
    await provider.powerOff(first.resourceId);
    const [before] = await db().select({ at: nodes.lastHeartbeatAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
    expect(await provider.powerOn(first.resourceId)).toMatchObject({ state: 'running', ipAddress: first.ipAddress, tags: { 'ocs.nodeId': records[0]!.id } });
    await until(
      'the agent to sync again after the boot',
      async () => {
        const [row] = await db().select({ startedAt: nodes.startedAt }).from(nodes).where(eq(nodes.id, records[0]!.id));
        return row!.startedAt && before!.at && row!.startedAt > before!.at;
      },
      30_000,
      100,
    );
  });

  it('explains a template the account names that vCenter does not have, cloning nothing', async () => {
    const [extra] = await nodeRecords(1, { provider: 'vmware', organization });
    await db().update(providerAccounts).set({ network: { ...NETWORK, folder: FOLDER, template: 'templates/missing' } }).where(eq(providerAccounts.id, accountId));
    try {
      const refused = await refusal(create(extra!));
      expect(refused).toBeInstanceOf(ProviderError);
      expect(refused).toMatchObject({ code: 'TemplateNotFound', retryable: false });
      expect(explained(refused)).toEqual([expect.stringContaining('テンプレートには open-vm-tools、cloud-init (VMware データソース) と Node.js 20 以上が必要です'), expect.stringContaining('open-vm-tools, cloud-init (VMware datasource)')]);
    } finally {
      await db().update(providerAccounts).set({ network: { ...NETWORK, folder: FOLDER } }).where(eq(providerAccounts.id, accountId));
    }
    expect(await inFolder()).not.toContain(extra!.name);
  });

  it("explains a name another object in the folder holds, from vSphere's own DuplicateName fault", async () => {
    const [extra] = await nodeRecords(1, { provider: 'vmware', organization });
    await admin.call('CreateFolder', await folder(), text('name', extra!.name));
    // vCenter's fault for a second one, typed by its xsi:type.
    const duplicate = await refusal(admin.call('CreateFolder', await folder(), text('name', extra!.name)));
    expect(duplicate).toBeInstanceOf(VmwareFault);
    expect(duplicate).toMatchObject({ code: 'DuplicateName', message: expect.stringContaining(`name ${extra!.name}`) });
    const refused = await refusal(create(extra!));
    expect(refused).toMatchObject({ code: 'DuplicateName', retryable: false });
    expect(explained(refused)).toEqual([expect.stringContaining('そのオブジェクトの名前を変えるか削除してから'), expect.stringContaining('Rename or remove that object')]);
    expect(await inFolder()).not.toContain(extra!.name);
  });

  it('tests the account: the right settings are found; a wrong password, template or CA is explained', async () => {
    const account = { provider: 'vmware', region: null, network: NETWORK, credentials: { url: vcsim.url, ...USER, caCertificate: vcsim.caCertificate } };
    expect(await checkVmwareAccount(account)).toMatchObject({ ok: true, code: null, message: expect.stringContaining('datacenter DC0, cluster DC0_C0, datastore LocalDS_0, network DC0_DVPG0 and template templates/ubuntu-node20 found') });
    const wrongPassword = await checkVmwareAccount({ ...account, credentials: { ...account.credentials, password: 'wrong' } });
    expect(wrongPassword).toMatchObject({ ok: false, code: 'InvalidLogin', advice: { en: expect.stringContaining('replace the credentials'), ja: expect.stringContaining('パスワード') } });
    const noTemplate = await checkVmwareAccount({ ...account, network: { ...NETWORK, template: 'templates/missing' } });
    expect(noTemplate).toMatchObject({ ok: false, code: 'TemplateNotFound', message: expect.stringContaining('DC0/vm/templates/missing') });
    const { caCertificate: _ca, ...noCa } = account.credentials;
    expect(await checkVmwareAccount({ ...account, credentials: noCa })).toMatchObject({ ok: false, code: 'UntrustedCertificate', advice: { en: expect.stringContaining('certs/download.zip') } });
  });

  it('leaves a VM tagged by this installation whose node is unknown to the leak sweeper, which removes it', async () => {
    // Cloned and tagged outside the driver: a machine no node of this installation accounts for.
    const orphan = await cloneTemplate(`ocs-${randomUUID()}`);
    await new Tagging(vcenterFor(settings)).attach(orphan, { [INSTALL_TAG]: await installationId(db()), 'ocs.nodeId': randomUUID() });
    const report = await sweepLeaks(db(), { graceMs: 0, dryRun: false, organizationId });
    expect(report.removed).toEqual([`${accountId}/${orphan.value}`]);
    expect(await admin.props(orphan, ['name'])).toBeNull();
    // The nodes' VMs were listed too, and kept.
    expect(report.listed).toBe(resources.size + 1);
  });

  it('deletes VMs with their tag associations, and the machines go with them', async () => {
    for (const [id, r] of resources) {
      await provider.deleteNode(r.resourceId);
      expect(await provider.describeNode(r.resourceId)).toBeNull();
      expect(await attachedTags(vmOf(r))).toEqual([]);
      // Again: already gone is not an error.
      await provider.deleteNode(r.resourceId);
      resources.delete(id);
    }
    expect(await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId })).toEqual([]);
    // Each node's own tag went with its VM.
    const byName = await Promise.all(((await admin.rest<string[] | null>('GET', '/com/vmware/cis/tagging/tag')) ?? []).map((id) => admin.rest<{ name: string }>('GET', `/com/vmware/cis/tagging/tag/id:${id}`)));
    expect(byName.filter((t) => records.some((r) => t.name === `ocs.nodeId=${r.id}`))).toEqual([]);
    await bridge.settled();
    expect([...bridge.machines.values()].filter((m) => m.instance)).toEqual([]);
    expect(network.hosts).toHaveLength(0);
  });
});
