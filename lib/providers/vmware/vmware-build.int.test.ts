// A build of web-hello on vmware, end to end: the driver over vim25 SOAP and the Automation REST
// API → vcsim (test/clouds/vmware/vcsim.ts) clones the template VM → the bridge
// (test/clouds/vmware/bridge.ts) boots a namespace host with Podman's Docker API for each VM powered
// on with guestinfo user data, and reports its address as VMware Tools would → the agent dials home
// → the application runs as a container answering on the VM's address. Then the unit is scaled in
// and the unit group deleted: vcsim holds no VM of it afterwards, and no machine is left.
// Subnet 10.203.27.0/24 and a vcsim of this test's own.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { previewBuild } from '@/lib/builds/plan-build';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, nodes, units } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { instanceBackend } from '@/test/clouds/instances';
import { startBridge, type VsphereBridge } from '@/test/clouds/vmware/bridge';
import { startVcsim, type Vcsim } from '@/test/clouds/vmware/vcsim';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { INSTALL_TAG, installationId } from '../installation';
import { Tagging } from './tags';
import { Vcenter, type VcenterSettings } from './vcenter';

vi.hoisted(() => {
  process.env.OCS_VMWARE_POLL_MS = '100';
});

const USER = { username: 'builder@vsphere.local', password: 'a build of its own' };
// vcsim's VPX model, with the template and folder test/clouds/vmware/vcsim/main.go adds.
const NETWORK = { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0', network: 'DC0_DVPG0', template: 'templates/ubuntu-node20', folder: 'ocs-nodes' };

let network: HostNetwork;
let portal: AgentPortal;
let vcsim: Vcsim;
let bridge: VsphereBridge;
let settings: VcenterSettings;
/** The test's own look at vcsim, as an administrator's vSphere Client would have. */
let admin: Vcenter;
let actor: Actor;
let organizationId: string;
let unitGroupId: string | undefined;
const previousPortal = process.env.OCS_AGENT_PORTAL_URL;

/** The VMs vcsim holds tagged with the unit group, by managed object id, with their names. */
async function vmsOfGroup(id: string): Promise<Map<string, string>> {
  const vms = await new Tagging(admin).vmsWith({ 'ocs.unitGroupId': id });
  const props = await admin.retrieve('VirtualMachine', vms, ['name']);
  return new Map([...props.values()].map((p) => [p.obj.value, p.text('name')!]));
}
/** The names of the VMs in the account's folder. */
async function inFolder(): Promise<string[]> {
  const folder = (await admin.findByInventoryPath(`DC0/vm/${NETWORK.folder}`))!;
  const children = (await admin.props(folder, ['childEntity']))!.get('childEntity')?.children.map((c) => c.moref) ?? [];
  const vms = await admin.retrieve('VirtualMachine', children.filter((c) => c.type === 'VirtualMachine'), ['name']);
  return [...vms.values()].map((p) => p.text('name')!);
}
const liveMachines = () => [...bridge.machines.values()].filter((m) => m.instance);

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsvmwb', subnet: '10.203.27' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  vcsim = await startVcsim(USER);
  settings = { url: vcsim.url, ...USER, caCertificate: vcsim.caCertificate };
  admin = new Vcenter(settings);
  // web-hello runs as a container on a machine that is not the portal's: each VM's machine has Podman.
  bridge = await startBridge(settings, instanceBackend(network, { containerEngine: true }));
  ({ organizationId, actor } = await organizationWithMember());
}, 240_000);

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  if (previousPortal === undefined) delete process.env.OCS_AGENT_PORTAL_URL;
  else process.env.OCS_AGENT_PORTAL_URL = previousPortal;
  await bridge?.close();
  await admin?.logout();
  await vcsim?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('web-hello on vmware (vcsim)', { timeout: 240_000 }, () => {
  it('needs a vSphere account of the organization before it can be built', async () => {
    const plan = await previewBuild(db(), actor, { templateSlug: 'web-hello', provider: 'vmware', organizationId, parameters: { nodes: 2 } });
    expect(plan.template.version).toBe('1.4.0');
    expect(plan.problems).toEqual([expect.objectContaining({ kind: 'no-account', provider: 'vmware' })]);
    // vcsim's certificate is its own: the account trusts it as vCenter's CA, as a lab would its VMCA.
    await addProviderAccount(db(), actor, organizationId, { provider: 'vmware', name: 'lab-vsphere', network: NETWORK, credentials: settings });
    expect((await previewBuild(db(), actor, { templateSlug: 'web-hello', provider: 'vmware', organizationId, parameters: { nodes: 2 } })).canSubmit).toBe(true);
  });

  it('builds two VMs cloned from the template whose application answers on their addresses', async () => {
    const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('vmware-web'), provider: 'vmware', organizationId, parameters: { nodes: 2 } });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [build] = await db().select().from(builds).where(eq(builds.id, submitted.buildId));
    expect(build!.error).toBeNull();
    expect(build!.status).toBe('SUCCEEDED');
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
    expect(unit!.providerAccountId).not.toBeNull();
    const built = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    expect(built).toHaveLength(2);

    // One VM per node, named after it and tagged with the installation, organization, unit group and node.
    const vms = await vmsOfGroup(unitGroupId);
    expect([...vms.values()].sort()).toEqual(built.map((n) => n.name).sort());
    const tagged = await new Tagging(admin).of([...vms.keys()].map((value) => ({ type: 'VirtualMachine', value })));
    const install = await installationId(db());
    for (const node of built) {
      const vm = [...vms].find(([, name]) => name === node.name)![0];
      expect(node).toMatchObject({ state: 'RUNNING', providerResourceId: `${unit!.providerAccountId}/${vm}` });
      expect(tagged.get(vm)!.tags).toMatchObject({ [INSTALL_TAG]: install, 'ocs.organizationId': organizationId, 'ocs.unitGroupId': unitGroupId, 'ocs.nodeId': node.id });
    }

    // The address each node has is its VM's machine's, as VMware Tools reported it; the application answers there.
    const machines = built.map((n) => bridge.machines.get(n.name)!);
    expect(machines.map((m) => m.bootError)).toEqual([null, null]);
    expect(built.map((n) => n.ipAddress).sort()).toEqual(machines.map((m) => m.instance!.host.ip).sort());
    for (const node of built) {
      expect(node.ipAddress).toMatch(/^10\.203\.27\./);
      const page = await (await fetch(`http://${node.ipAddress}:8080/`)).text();
      expect(page).toContain(node.name);
    }
  });

  it('scaling in destroys a VM; deleting the unit group destroys the rest, leaving no VM and no machine', async () => {
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId!));
    const { buildId } = await requestUnitScale(db(), actor, unit!.id, { numNodes: 1 });
    await runBuild(db(), buildId);
    const [scaled] = await db().select().from(builds).where(eq(builds.id, buildId));
    expect(scaled!.status).toBe('SUCCEEDED');
    const left = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId!), isNull(nodes.deletedAt)));
    expect(left).toHaveLength(1);
    expect([...(await vmsOfGroup(unitGroupId!)).values()]).toEqual([left[0]!.name]);
    await bridge.settled();
    expect(liveMachines().map((m) => m.name)).toEqual([left[0]!.name]);
    expect(await (await fetch(`http://${left[0]!.ipAddress}:8080/healthz`)).status).toBe(200);

    const group = unitGroupId!;
    await deleteUnitGroup(db(), group);
    unitGroupId = undefined;
    expect((await vmsOfGroup(group)).size).toBe(0);
    expect(await inFolder()).toEqual([]);
    await bridge.settled();
    expect(liveMachines()).toEqual([]);
    expect(network.hosts).toHaveLength(0);
  });
});
