// The `azure` provider: a node is a Linux VM in the organization's subscription (the account's
// resource group, region, virtual network and subnet, and image), with a NIC of its own and a managed
// OS disk, each carrying the node's tags. Its custom data (cloud-init) installs and starts the node
// agent (lib/providers/cloud-init.ts), which dials out to the portal: no public IP is made. ARM's PUT
// is idempotent by name, and every name comes from the node's (the VM's, `<name>-nic`,
// `<name>-osdisk`): a create repeated after a crash looks the VM up first and finds the one made the
// first time (ARM would refuse a second PUT anyway, as the new custom data cannot change).
import type { ImageReference, InstanceViewStatus, VirtualMachine, VirtualMachineInstanceView } from '@azure/arm-compute';
import type { NetworkInterface } from '@azure/arm-network';
import { and, eq, isNull } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@/lib/db/client';
import { providerAccounts } from '@/lib/db/schema';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';
import { accountsHolding } from '../account-scope';
import { findProvider } from '../catalog';
import { cloudInitUserData } from '../cloud-init';
import { ProviderError, type AccountProvider, type CreateNodeRequest, type Flavor, type NodeResource, type ResourceState } from '../types';
import { armClients, lroOptions, nameOf, subnetId, type Arm } from './arm';
import { AzureError, azureFailure } from './errors';

