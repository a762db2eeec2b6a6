// The resources of the local ARM (test/clouds/azure/facade.ts): subnets of the virtual networks a
// test gives it, network interfaces, virtual machines and their managed OS disks, in ARM's wire
// format (`{id, name, type, location, tags, properties}`). Requests are checked as ARM checks them and
// refused with its codes: InvalidParameter naming the property in `target`, InvalidResourceReference
// for a subnet or NIC that is not there, NicInUse, PropertyChangeNotAllowed, ImageNotFound,
// InvalidTagNameCharacters. A VM is made in the background behind its long-running operation: its
// machine (test/clouds/instances.ts) is created and boots the custom data, then the operation
// succeeds; deallocate and powerOff halt it, start boots it again, delete destroys it (with the NICs
// and disk whose deleteOption is Delete). A NIC's dynamic address is its VM's machine's, known once
// the VM is made; a static one is shown as asked, though the machine keeps the address the backend gave it.
import { randomUUID } from 'node:crypto';
import type { InstanceBackend } from '../instances';
import { ArmError, BASE64, DISK_TYPES, VM_SIZES, groupId, inPrefix, instanceView, invalid, isObject, located, missing, nicView, notFound, now, same, tagsOf, typeId, vmView, type ArmAnswer, type ArmDisk, type ArmNic, type ArmRequest, type ArmVm, type Lro, type Power, type ResourceGroup } from './wire';

