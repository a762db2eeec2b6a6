// Where an account's nodes go, found by inventory path (SearchIndex.FindByInventoryPath) as the
// vSphere Client and govc name things: the datacenter (DC0, or Lab/DC0 in a folder), and within it
// the cluster or host (its host folder), datastore, network (port group) and template VM (its VM
// folder, e.g. templates/ubuntu-node20); a name starting with / is a whole path. Nodes' VMs go in
// the account's VM folder, else the datacenter's own. And the device changes a clone needs: its
// network adapter joined to the account's port group, its disk grown to the flavor's size.
import { VmwareFault } from './errors';
import { el, moref, text, type Moref, type XmlNode } from './soap';
import type { Vcenter } from './vcenter';

interface Placement {
  datacenter: Moref;
  folder: Moref;
  pool: Moref;
  datastore: Moref;
  template: Moref;
  /** The adapter backing that joins the account's network. */
  backing: string;
}

/** The account's network fields (lib/providers/account-fields.ts: ACCOUNT_FIELDS.vmware.network). */
type PlacementFields = Record<string, string>;

/** vim25's network adapter types (VirtualEthernetCard's subtypes). */
const NIC_TYPES = new Set(['VirtualE1000', 'VirtualE1000e', 'VirtualPCNet32', 'VirtualVmxnet', 'VirtualVmxnet2', 'VirtualVmxnet3', 'VirtualVmxnet3Vrdma', 'VirtualSriovEthernetCard']);

async function find(vc: Vcenter, path: string, types: string[], code: string, what: string): Promise<Moref> {
  const ref = await vc.findByInventoryPath(path);
  if (!ref || !types.includes(ref.type)) throw new VmwareFault(code, `vCenter has no ${what} at ${path}${ref ? ` (that is a ${ref.type})` : ''}`);
  return ref;
}

/** The datacenter's path, and a path under one of its folders (vm, host, datastore, network). */
async function datacenterOf(vc: Vcenter, fields: PlacementFields): Promise<{ ref: Moref; under: (folder: string, name: string) => string }> {
  const dcPath = (fields.datacenter ?? '').replace(/^\/+|\/+$/g, '');
  const ref = await find(vc, dcPath, ['Datacenter'], 'DatacenterNotFound', 'datacenter');
  return { ref, under: (folder, name) => (name.startsWith('/') ? name.slice(1) : `${dcPath}/${folder}/${name}`) };
}

/** The backing that joins a network: a standard port group by name, a distributed one by its switch and key. */
async function backingOf(vc: Vcenter, network: Moref): Promise<string> {
  if (network.type === 'Network') {
    const name = (await vc.props(network, ['name']))?.text('name') ?? '';
    return el('backing', text('deviceName', name) + moref('network', network), 'VirtualEthernetCardNetworkBackingInfo');
  }
  if (network.type === 'DistributedVirtualPortgroup') {
    const pg = await vc.props(network, ['key', 'config.distributedVirtualSwitch']);
    const dvs = pg?.get('config.distributedVirtualSwitch')?.moref;
    const uuid = dvs ? (await vc.props(dvs, ['uuid']))?.text('uuid') : undefined;
    if (!pg?.text('key') || !uuid) throw new VmwareFault('NetworkNotFound', `distributed port group ${network.value} has no switch`);
    return el('backing', el('port', text('switchUuid', uuid) + text('portgroupKey', pg.text('key')!)), 'VirtualEthernetCardDistributedVirtualPortBackingInfo');
  }
  throw new VmwareFault('NetworkNotSupported', `${network.type} ${network.value} is neither a standard nor a distributed port group`);
}

/** Everything the account names, looked up; the first one missing fails with its own code. */
export async function placementOf(vc: Vcenter, fields: PlacementFields): Promise<Placement> {
  const dc = await datacenterOf(vc, fields);
  const cluster = await find(vc, dc.under('host', fields.cluster ?? ''), ['ClusterComputeResource', 'ComputeResource'], 'ClusterNotFound', 'cluster or host');
  const pool = (await vc.props(cluster, ['resourcePool']))?.get('resourcePool')?.moref;
  if (!pool) throw new VmwareFault('ClusterNotFound', `${fields.cluster} has no resource pool`);
  const datastore = await find(vc, dc.under('datastore', fields.datastore ?? ''), ['Datastore'], 'DatastoreNotFound', 'datastore');
  const network = await find(vc, dc.under('network', fields.network ?? ''), ['Network', 'DistributedVirtualPortgroup', 'OpaqueNetwork'], 'NetworkNotFound', 'network');
  const template = await find(vc, dc.under('vm', fields.template ?? ''), ['VirtualMachine'], 'TemplateNotFound', 'template VM');
  const folder = fields.folder
    ? await find(vc, dc.under('vm', fields.folder), ['Folder'], 'FolderNotFound', 'VM folder')
    : (await vc.props(dc.ref, ['vmFolder']))!.get('vmFolder')!.moref;
  return { datacenter: dc.ref, folder, pool, datastore, template, backing: await backingOf(vc, network) };
}

/** The VM's virtual devices (config.hardware.device), each named VirtualDevice with its xsi:type. */
export async function devicesOf(vc: Vcenter, vm: Moref): Promise<XmlNode[]> {
  return (await vc.props(vm, ['config.hardware.device']))?.get('config.hardware.device')?.children ?? [];
}

const change = (operation: 'edit', device: string) => `<deviceChange>${text('operation', operation)}${device}</deviceChange>`;

/** The template's first network adapter, joined to the account's network instead (a clone's location.deviceChange). */
export function nicChange(devices: XmlNode[], backing: string, template: Moref): string {
  const nic = devices.find((d) => NIC_TYPES.has(d.xsiType ?? ''));
  if (!nic) throw new VmwareFault('TemplateHasNoNetworkAdapter', `template ${template.value} has no network adapter to join the network to`);
  return change('edit', nic.renamed('device', { backing }));
}

/** The VM's first disk grown to `sizeGb` (never shrunk: vSphere refuses that); nothing when it is that big already. */
export function diskChange(devices: XmlNode[], sizeGb: number): string {
  const disk = devices.find((d) => d.xsiType === 'VirtualDisk');
  const kb = sizeGb * 1024 * 1024;
  if (!disk || Number(disk.child('capacityInKB')?.text ?? 0) >= kb) return '';
  return change('edit', disk.renamed('device', { capacityInKB: text('capacityInKB', kb), capacityInBytes: text('capacityInBytes', kb * 1024) }));
}