const ID = 'azure';
/** "<account id>/<VM name>": which account the VM is in, and which VM. */
const RESOURCE_ID = /^([0-9a-f-]{36})\/([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;
const waitEveryMs = () => Number(process.env.OCS_AZURE_POLL_MS ?? 5000);
const WAIT_MAX_MS = 10 * 60_000;
/** The VM's administrator: required by Linux VMs; nodes are reached through their agent, not over SSH. */
const ADMIN_USER = 'ocs';

/** Power states of the instance view (PowerState/<state>) as node states. */
const POWER: Record<string, ResourceState> = { starting: 'booting', running: 'running', stopping: 'stopped', stopped: 'stopped', deallocating: 'stopped', deallocated: 'stopped' };

interface Cloud {
  accountId: string;
  arm: Arm;
  region: string;
  network: Record<string, string>;
  group: string;
}

const namesOf = (vm: string) => ({ vm, nic: `${vm}-nic`, disk: `${vm}-osdisk` });

/** An Azure failure as a provider error: its code decides whether to retry and what to tell people. */
function providerError(e: unknown, doing: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, retryable, advice } = azureFailure(e);
  return new ProviderError(ID, code, `${doing}: Azure ${code}: ${(e as Error).message}`, retryable, advice);
}

/** 404 for the resource itself; a missing resource group is no proof the VM is gone. */
const notFound = (e: unknown) => (e as { name?: string; statusCode?: number; code?: string }).name === 'RestError' && (e as { statusCode?: number }).statusCode === 404 && (e as { code?: string }).code !== 'ResourceGroupNotFound';

/** A gallery or managed image by its id, or a marketplace image as publisher:offer:sku:version (az vm create's URN). */
function imageReference(image: string | undefined): ImageReference {
  if (!image) throw new AzureError('ImageNotSet', 'the account names no image for nodes (imageId)');
  if (image.startsWith('/subscriptions/')) return { id: image };
  const [publisher, offer, sku, version, ...more] = image.split(':');
  if (!version || more.length) throw new AzureError('ImageNotFound', `image ${image} is neither an image ID (/subscriptions/…) nor publisher:offer:sku:version`);
  return { publisher, offer, sku, version };
}

/** A public key nobody holds the private half of: Linux VMs need one, and nodes are not reached over SSH. */
function unusableSshKey(): string {
  return newSshKeyPair('ocs-portal (no private key kept)').public;
}

function stateOf(vm: VirtualMachine, statuses: InstanceViewStatus[]): Pick<NodeResource, 'state' | 'reason'> {
  if (vm.provisioningState === 'Failed') {
    const failed = statuses.find((s) => s.code?.startsWith('ProvisioningState/failed'));
    return { state: 'error', reason: failed?.message ?? failed?.displayStatus ?? 'Azure reports the VM failed' };
  }
  const power = statuses.find((s) => s.code?.startsWith('PowerState/'))?.code?.slice('PowerState/'.length);
  return { state: POWER[power ?? ''] ?? 'booting' };
}

const primaryAddress = (nic: NetworkInterface) => (nic.ipConfigurations?.find((c) => c.primary) ?? nic.ipConfigurations?.[0])?.privateIPAddress ?? '';
const primaryNic = (vm: VirtualMachine) => (vm.networkProfile?.networkInterfaces?.find((n) => n.primary) ?? vm.networkProfile?.networkInterfaces?.[0])?.id;

export class AzureProvider implements AccountProvider {
  readonly id = ID;
  readonly label = findProvider(ID)!.label;

  constructor(private readonly db: () => Database) {}

  flavors(): Flavor[] {
    return findProvider(ID)!.flavors;
  }

  private async account(accountId: string): Promise<Cloud> {
    const account = await this.db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, ID), isNull(providerAccounts.removedAt)) });
    if (!account) throw new ProviderError(ID, 'no_account', `Azure account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
    const arm = armClients(openProviderCredentials(account.id, account.credentials));
    return { accountId, arm, region: account.region!, network: account.network, group: account.network.resourceGroup! };
  }

  /** The VM with its instance view, or null once ARM no longer has it. */
  private async vm(cloud: Cloud, name: string): Promise<VirtualMachine | null> {
    try {
      const vm = await cloud.arm.compute.virtualMachines.get(cloud.group, name, { expand: 'instanceView' });
      return vm.provisioningState === 'Deleting' ? null : vm;
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  private resource(cloud: Cloud, vm: VirtualMachine, view: VirtualMachineInstanceView | undefined, ipAddress: string): NodeResource {
    const { state, reason } = stateOf(vm, view?.statuses ?? []);
    return { resourceId: `${cloud.accountId}/${vm.name}`, name: vm.name!, ipAddress, state, tags: vm.tags ?? {}, accountId: cloud.accountId, ...(reason ? { reason } : {}) };
  }

  /** The VM as a node, its address read off its primary NIC. */
  private async described(cloud: Cloud, vm: VirtualMachine): Promise<NodeResource> {
    const nicId = primaryNic(vm);
    const nic = nicId ? await cloud.arm.network.networkInterfaces.get(cloud.group, nameOf(nicId)).catch((e: unknown) => (notFound(e) ? null : Promise.reject(e))) : null;
    return this.resource(cloud, vm, vm.instanceView, nic ? primaryAddress(nic) : '');
  }

  /** Why a long-running operation on the VM failed: ARM names its code on the VM's instance view, not on the error. */
  private async failureOf(cloud: Cloud, name: string, e: unknown): Promise<unknown> {
    if ((e as { name?: string }).name === 'RestError' || e instanceof AzureError) return e;
    const vm = await this.vm(cloud, name).catch(() => null);
    const failed = vm?.instanceView?.statuses?.find((s) => s.code?.startsWith('ProvisioningState/failed/'));
    return failed ? new AzureError(failed.code!.split('/')[2]!, `VM ${name}: ${failed.message ?? failed.displayStatus}`) : e;
  }

  /** The VM's PUT body, but for its NIC's id; made before anything is, so a missing image makes nothing. */
  private async vmRequest(cloud: Cloud, req: CreateNodeRequest): Promise<(nicId: string) => VirtualMachine> {
    const flavor = findProvider(ID)!.flavors.find((f) => f.name === req.spec.flavor)?.values ?? {};
    const image = imageReference(cloud.network.imageId);
    const customData = Buffer.from(await cloudInitUserData(req)).toString('base64');
    return (nicId) => ({
      location: cloud.region,
      tags: req.tags,
      hardwareProfile: { vmSize: req.spec.instanceType ?? String(flavor.vm_size) },
      storageProfile: {
        imageReference: image,
        osDisk: {
          name: namesOf(req.name).disk,
          createOption: 'FromImage',
          diskSizeGB: req.spec.volumeSize ?? Number(flavor.disk_size_gb),
          managedDisk: { storageAccountType: String(flavor.managed_disk_type) },
          // Deleting the VM takes its disk and NIC too (the driver still deletes them by name after).
          deleteOption: 'Delete',
        },
      },
      osProfile: {
        computerName: req.name,
        adminUsername: ADMIN_USER,
        customData,
        linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: [{ path: `/home/${ADMIN_USER}/.ssh/authorized_keys`, keyData: req.spec.sshPublicKey ?? unusableSshKey() }] } },
      },
      networkProfile: { networkInterfaces: [{ id: nicId, primary: true, deleteOption: 'Delete' }] },
    });
  }

  /** The NIC, then the VM on it; whatever a failed create made is removed again. */
  private async build(cloud: Cloud, req: CreateNodeRequest): Promise<void> {
    const names = namesOf(req.name);
    const { compute, network, subscriptionId } = cloud.arm;
    const address = req.ipAddress ? { privateIPAllocationMethod: 'Static', privateIPAddress: req.ipAddress } : { privateIPAllocationMethod: 'Dynamic' };
    const ipConfiguration = { name: 'ipconfig1', primary: true, subnet: { id: subnetId(subscriptionId, cloud.network) }, ...address };
    const vmRequest = await this.vmRequest(cloud, req);
    const nic = await network.networkInterfaces.beginCreateOrUpdateAndWait(cloud.group, names.nic, { location: cloud.region, tags: req.tags, ipConfigurations: [ipConfiguration] }, lroOptions());
    try {
      await compute.virtualMachines.createOrUpdate(cloud.group, names.vm, vmRequest(nic.id!), lroOptions());
    } catch (e) {
      const failure = await this.failureOf(cloud, names.vm, e);
      // A failed VM holds its name and quota, its NIC an address. The create's own failure is what the
      // caller needs: what a clean-up cannot remove, a re-run (by name) or the leak sweeper (by tag) finds.
      await this.remove(cloud, names.vm).catch(() => {});
      throw failure;
    }
  }

  /** Polls while ARM is still creating or updating the VM made before (a create repeated after a crash). */
  private async settled(cloud: Cloud, name: string): Promise<VirtualMachine | null> {
    for (const deadline = Date.now() + WAIT_MAX_MS; Date.now() < deadline; await sleep(waitEveryMs())) {
      const vm = await this.vm(cloud, name);
      if (!vm || !['Creating', 'Updating'].includes(vm.provisioningState ?? '')) return vm;
    }
    throw new ProviderError(ID, 'timeout', `VM ${name} was still being created after ${WAIT_MAX_MS / 60_000} minutes`, true);
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    const accountId = req.owner.accountId;
    if (!accountId) throw new ProviderError(ID, 'no_account', "a node on Azure needs one of the organization's Azure accounts", false);
    const cloud = await this.account(accountId);
    try {
      let vm = await this.settled(cloud, req.name);
      // One whose creation failed would be found again: it goes, and the node is made anew.
      if (vm?.provisioningState === 'Failed') await this.remove(cloud, req.name);
      if (!vm || vm.provisioningState === 'Failed') {
        await this.build(cloud, req);
        vm = await this.vm(cloud, req.name);
        if (!vm) throw new AzureError('NotFound', `VM ${req.name} was deleted while it was being created`, true);
      }
      // The OS disk ARM makes with the VM carries no tags of its own; tagging it again is harmless.
      await cloud.arm.compute.disks.update(cloud.group, vm.storageProfile?.osDisk?.name ?? namesOf(req.name).disk, { tags: req.tags }, lroOptions());
      return await this.described(cloud, vm);
    } catch (e) {
      throw providerError(e, `creating node ${req.name}`);
    }
  }

  private async at(resourceId: string): Promise<{ cloud: Cloud; name: string; vm: VirtualMachine | null } | null> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return null;
    const [, accountId, name] = m as unknown as [string, string, string];
    const cloud = await this.account(accountId);
    try {
      return { cloud, name, vm: await this.vm(cloud, name) };
    } catch (e) {
      throw providerError(e, `describing VM ${name}`);
    }
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const at = await this.at(resourceId);
    if (!at?.vm) return null;
    try {
      return await this.described(at.cloud, at.vm);
    } catch (e) {
      throw providerError(e, `describing VM ${at.name}`);
    }
  }

  /**
   * Deallocates the VM: its disk, NIC and address stay, and compute billing stops (a VM only powered
   * off is still billed). Starting it again needs capacity in the region, which may lack for a while.
   */
  async powerOff(resourceId: string): Promise<void> {
    const at = await this.at(resourceId);
    if (!at?.vm) throw new ProviderError(ID, 'not_found', `there is no VM ${resourceId}`, false);
    const { cloud, name } = at;
    try {
      await cloud.arm.compute.virtualMachines.deallocate(cloud.group, name, lroOptions());
    } catch (e) {
      throw providerError(await this.failureOf(cloud, name, e), `deallocating VM ${name}`);
    }
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const at = await this.at(resourceId);
    if (!at?.vm) throw new ProviderError(ID, 'not_found', `there is no VM ${resourceId}`, false);
    const { cloud, name } = at;
    try {
      await cloud.arm.compute.virtualMachines.start(cloud.group, name, lroOptions());
    } catch (e) {
      throw providerError(await this.failureOf(cloud, name, e), `starting VM ${name}`);
    }
    try {
      const vm = await this.vm(cloud, name);
      if (!vm) throw new AzureError('NotFound', `VM ${name} was deleted while it was starting`);
      return await this.described(cloud, vm);
    } catch (e) {
      throw providerError(e, `starting VM ${name}`);
    }
  }

  /** Deletes the VM, then its NICs and OS disk (as the VM names them, else by the node's name); ARM answers 204 for what is gone already. */
  private async remove(cloud: Cloud, name: string): Promise<void> {
    const { compute, network } = cloud.arm;
    const vm = await this.vm(cloud, name);
    const nics = vm?.networkProfile?.networkInterfaces?.map((n) => nameOf(n.id!)) ?? [namesOf(name).nic];
    const disk = vm?.storageProfile?.osDisk?.name ?? namesOf(name).disk;
    await compute.virtualMachines.delete(cloud.group, name, lroOptions());
    for (const nic of nics) await network.networkInterfaces.beginDeleteAndWait(cloud.group, nic, lroOptions());
    await compute.disks.delete(cloud.group, disk, lroOptions());
  }

  async deleteNode(resourceId: string): Promise<void> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return;
    const cloud = await this.account(m[1]!);
    try {
      await this.remove(cloud, m[2]!);
    } catch (e) {
      throw providerError(e, `deleting VM ${m[2]}`);
    }
  }

  /** The VMs (not being deleted) carrying all of `tags`, in the accounts that may hold them. */
  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const found: NodeResource[] = [];
    for (const id of await accountsHolding(this.db(), ID, tags)) found.push(...(await this.listAccountResources(id, tags)));
    return found;
  }

  async listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]> {
    const cloud = await this.account(accountId);
    const { compute, network } = cloud.arm;
    try {
      // ARM lists a resource group's VMs without their power state, and filters them by no tag: both are done here.
      const tagged: VirtualMachine[] = [];
      for await (const vm of compute.virtualMachines.list(cloud.group)) {
        if (vm.provisioningState !== 'Deleting' && Object.entries(tags).every(([k, v]) => vm.tags?.[k] === v)) tagged.push(vm);
      }
      if (!tagged.length) return [];
      const addresses = new Map<string, string>();
      for await (const nic of network.networkInterfaces.list(cloud.group)) addresses.set(nic.id!.toLowerCase(), primaryAddress(nic));
      return await Promise.all(tagged.map(async (vm) => this.resource(cloud, vm, await compute.virtualMachines.instanceView(cloud.group, vm.name!), addresses.get(primaryNic(vm)?.toLowerCase() ?? '') ?? '')));
    } catch (e) {
      throw providerError(e, 'listing VMs');
    }
  }
}