/** The ARM handlers, by operation, over the groups' resources; `images` are the image references (ids, publisher:offer:sku:version) the region has. */
export function armResources(backend: InstanceBackend, options: { groups: ResourceGroup[]; images: string[]; lro: Lro; track: (work: Promise<void>) => void }) {
  const vms: ArmVm[] = [];
  const nics: ArmNic[] = [];
  const disks: ArmDisk[] = [];
  const { groups, lro } = options;
  const live = <T extends { id: string }>(items: T[], gone: (t: T) => boolean, id: string) => items.find((i) => same(i.id, id) && !gone(i));
  const vmAt = (id: string) => live(vms, (v) => v.provisioningState === 'Deleted', id);
  const nicAt = (id: string) => live(nics, (n) => n.deleted, id);
  const diskAt = (id: string) => live(disks, (d) => d.deleted, id);

  function subnet(id: string, location: string) {
    const m = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Network\/virtualNetworks\/([^/]+)\/subnets\/([^/]+)$/i.exec(id);
    return m ? groups.find((g) => same(g.subscriptionId, m[1]!) && same(g.name, m[2]!) && same(g.location, location))?.virtualNetworks.find((v) => same(v.name, m[3]!))?.subnets.find((s) => same(s.name, m[4]!)) : undefined;
  }

  /** Runs `step` after the VM's earlier transitions; one that throws leaves the VM Failed, as a failed provisioning does. */
  function then(vm: ArmVm, step: () => Promise<void>): Promise<void> {
    const done = vm.work.then(step);
    vm.work = done.catch((e: Error & { code?: string }) => {
      vm.provisioningState = 'Failed';
      vm.failure ??= { code: e.code ?? 'InternalExecutionError', message: e.message };
    });
    options.track(vm.work);
    return done;
  }

  const boot = async (vm: ArmVm) => {
    vm.power = 'starting';
    // A failing boothook leaves the machine up (its boot diagnostics say why), as on a cloud.
    await backend.boot(vm.machine!, vm.customData).catch(() => {});
    vm.power = 'running';
  };

  /** The image a VM PUT names, as this region has it. */
  function image(storage: Record<string, unknown>, location: string): Record<string, string> {
    const ref = storage.imageReference;
    if (!isObject(ref)) throw missing('imageReference');
    if (typeof ref.id === 'string') {
      if (!options.images.some((i) => same(i, ref.id as string))) throw new ArmError(404, 'ImageNotFound', `The Image '${ref.id}' cannot be found in '${location}' region.`);
      return { id: ref.id };
    }
    const urn = ['publisher', 'offer', 'sku', 'version'].map((k) => ref[k]);
    if (urn.some((v) => typeof v !== 'string')) throw invalid('imageReference', 'The image reference must name an id, or publisher, offer, sku and version.');
    if (!options.images.some((i) => same(i, urn.join(':')))) throw new ArmError(404, 'PlatformImageNotFound', `The platform image '${urn.join(':')}' is not available. Verify that all fields in the storage profile are correct.`);
    return { publisher: urn[0], offer: urn[1], sku: urn[2], version: urn[3] } as Record<string, string>;
  }

  function vmRequest(req: ArmRequest, id: string) {
    const body = located(req.body);
    const p = body.properties;
    const tags = tagsOf(body);
    const vmSize = (p.hardwareProfile as { vmSize?: unknown } | undefined)?.vmSize;
    if (typeof vmSize !== 'string' || !VM_SIZES.includes(vmSize)) throw invalid('vmSize', `The value ${String(vmSize)} provided for the VM size is not valid. The valid sizes in the current region are: ${VM_SIZES.join(',')}.`);
    const storage = isObject(p.storageProfile) ? p.storageProfile : {};
    const os = isObject(storage.osDisk) ? storage.osDisk : {};
    if (os.createOption !== 'FromImage') throw invalid('osDisk.createOption', `The value '${String(os.createOption)}' of parameter 'osDisk.createOption' is not allowed. Allowed values are 'FromImage'.`);
    const type = (os.managedDisk as { storageAccountType?: unknown } | undefined)?.storageAccountType ?? 'Standard_LRS';
    if (typeof type !== 'string' || !DISK_TYPES.includes(type)) throw invalid('storageAccountType', `Storage account type '${String(type)}' is not supported.`);
    const sizeGB = os.diskSizeGB ?? 30;
    if (!Number.isInteger(sizeGB) || (sizeGB as number) < 30 || (sizeGB as number) > 4095) throw invalid('diskSizeGB', `The specified disk size ${String(sizeGB)} GB is smaller than the image (30 GB) or larger than 4095 GB.`);
    const osProfile = isObject(p.osProfile) ? p.osProfile : {};
    for (const field of ['computerName', 'adminUsername']) if (typeof osProfile[field] !== 'string' || !osProfile[field]) throw missing(field);
    const customData = osProfile.customData ?? '';
    if (typeof customData !== 'string' || customData.length > 87380 || !BASE64.test(customData)) throw invalid('customData', 'Custom data in OSProfile must be in Base64 encoding and with a maximum length of 87380 characters.');
    const linux = isObject(osProfile.linuxConfiguration) ? osProfile.linuxConfiguration : {};
    const keys = ((linux.ssh as { publicKeys?: unknown } | undefined)?.publicKeys ?? []) as { path?: unknown; keyData?: unknown }[];
    if (linux.disablePasswordAuthentication === true && !keys.length) throw invalid('linuxConfiguration', 'Authentication using either SSH or by user name and password must be enabled in Linux profile.');
    const authorized = `/home/${String(osProfile.adminUsername)}/.ssh/authorized_keys`;
    if (keys.some((k) => k.path !== authorized)) throw invalid('linuxConfiguration.ssh.publicKeys.path', `Destination path for SSH public keys is currently limited to its default value ${authorized} due to a known issue in Linux provisioning agent.`);
    if (keys.some((k) => typeof k.keyData !== 'string' || !/^(ssh-rsa|ssh-ed25519) [A-Za-z0-9+/=]+/.test(k.keyData))) throw invalid('linuxConfiguration.ssh.publicKeys.keyData', 'The value of parameter linuxConfiguration.ssh.publicKeys.keyData is invalid.');
    const refs = ((p.networkProfile as { networkInterfaces?: unknown } | undefined)?.networkInterfaces ?? []) as { id?: unknown; properties?: { primary?: boolean; deleteOption?: string } }[];
    if (!Array.isArray(refs) || !refs.length) throw invalid('networkProfile', 'At least one network interface is required.');
    const attached = refs.map((r) => {
      const nic = typeof r.id === 'string' ? nicAt(r.id) : undefined;
      if (!nic) throw new ArmError(400, 'InvalidResourceReference', `Resource ${String(r.id)} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      if (nic.vm && !same(nic.vm.id, id)) throw new ArmError(400, 'NicInUse', `Network Interface ${nic.id} is used by existing resource ${nic.vm.id}. In order to delete the network interface, it must be dissociated from the resource.`);
      return { nic, primary: r.properties?.primary ?? refs.length === 1, deleteOption: r.properties?.deleteOption ?? 'Detach' };
    });
    return {
      location: body.location,
      tags,
      vmSize,
      image: image(storage, body.location),
      osDisk: { name: typeof os.name === 'string' ? os.name : `${req.name}_OsDisk_1_${randomUUID().replace(/-/g, '')}`, sizeGB: sizeGB as number, type, deleteOption: typeof os.deleteOption === 'string' ? os.deleteOption : 'Detach' },
      attached,
      computerName: osProfile.computerName as string,
      adminUsername: osProfile.adminUsername as string,
      sshKeys: keys as { path: string; keyData: string }[],
      customData: Buffer.from(customData, 'base64').toString('utf8'),
    };
  }

  async function provision(vm: ArmVm, attached: ArmNic[], failure: ArmRequest['operationError']): Promise<void> {
    if (failure) {
      vm.failure = failure;
      throw Object.assign(new Error(failure.message), { code: failure.code });
    }
    vm.machine = await backend.create();
    for (const nic of attached) if (nic.allocation === 'Dynamic') nic.address = vm.machine.host.ip;
    const disk = vm.osDisk;
    disks.push({ id: typeId(groupFor(vm), 'Microsoft.Compute/disks', disk.name), name: disk.name, location: vm.location, tags: {}, sizeGB: disk.sizeGB, type: disk.type, vm, deleted: false });
    await boot(vm);
    vm.provisioningState = 'Succeeded';
  }

  const groupFor = (vm: ArmVm) => groups.find((g) => vm.id.toLowerCase().startsWith(`${groupId(g)}/`.toLowerCase()))!;

  async function teardown(vm: ArmVm): Promise<void> {
    if (vm.machine) await backend.destroy(vm.machine);
    vm.machine = null;
    vm.power = null;
    vm.provisioningState = 'Deleted';
    for (const ref of vm.nics) {
      const nic = nicAt(ref.id);
      if (!nic) continue;
      nic.vm = null;
      nic.deleted = ref.deleteOption === 'Delete';
    }
    for (const disk of disks.filter((d) => d.vm === vm && !d.deleted)) {
      disk.vm = null;
      disk.deleted = vm.osDisk.deleteOption === 'Delete';
    }
  }

  const handlers = {
    getSubnet(req: ArmRequest): ArmAnswer {
      const [vnetName, subnetName] = req.name.split('/') as [string, string];
      const vnet = req.group.virtualNetworks.find((v) => same(v.name, vnetName));
      if (!vnet) throw notFound(req.group, 'Microsoft.Network/virtualNetworks', vnetName);
      const id = `${typeId(req.group, 'Microsoft.Network/virtualNetworks', vnet.name)}/subnets/${subnetName}`;
      const s = vnet.subnets.find((x) => same(x.name, subnetName));
      if (!s) throw new ArmError(404, 'NotFound', `Resource ${id} not found.`);
      const users = nics.filter((n) => !n.deleted && same(n.subnetId, id)).map((n) => ({ id: `${n.id}/ipConfigurations/ipconfig1` }));
      return { status: 200, body: { id, name: s.name, type: 'Microsoft.Network/virtualNetworks/subnets', properties: { provisioningState: 'Succeeded', addressPrefix: s.addressPrefix, ipConfigurations: users } } };
    },

    putNic(req: ArmRequest): ArmAnswer {
      const id = typeId(req.group, 'Microsoft.Network/networkInterfaces', req.name);
      const body = located(req.body);
      const tags = tagsOf(body);
      const configs = body.properties.ipConfigurations;
      if (!Array.isArray(configs) || configs.length !== 1 || !isObject(configs[0])) throw invalid('ipConfigurations', 'A network interface here has exactly one IP configuration.');
      const config = isObject(configs[0].properties) ? configs[0].properties : {};
      const subnetId = (config.subnet as { id?: unknown } | undefined)?.id;
      const found = typeof subnetId === 'string' ? subnet(subnetId, body.location) : undefined;
      if (!found) throw new ArmError(400, 'InvalidResourceReference', `Resource ${String(subnetId)} referenced by resource ${id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region.`);
      const allocation = config.privateIPAllocationMethod ?? 'Dynamic';
      if (allocation !== 'Static' && allocation !== 'Dynamic') throw invalid('privateIPAllocationMethod', `The value '${String(allocation)}' is not a valid IP allocation method.`);
      const address = allocation === 'Static' ? String(config.privateIPAddress ?? '') : '';
      if (allocation === 'Static' && !inPrefix(address, found.addressPrefix)) throw new ArmError(400, 'PrivateIPAddressNotInSubnet', `IP configuration ${id}/ipConfigurations/ipconfig1 references the private IP address ${address} which is not within the address prefix ${found.addressPrefix} of subnet ${String(subnetId)}.`);
      const existing = nicAt(id);
      if (address && nics.some((n) => !n.deleted && n !== existing && n.address === address)) throw new ArmError(400, 'PrivateIPAddressInUse', `IP configuration ${id}/ipConfigurations/ipconfig1 is using the private IP address ${address} which is already allocated to another resource.`);
      const nic = existing ?? { id, name: req.name, location: body.location, tags, subnetId: String(subnetId), allocation, address, vm: null, deleted: false };
      if (existing) Object.assign(existing, { tags, ...(allocation === 'Static' ? { allocation, address } : {}) });
      else nics.push(nic);
      return lro(req, 'Network', Promise.resolve(), { status: existing ? 200 : 201, body: nicView(nic) });
    },

    getNic(req: ArmRequest): ArmAnswer {
      const nic = nicAt(typeId(req.group, 'Microsoft.Network/networkInterfaces', req.name));
      if (!nic) throw notFound(req.group, 'Microsoft.Network/networkInterfaces', req.name);
      return { status: 200, body: nicView(nic) };
    },

    listNics(req: ArmRequest): ArmAnswer {
      const prefix = `${groupId(req.group)}/`.toLowerCase();
      return { status: 200, body: { value: nics.filter((n) => !n.deleted && n.id.toLowerCase().startsWith(prefix)).map(nicView) } };
    },

    deleteNic(req: ArmRequest): ArmAnswer {
      const nic = nicAt(typeId(req.group, 'Microsoft.Network/networkInterfaces', req.name));
      if (!nic) return { status: 204 };
      if (nic.vm) throw new ArmError(400, 'NicInUse', `Network Interface ${nic.id} is used by existing resource ${nic.vm.id}. In order to delete the network interface, it must be dissociated from the resource.`);
      nic.deleted = true;
      return lro(req, 'Network', Promise.resolve(), { status: 202, monitor: true });
    },

    putVm(req: ArmRequest): ArmAnswer {
      const id = typeId(req.group, 'Microsoft.Compute/virtualMachines', req.name);
      const asked = vmRequest(req, id);
      const existing = vmAt(id);
      if (existing) {
        // Custom data is read by cloud-init at the first boot only: ARM refuses to change it.
        if (asked.customData !== existing.customData) throw new ArmError(409, 'PropertyChangeNotAllowed', "Changing property 'customData' is not allowed.", 'customData');
        existing.tags = asked.tags;
        return lro(req, 'Compute', Promise.resolve(), { status: 200, body: vmView(existing) });
      }
      const { attached, ...rest } = asked;
      const vm: ArmVm = {
        ...rest,
        id,
        name: req.name,
        vmId: randomUUID(),
        nics: attached.map((a) => ({ id: a.nic.id, primary: a.primary, deleteOption: a.deleteOption })),
        provisioningState: 'Creating',
        power: null,
        failure: null,
        machine: null,
        created: now(),
        work: Promise.resolve(),
      };
      for (const a of attached) a.nic.vm = vm;
      vms.push(vm);
      const made = then(vm, () => provision(vm, attached.map((a) => a.nic), req.operationError));
      return lro(req, 'Compute', made, { status: 201, body: vmView(vm) });
    },

    getVm(req: ArmRequest): ArmAnswer {
      const vm = vmAt(typeId(req.group, 'Microsoft.Compute/virtualMachines', req.name));
      if (!vm) throw notFound(req.group, 'Microsoft.Compute/virtualMachines', req.name);
      return { status: 200, body: vmView(vm, req.query.get('$expand') === 'instanceView') };
    },

    instanceView(req: ArmRequest): ArmAnswer {
      const vm = vmAt(typeId(req.group, 'Microsoft.Compute/virtualMachines', req.name));
      if (!vm) throw notFound(req.group, 'Microsoft.Compute/virtualMachines', req.name);
      return { status: 200, body: instanceView(vm) };
    },

    listVms(req: ArmRequest): ArmAnswer {
      const prefix = `${groupId(req.group)}/`.toLowerCase();
      return { status: 200, body: { value: vms.filter((v) => v.provisioningState !== 'Deleted' && v.id.toLowerCase().startsWith(prefix)).map((v) => vmView(v)) } };
    },

    vmAction(req: ArmRequest): ArmAnswer {
      const vm = vmAt(typeId(req.group, 'Microsoft.Compute/virtualMachines', req.name));
      if (!vm) throw notFound(req.group, 'Microsoft.Compute/virtualMachines', req.name);
      const halt = (during: Power, after: Power) => async () => {
        if (vm.power === after) return;
        vm.power = during;
        await backend.halt(vm.machine!);
        vm.power = after;
      };
      const steps: Record<string, () => Promise<void>> = {
        deallocate: halt('deallocating', 'deallocated'),
        powerOff: halt('stopping', 'stopped'),
        start: async () => {
          if (vm.power !== 'running') await boot(vm);
        },
      };
      if (!vm.machine) throw new ArmError(409, 'OperationNotAllowed', `Operation '${req.action}' is not allowed on VM '${vm.name}' since the VM is not provisioned.`);
      return lro(req, 'Compute', then(vm, steps[req.action!]!), { status: 202, monitor: true });
    },

    deleteVm(req: ArmRequest): ArmAnswer {
      const vm = vmAt(typeId(req.group, 'Microsoft.Compute/virtualMachines', req.name));
      if (!vm) return { status: 204 };
      vm.provisioningState = 'Deleting';
      return lro(req, 'Compute', then(vm, () => teardown(vm)), { status: 202, monitor: true });
    },

    patchDisk(req: ArmRequest): ArmAnswer {
      const disk = diskAt(typeId(req.group, 'Microsoft.Compute/disks', req.name));
      if (!disk) throw notFound(req.group, 'Microsoft.Compute/disks', req.name);
      if (!isObject(req.body)) throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
      if (req.body.tags !== undefined) disk.tags = tagsOf(req.body);
      return {
        status: 200,
        body: { id: disk.id, name: disk.name, type: 'Microsoft.Compute/disks', location: disk.location, tags: disk.tags, sku: { name: disk.type }, managedBy: disk.vm?.id, properties: { diskSizeGB: disk.sizeGB, provisioningState: 'Succeeded', diskState: disk.vm ? 'Attached' : 'Unattached' } },
      };
    },

    deleteDisk(req: ArmRequest): ArmAnswer {
      const disk = diskAt(typeId(req.group, 'Microsoft.Compute/disks', req.name));
      if (!disk) return { status: 204 };
      if (disk.vm) throw new ArmError(409, 'OperationNotAllowed', `Disk ${disk.name} is attached to VM ${disk.vm.id}.`);
      disk.deleted = true;
      return lro(req, 'Compute', Promise.resolve(), { status: 202, monitor: true });
    },
  };

  return { vms, nics, disks, handlers };
}
