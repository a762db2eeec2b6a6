// The `vmware` provider: a node is a VM cloned from the account's template into its cluster,
// datastore, network and VM folder, named after the node (ocs-<node id>), sized by the flavor
// (num_cpus, memory in MB, disk_size in GB), with the node's tags as vSphere tags (tags.ts). Its
// user data reaches the guest the way cloud-init's VMware datasource reads it: guestinfo.userdata
// (base64) in the VM's extraConfig, with guestinfo.metadata naming the instance; the template
// needs open-vm-tools and cloud-init. No guest customization spec: the datasource names the host
// and DHCP addresses it, and the address shown is the one VMware Tools reports (guest.ipAddress).
// The VM's name is the idempotency key: a create looks it up in the folder before cloning, so a
// create repeated after a crash finds the VM made the first time, and a clone refused as
// DuplicateName (one made meanwhile) is that VM. As govc and Terraform do, the clone only places
// the VM and joins its adapter to the network; CPU, memory, disk and guestinfo are set by a
// reconfigure while it is still off, which a repeated create can redo.
import { and, eq, isNull } from 'drizzle-orm';
import { isIPv4 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@/lib/db/client';
import { providerAccounts } from '@/lib/db/schema';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { accountsHolding } from '../account-scope';
import { findProvider } from '../catalog';
import { cloudInitUserData } from '../cloud-init';
import { withRetry } from '../http';
import { ProviderError, type AccountProvider, type CreateNodeRequest, type Flavor, type NodeResource, type ResourceState } from '../types';
import { isTransientVmware, VmwareFault, vmwareProviderError } from './errors';
import { devicesOf, diskChange, nicChange, placementOf } from './placement';
import { el, moref, text, type Moref } from './soap';
import { Tagging } from './tags';
import { pollMs, vcenterFor, type Props, type Vcenter } from './vcenter';

const ID = 'vmware';
/** "<account id>/<VM's managed object id>": which account the VM is in, and which VM (vm-42). */
const RESOURCE_ID = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/([\w.:-]+)$/;
/** VMware Tools reports the guest's address once it has booted and DHCP answered. */
const ADDRESS_WAIT_MS = 10 * 60_000;
/** How long a guest may take to shut down before it is powered off. */
const SHUTDOWN_WAIT_MS = 3 * 60_000;
const VM_PROPS = ['name', 'runtime.powerState', 'runtime.connectionState', 'guest.ipAddress', 'guest.net', 'guest.toolsRunningStatus', 'config.template'];
const retrying = <T>(call: () => Promise<T>) => withRetry(call, { transient: isTransientVmware });
const isFault = (e: unknown, ...codes: string[]) => e instanceof VmwareFault && codes.includes(e.code);

interface Account {
  id: string;
  vc: Vcenter;
  network: Record<string, string>;
}

/** The VM's IPv4 address as VMware Tools reports it: its primary one, else the first of its adapters'. */
function addressOf(p: Props): string {
  const primary = p.text('guest.ipAddress') ?? '';
  if (isIPv4(primary)) return primary;
  return (
    p
      .get('guest.net')
      ?.children.flatMap((nic) => nic.all('ipAddress').map((a) => a.text))
      .find((a) => isIPv4(a)) ?? ''
  );
}

const guestinfo = (key: string, value: string) => el('extraConfig', text('key', key) + text('value', value, 'xsd:string'), 'OptionValue');

export class VmwareProvider implements AccountProvider {
  readonly id = ID;
  readonly label = findProvider(ID)!.label;

  constructor(private readonly db: () => Database) {}

  flavors(): Flavor[] {
    return findProvider(ID)!.flavors;
  }

  private async account(accountId: string): Promise<Account> {
    const account = await this.db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, ID), isNull(providerAccounts.removedAt)) });
    if (!account) throw new ProviderError(ID, 'no_account', `vSphere account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
    const { url, username, password, caCertificate } = openProviderCredentials(account.id, account.credentials);
    return { id: account.id, vc: vcenterFor({ url: url!, username: username!, password: password!, ...(caCertificate ? { caCertificate } : {}) }), network: account.network };
  }

  private resource(accountId: string, p: Props, tags: Record<string, string>): NodeResource {
    const name = p.text('name') ?? p.obj.value;
    const connection = p.text('runtime.connectionState') ?? 'connected';
    const state: ResourceState = connection !== 'connected' ? 'error' : p.text('runtime.powerState') === 'poweredOn' ? 'running' : 'stopped';
    return { resourceId: `${accountId}/${p.obj.value}`, name, ipAddress: addressOf(p), state, tags, accountId, ...(state === 'error' ? { reason: `vCenter reports VM ${name} as ${connection}` } : {}) };
  }

  /** The VM a resource id names, with its properties (null once vCenter no longer has it). */
  private async located(resourceId: string): Promise<{ account: Account; vm: Moref; props: Props | null } | null> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return null;
    const account = await this.account(m[1]!);
    const vm = { type: 'VirtualMachine', value: m[2]! };
    try {
      return { account, vm, props: await retrying(() => account.vc.props(vm, VM_PROPS)) };
    } catch (e) {
      throw vmwareProviderError(e, `describing VM ${vm.value}`);
    }
  }

  private async described(account: Account, p: Props): Promise<NodeResource> {
    const tags = (await new Tagging(account.vc).of([p.obj])).get(p.obj.value)?.tags ?? {};
    return this.resource(account.id, p, tags);
  }

  /** The VM made for this node before (by its name in the folder), else a new clone of the template. */
  private async findOrClone(account: Account, name: string): Promise<Moref> {
    const { vc } = account;
    const place = await placementOf(vc, account.network);
    const existing = await vc.findChild(place.folder, name);
    if (existing?.type === 'VirtualMachine') return existing;
    if (existing) throw new VmwareFault('DuplicateName', `${name} in folder ${place.folder.value} is a ${existing.type}, not a VM`);
    const location = moref('datastore', place.datastore) + moref('pool', place.pool) + nicChange(await devicesOf(vc, place.template), place.backing, place.template);
    const spec = el('spec', el('location', location) + text('template', false) + text('powerOn', false));
    try {
      return (await vc.task('CloneVM_Task', place.template, moref('folder', place.folder) + text('name', name) + spec))!.moref;
    } catch (e) {
      if (!isFault(e, 'DuplicateName')) throw e;
      // Made meanwhile by this node's create repeated elsewhere: that VM is this node's.
      const made = await vc.findChild(place.folder, name);
      if (made?.type === 'VirtualMachine') return made;
      throw e;
    }
  }

  /** CPU, memory, disk and the guestinfo cloud-init reads, set while the VM is off. */
  private async configure(vc: Vcenter, vm: Moref, req: CreateNodeRequest): Promise<void> {
    const flavor = this.flavors().find((f) => f.name === req.spec.flavor);
    if (!flavor) throw new ProviderError(ID, 'no_flavor', `vSphere has no flavor "${req.spec.flavor}"`, false);
    const metadata = JSON.stringify({ 'instance-id': req.name, 'local-hostname': req.name });
    const base64 = (s: string) => Buffer.from(s).toString('base64');
    const spec =
      text('numCPUs', Number(flavor.values.num_cpus)) +
      text('memoryMB', Number(flavor.values.memory)) +
      diskChange(await devicesOf(vc, vm), req.spec.volumeSize ?? Number(flavor.values.disk_size)) +
      guestinfo('guestinfo.metadata', base64(metadata)) +
      guestinfo('guestinfo.metadata.encoding', 'base64') +
      guestinfo('guestinfo.userdata', base64(await cloudInitUserData(req))) +
      guestinfo('guestinfo.userdata.encoding', 'base64');
    await vc.task('ReconfigVM_Task', vm, el('spec', spec));
  }

  /** Powers the VM on (already on is no error) and waits for the address VMware Tools reports. */
  private async poweredOn(vc: Vcenter, vm: Moref): Promise<Props> {
    await vc.task('PowerOnVM_Task', vm).catch((e: unknown) => {
      if (!isFault(e, 'InvalidPowerState')) throw e;
    });
    for (const deadline = Date.now() + ADDRESS_WAIT_MS; Date.now() < deadline; await sleep(pollMs())) {
      const p = await vc.props(vm, VM_PROPS);
      if (!p) throw new VmwareFault('ManagedObjectNotFound', `VM ${vm.value} was deleted while it was starting`);
      if (p.text('runtime.powerState') !== 'poweredOn') throw new VmwareFault('InvalidPowerState', `VM ${vm.value} went ${p.text('runtime.powerState')} while it was starting`);
      if (addressOf(p)) return p;
    }
    throw new VmwareFault('NoGuestAddress', `VM ${vm.value} reported no IPv4 address within ${ADDRESS_WAIT_MS / 60_000} minutes`);
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    const accountId = req.owner.accountId;
    if (!accountId) throw new ProviderError(ID, 'no_account', "a node on vSphere needs one of the organization's vSphere accounts", false);
    if (req.ipAddress) throw new ProviderError(ID, 'no_fixed_ip', `this driver lets DHCP on the port group address VMs: node ${req.name} cannot have ${req.ipAddress}`, false);
    const account = await this.account(accountId);
    const { vc } = account;
    try {
      const vm = await retrying(() => this.findOrClone(account, req.name));
      // Tagged before it first runs, so a VM that never comes up is still found (and removed) by its tags.
      await retrying(() => new Tagging(vc).attach(vm, req.tags));
      const state = (await retrying(() => vc.props(vm, ['runtime.powerState'])))?.text('runtime.powerState');
      if (state === 'poweredOff') await this.configure(vc, vm, req);
      return this.resource(account.id, await this.poweredOn(vc, vm), req.tags);
    } catch (e) {
      throw vmwareProviderError(e, `creating node ${req.name}`);
    }
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const at = await this.located(resourceId);
    if (!at?.props) return null;
    try {
      return await this.described(at.account, at.props);
    } catch (e) {
      throw vmwareProviderError(e, `describing VM ${at.vm.value}`);
    }
  }

  async powerOff(resourceId: string): Promise<void> {
    const at = await this.located(resourceId);
    if (!at?.props) throw new ProviderError(ID, 'not_found', `there is no vSphere VM ${resourceId}`, false);
    const { account, vm, props } = at;
    if (props.text('runtime.powerState') === 'poweredOff') return;
    try {
      // The guest shuts down when VMware Tools runs in it (its agent and applications stop as at any shutdown).
      const asked =
        props.text('guest.toolsRunningStatus') === 'guestToolsRunning' &&
        props.text('runtime.powerState') === 'poweredOn' &&
        (await account.vc.call('ShutdownGuest', vm).then(
          () => true,
          // Tools stopped meanwhile: it is powered off instead.
          (e: unknown) => (isFault(e, 'ToolsUnavailable', 'InvalidState', 'InvalidPowerState') ? false : Promise.reject(e)),
        ));
      if (asked) {
        for (const deadline = Date.now() + SHUTDOWN_WAIT_MS; Date.now() < deadline; await sleep(pollMs())) {
          if ((await account.vc.props(vm, ['runtime.powerState']))?.text('runtime.powerState') !== 'poweredOn') return;
        }
      }
      await account.vc.task('PowerOffVM_Task', vm).catch((e: unknown) => {
        if (!isFault(e, 'InvalidPowerState')) throw e;
      });
    } catch (e) {
      throw vmwareProviderError(e, `powering VM ${vm.value} off`);
    }
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const at = await this.located(resourceId);
    if (!at?.props) throw new ProviderError(ID, 'not_found', `there is no vSphere VM ${resourceId}`, false);
    try {
      return await this.described(at.account, await this.poweredOn(at.account.vc, at.vm));
    } catch (e) {
      throw vmwareProviderError(e, `powering VM ${at.vm.value} on`);
    }
  }

  async deleteNode(resourceId: string): Promise<void> {
    const at = await this.located(resourceId);
    if (!at?.props) return;
    const { account, vm, props } = at;
    const tagging = new Tagging(account.vc);
    try {
      const tags = (await tagging.of([vm])).get(vm.value)!;
      // vSphere destroys only a VM that is off; nothing on it needs to stop gently any more.
      if (props.text('runtime.powerState') !== 'poweredOff') {
        await account.vc.task('PowerOffVM_Task', vm).catch((e: unknown) => {
          if (!isFault(e, 'InvalidPowerState')) throw e;
        });
      }
      await account.vc.task('Destroy_Task', vm).catch((e: unknown) => {
        if (!isFault(e, 'ManagedObjectNotFound')) throw e;
      });
      await tagging.forget(vm, tags.ids);
    } catch (e) {
      throw vmwareProviderError(e, `destroying VM ${vm.value}`);
    }
  }

  /** The VMs carrying all of `tags`, in the accounts that may hold them. */
  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const found: NodeResource[] = [];
    for (const id of await accountsHolding(this.db(), ID, tags)) found.push(...(await this.listAccountResources(id, tags)));
    return found;
  }

  async listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]> {
    const account = await this.account(accountId);
    const tagging = new Tagging(account.vc);
    try {
      const vms = await retrying(() => tagging.vmsWith(tags));
      // A VM deleted since it was listed is absent from the read.
      const props = [...(await retrying(() => account.vc.retrieve('VirtualMachine', vms, VM_PROPS))).values()].filter((p) => p.text('config.template') !== 'true');
      const read = await retrying(() => tagging.of(props.map((p) => p.obj)));
      return props.map((p) => this.resource(account.id, p, read.get(p.obj.value)?.tags ?? {}));
    } catch (e) {
      throw vmwareProviderError(e, 'listing VMs');
    }
  }
}
