// The `mdx` provider: a node is a VM deployed from the account's catalog (a template VM) into its
// project and network segment, sized in packs by the flavor. mdx's deploy runs nothing at boot, so
// the node agent is installed over SSH with the organization's key once the VM has an IPv4
// address, and started again the same way after a power on (agent-install.ts). mdx has no tags: a
// VM is named ocs-<installation id>-<node id> (51 characters of [a-z0-9-]), and the rest of its
// node's tags are read back from the portal's records. The name is the idempotency key: a create
// looks the VM up by it before deploying, so a create repeated after a crash finds the VM made the
// first time. Every API call rotates the account's token (session.ts).
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { isIPv4 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { agentBundle } from '@/lib/agent-bundle';
import type { Database } from '@/lib/db/client';
import { nodes, providerAccounts, unitGroups, units } from '@/lib/db/schema';
import { organizationKeyPair } from '@/lib/hosts/ssh-key';
import { accountsHolding } from '../account-scope';
import { findProvider } from '../catalog';
import { INSTALL_TAG, installationId } from '../installation';
import { installScript, startScript } from '../onpremises/scripts';
import { ProviderError, type AccountProvider, type CreateNodeRequest, type Flavor, type NodeResource, type ResourceState } from '../types';
import { runOnVm, type VmLogin } from './agent-install';
import { MdxClient, type MdxCatalog, type MdxDeployment, type MdxVmInfo } from './client';
import { mdxError, mdxProblem } from './errors';
import { accountSend } from './session';

const ID = 'mdx';
const UUID_TEXT = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** "<account id>/<VM id>": which account the VM is in, and which VM. */
const RESOURCE_ID = new RegExp(`^(${UUID_TEXT})/(${UUID_TEXT})$`);
const VM_NAME = new RegExp(`^ocs-([0-9a-f]{10})-(${UUID_TEXT})$`);
/** Read at each use, so a test can set it after loading this module. */
const pollMs = () => Number(process.env.OCS_MDX_POLL_MS ?? 5000);
/** mdx-rest-client-python waits 10 minutes for a status, and 20 for the IPv4 address (about 5 after a deploy). */
const WAIT_MAX_MS = 10 * 60_000;
const ADDRESS_WAIT_MS = 20 * 60_000;
/** On the VM, in its login user's home. */
const AGENT_DIR = '~/.ocs-portal';
const OFF = ['PowerOFF', 'Deallocated'];
const STATES: Record<string, ResourceState> = { Deploying: 'booting', PowerON: 'running', PowerOFF: 'stopped', Deallocated: 'stopped', Suspended: 'stopped' };

interface MdxAccount {
  id: string;
  /** Its VMs were deployed with this organization's SSH key. */
  organizationId: string;
  projectId: string;
  segment: string;
  catalog: string;
  serviceLevel: 'spot' | 'guarantee';
  client: MdxClient;
}

/** The IPv4 address mdx reports for the VM's service network, once it does. */
function ipv4Of(info: MdxVmInfo): string {
  return info.service_networks?.flatMap((n) => n.ipv4_address ?? []).find((a) => isIPv4(a)) ?? '';
}

export class MdxProvider implements AccountProvider {
  readonly id = ID;
  readonly label = findProvider(ID)!.label;

  constructor(private readonly db: () => Database) {}

  flavors(): Flavor[] {
    return findProvider(ID)!.flavors;
  }

  private async account(accountId: string): Promise<MdxAccount> {
    const account = await this.db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, ID), isNull(providerAccounts.removedAt)) });
    if (!account) throw new ProviderError(ID, 'no_account', `mdx account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
    const { projectId, networkSegment, catalog, serviceLevel } = account.network;
    // The account form asks for project and segment; a catalog only since this driver.
    if (!catalog) throw mdxProblem('no_catalog', `mdx account ${account.name} names no catalog`);
    return { id: account.id, organizationId: account.organizationId, projectId: projectId!, segment: networkSegment!, catalog, serviceLevel: serviceLevel === 'guarantee' ? 'guarantee' : 'spot', client: new MdxClient(accountSend(this.db(), account.id)) };
  }

  private async catalog(account: MdxAccount): Promise<MdxCatalog> {
    const found = (await account.client.catalogs(account.projectId)).find((c) => c.uuid === account.catalog);
    if (!found) throw mdxProblem('no_catalog', `catalog ${account.catalog} is not in mdx project ${account.projectId}`);
    return found;
  }

  private deployment(req: CreateNodeRequest, account: MdxAccount, catalog: MdxCatalog, vmName: string, sharedKey: string): MdxDeployment {
    const flavor = this.flavors().find((f) => f.name === req.spec.flavor);
    if (!flavor) throw new ProviderError(ID, 'no_flavor', `mdx has no flavor "${req.spec.flavor}"`, false);
    const packType = flavor.values.pack_type === 'gpu' ? 'gpu' : 'cpu';
    const packNum = Number(flavor.values.pack_num);
    return {
      catalog: catalog.uuid,
      template_name: catalog.template_name,
      os_type: catalog.os_type ?? 'Linux',
      pack_type: packType,
      pack_num: packNum,
      // A GPU pack holds one GPU.
      gpu: packType === 'gpu' ? String(packNum) : '0',
      disk_size: req.spec.volumeSize ?? Number(flavor.values.disk_size),
      network_adapters: [{ adapter_number: 1, segment: account.segment }],
      shared_key: sharedKey,
      storage_network: 'portgroup',
      service_level: account.serviceLevel,
      power_on: true,
      project: account.projectId,
      vm_name: vmName,
    };
  }

  /** Polls the VM until `done` holds for its details; null once mdx no longer knows the VM. */
  private async waitFor(account: MdxAccount, vmId: string, what: string, done: (info: MdxVmInfo) => boolean, maxMs = WAIT_MAX_MS): Promise<MdxVmInfo | null> {
    for (const deadline = Date.now() + maxMs; Date.now() < deadline; await sleep(pollMs())) {
      const info = await account.client.vm(vmId);
      if (!info || done(info)) return info;
    }
    throw new ProviderError(ID, 'timeout', `VM ${vmId} did not become ${what} within ${maxMs / 60_000} minutes`, true);
  }

  private async mustWaitFor(account: MdxAccount, vmId: string, what: string, done: (info: MdxVmInfo) => boolean, maxMs?: number): Promise<MdxVmInfo> {
    const info = await this.waitFor(account, vmId, what, done, maxMs);
    if (!info) throw new ProviderError(ID, 'not_found', `VM ${vmId} went away while waiting for it to become ${what}`, false);
    return info;
  }

  /** The VM powered on (a deploy finished first, a powered-off VM started) with its IPv4 address. */
  private async poweredOn(account: MdxAccount, vmId: string): Promise<MdxVmInfo> {
    let info = await this.mustWaitFor(account, vmId, 'deployed', (i) => i.status !== 'Deploying');
    if (OFF.includes(info.status)) await account.client.act(vmId, 'power_on', { service_level: account.serviceLevel });
    else if (info.status !== 'PowerON') throw new ProviderError(ID, 'vm_state', `VM ${info.name} is ${info.status} on mdx: see to it in the mdx user portal`, false);
    info = await this.mustWaitFor(account, vmId, 'powered on', (i) => i.status === 'PowerON');
    return ipv4Of(info) ? info : this.mustWaitFor(account, vmId, 'addressed (IPv4)', (i) => i.status === 'PowerON' && !!ipv4Of(i), ADDRESS_WAIT_MS);
  }

  /** How the portal signs in to the VM: the catalog's login user with the organization's key. */
  private async login(account: MdxAccount, address: string, catalog?: MdxCatalog): Promise<VmLogin> {
    const { privateKey } = await organizationKeyPair(this.db(), account.organizationId, 'mdx deploy');
    return { address, user: (catalog ?? (await this.catalog(account))).login_username ?? 'mdxuser', privateKey };
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    const accountId = req.owner.accountId;
    if (!accountId) throw new ProviderError(ID, 'no_account', "a node on mdx needs one of the organization's mdx accounts", false);
    if (req.ipAddress) throw new ProviderError(ID, 'no_fixed_ip', `mdx assigns VM addresses itself: node ${req.name} cannot have ${req.ipAddress}`, false);
    const account = await this.account(accountId);
    const vmName = `ocs-${await installationId(this.db())}-${req.owner.nodeId}`;
    try {
      const { publicKey } = await organizationKeyPair(this.db(), account.organizationId, 'mdx deploy');
      const catalog = await this.catalog(account);
      let vm = await account.client.vmNamed(account.projectId, vmName);
      if (!vm) {
        await account.client.deploy(this.deployment(req, account, catalog, vmName, publicKey));
        // The task ids name the deploy, not the VM: it is found by its name, as mdx_lib finds it.
        for (const deadline = Date.now() + WAIT_MAX_MS; !vm && Date.now() < deadline; await sleep(pollMs())) vm = await account.client.vmNamed(account.projectId, vmName);
        if (!vm) throw new ProviderError(ID, 'timeout', `mdx accepted the deploy of ${vmName} but listed no such VM within ${WAIT_MAX_MS / 60_000} minutes`, true);
      }
      const info = await this.poweredOn(account, vm.uuid);
      const ip = ipv4Of(info);
      const bundle = await agentBundle();
      await runOnVm(
        await this.login(account, ip, catalog),
        `installing node ${req.name}`,
        installScript({
          agentDir: AGENT_DIR,
          // The node's folder is named after the VM, which powerOn knows without the portal's records.
          name: vmName,
          agentUrl: `${req.agent.portalUrl}/api/agent/v1/agent.mjs`,
          agentVersion: bundle.version,
          agentSha256: bundle.sha256,
          nodeConfig: { name: req.name, ip, portalUrl: req.agent.portalUrl, tags: req.tags },
          bootstrapToken: req.agent.bootstrapToken,
        }),
        pollMs(),
      );
      return { resourceId: `${account.id}/${vm.uuid}`, name: req.name, ipAddress: ip, state: 'running', tags: req.tags, accountId: account.id };
    } catch (e) {
      throw mdxError(e, `creating node ${req.name}`);
    }
  }

  private async located(resourceId: string): Promise<{ account: MdxAccount; vmId: string; info: MdxVmInfo | null } | null> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return null;
    const account = await this.account(m[1]!);
    try {
      return { account, vmId: m[2]!, info: await account.client.vm(m[2]!) };
    } catch (e) {
      throw mdxError(e, `describing VM ${m[2]}`);
    }
  }

  /** Tags read back from VM names (installation, node) and from the portal's records of those nodes. */
  private async readBack(vmNames: string[]): Promise<Map<string, { name: string; tags: Record<string, string> }>> {
    const named = vmNames.flatMap((vmName) => {
      const m = VM_NAME.exec(vmName);
      return m ? [{ vmName, install: m[1]!, nodeId: m[2]! }] : [];
    });
    const rows = named.length
      ? await this.db()
          .select({ id: nodes.id, name: nodes.name, unitId: nodes.unitId, unitGroupId: nodes.unitGroupId, organizationId: unitGroups.organizationId, unitTags: units.tags })
          .from(nodes)
          .innerJoin(units, eq(units.id, nodes.unitId))
          .innerJoin(unitGroups, eq(unitGroups.id, nodes.unitGroupId))
          .where(inArray(nodes.id, named.map((n) => n.nodeId)))
      : [];
    const byId = new Map(rows.map((r) => [r.id, r]));
    return new Map(
      named.map(({ vmName, install, nodeId }) => {
        const row = byId.get(nodeId);
        const own = row ? { ...row.unitTags, 'ocs.organizationId': row.organizationId, 'ocs.unitGroupId': row.unitGroupId, 'ocs.unitId': row.unitId } : {};
        return [vmName, { name: row?.name ?? vmName, tags: { ...own, [INSTALL_TAG]: install, 'ocs.nodeId': nodeId } }];
      }),
    );
  }

  private resource(accountId: string, vmId: string, info: MdxVmInfo, back: { name: string; tags: Record<string, string> } | undefined): NodeResource {
    const state = STATES[info.status] ?? 'error';
    return {
      resourceId: `${accountId}/${vmId}`,
      name: back?.name ?? info.name,
      ipAddress: ipv4Of(info),
      state,
      tags: back?.tags ?? {},
      accountId,
      ...(state === 'error' ? { reason: `mdx reports VM ${info.name} as ${info.status}` } : {}),
    };
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const at = await this.located(resourceId);
    if (!at?.info) return null;
    return this.resource(at.account.id, at.vmId, at.info, (await this.readBack([at.info.name])).get(at.info.name));
  }

  async powerOff(resourceId: string): Promise<void> {
    const at = await this.located(resourceId);
    if (!at?.info) throw new ProviderError(ID, 'not_found', `there is no mdx VM ${resourceId}`, false);
    const { account, vmId } = at;
    try {
      const info = await this.mustWaitFor(account, vmId, 'deployed', (i) => i.status !== 'Deploying');
      if (OFF.includes(info.status)) return;
      // The guest shuts down (its agent and applications stop as at any shutdown); the disk stays.
      await account.client.act(vmId, 'shutdown');
      await this.mustWaitFor(account, vmId, 'powered off', (i) => OFF.includes(i.status));
    } catch (e) {
      throw mdxError(e, `powering VM ${vmId} off`);
    }
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const at = await this.located(resourceId);
    if (!at?.info) throw new ProviderError(ID, 'not_found', `there is no mdx VM ${resourceId}`, false);
    const { account, vmId } = at;
    try {
      const info = await this.poweredOn(account, vmId);
      // Where the agent is no system service (the login user is not root), nothing restarts it at boot but this.
      await runOnVm(await this.login(account, ipv4Of(info)), `starting the node agent on ${info.name}`, startScript({ agentDir: AGENT_DIR, name: info.name }), pollMs());
      return this.resource(account.id, vmId, info, (await this.readBack([info.name])).get(info.name));
    } catch (e) {
      throw mdxError(e, `powering VM ${vmId} on`);
    }
  }

  async deleteNode(resourceId: string): Promise<void> {
    const at = await this.located(resourceId);
    if (!at?.info) return;
    const { account, vmId } = at;
    try {
      const info = await this.waitFor(account, vmId, 'deployed', (i) => i.status !== 'Deploying');
      if (!info) return;
      // mdx destroys only a powered-off VM; nothing on it needs to stop gently any more.
      if (!OFF.includes(info.status)) {
        await account.client.act(vmId, 'power_off');
        if (!(await this.waitFor(account, vmId, 'powered off', (i) => OFF.includes(i.status)))) return;
      }
      await account.client.act(vmId, 'destroy');
      // Done when mdx answers 404, so a unit group's deletion leaves nothing behind.
      await this.waitFor(account, vmId, 'destroyed', () => false);
    } catch (e) {
      throw mdxError(e, `destroying VM ${vmId}`);
    }
  }

  /** The portal's VMs (named ocs-<installation>-<node>) whose read-back tags include all of `tags`. */
  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const found: NodeResource[] = [];
    for (const id of await accountsHolding(this.db(), ID, tags)) found.push(...(await this.listAccountResources(id, tags)));
    return found;
  }

  async listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]> {
    const account = await this.account(accountId);
    try {
      const vms = (await account.client.vms(account.projectId)).filter((vm) => VM_NAME.test(vm.name));
      const back = await this.readBack(vms.map((vm) => vm.name));
      const found: NodeResource[] = [];
      for (const vm of vms) {
        const read = back.get(vm.name)!;
        if (!Object.entries(tags).every(([k, v]) => read.tags[k] === v)) continue;
        // The list has no addresses: the VM's details do.
        const info = await account.client.vm(vm.uuid);
        if (info) found.push(this.resource(accountId, vm.uuid, info, read));
      }
      return found;
    } catch (e) {
      throw mdxError(e, 'listing VMs');
    }
  }
}
