// ARM's wire format as the local ARM (./facade.ts, ./resources.ts) speaks it: its errors
// (`{"error": {"code", "message", "target"?}}`), the resources it holds, how a request body is checked
// (location, tags, addresses), and how a NIC, a VM and its instance view are shown.
import { randomUUID } from 'node:crypto';
import type { EmulatedInstance } from '../instances';

/** An ARM error: `{"error": {"code", "message", "target"?}}`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly target?: string,
  ) {
    super(message);
  }
}

export interface ArmAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ResourceGroup {
  subscriptionId: string;
  name: string;
  location: string;
  virtualNetworks: { name: string; subnets: { name: string; addressPrefix: string }[] }[];
}

export interface ArmRequest {
  group: ResourceGroup;
  /** The resource's name in the path, and the VM action's. */
  name: string;
  action?: string;
  body: unknown;
  query: URLSearchParams;
  /** Queued for this call: the VM's long-running creation fails with it (as ARM reports AllocationFailed). */
  operationError?: { code: string; message: string };
}

/** Answers 201/202 with Azure-AsyncOperation (and Location for POST and DELETE) for `work`; the facade serves both URLs. */
export type Lro = (req: ArmRequest, namespace: 'Compute' | 'Network', work: Promise<void>, answer: { status: number; body?: unknown; monitor?: boolean }) => ArmAnswer;

export type Power = 'starting' | 'running' | 'stopping' | 'stopped' | 'deallocating' | 'deallocated';

export interface ArmVm {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  vmId: string;
  vmSize: string;
  image: Record<string, string>;
  osDisk: { name: string; sizeGB: number; type: string; deleteOption: string };
  nics: { id: string; primary: boolean; deleteOption: string }[];
  computerName: string;
  adminUsername: string;
  sshKeys: { path: string; keyData: string }[];
  /** Decoded. */
  customData: string;
  /** Deleted: gone from ARM, kept for tests to look at. */
  provisioningState: 'Creating' | 'Succeeded' | 'Failed' | 'Deleting' | 'Deleted';
  power: Power | null;
  failure: { code: string; message: string } | null;
  machine: EmulatedInstance | null;
  created: string;
  /** Its transitions, one after another. */
  work: Promise<void>;
}

export interface ArmNic {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  subnetId: string;
  allocation: 'Static' | 'Dynamic';
  address: string;
  /** The VM it is attached to. */
  vm: ArmVm | null;
  deleted: boolean;
}

export interface ArmDisk {
  id: string;
  name: string;
  location: string;
  tags: Record<string, string>;
  sizeGB: number;
  type: string;
  vm: ArmVm | null;
  deleted: boolean;
}

/** The VM sizes and managed disk types this region offers. */
export const VM_SIZES = ['Standard_B1s', 'Standard_B2s', 'Standard_D2s_v3', 'Standard_D3_v2', 'Standard_D4_v2', 'Standard_NC6s_v3'];
export const DISK_TYPES = ['Standard_LRS', 'Premium_LRS', 'StandardSSD_LRS', 'UltraSSD_LRS', 'Premium_ZRS', 'StandardSSD_ZRS', 'PremiumV2_LRS'];
const POWER_TEXT: Record<Power, string> = { starting: 'VM starting', running: 'VM running', stopping: 'VM stopping', stopped: 'VM stopped', deallocating: 'VM deallocating', deallocated: 'VM deallocated' };

export const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
export const now = () => new Date().toISOString();
export const invalid = (target: string, message: string) => new ArmError(400, 'InvalidParameter', message, target);
export const missing = (target: string) => invalid(target, `Required parameter '${target}' is missing (null).`);
export const groupId = (g: ResourceGroup) => `/subscriptions/${g.subscriptionId}/resourceGroups/${g.name}`;
export const typeId = (g: ResourceGroup, type: string, name: string) => `${groupId(g)}/providers/${type}/${name}`;
export const notFound = (g: ResourceGroup, type: string, name: string) =>
  new ArmError(404, 'ResourceNotFound', `The Resource '${type}/${name}' under resource group '${g.name}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function ipv4(address: string): number | null {
  const parts = address.split('.').map(Number);
  return parts.length === 4 && parts.every((p) => Number.isInteger(p) && p >= 0 && p < 256) ? parts.reduce((n, p) => n * 256 + p, 0) : null;
}

export function inPrefix(address: string, prefix: string): boolean {
  const [net, bits] = prefix.split('/');
  const [a, n] = [ipv4(address), ipv4(net!)];
  const size = 2 ** (32 - Number(bits));
  return a !== null && n !== null && Math.floor(a / size) === Math.floor(n / size);
}

export function tagsOf(body: Record<string, unknown>): Record<string, string> {
  const tags = body.tags ?? {};
  if (!isObject(tags) || Object.values(tags).some((v) => typeof v !== 'string')) throw invalid('tags', 'The tags must be a map of names to string values.');
  const reserved = Object.keys(tags).filter((k) => /[<>%&\\?/]/.test(k) || [...k].some((c) => c.charCodeAt(0) < 32));
  if (reserved.length) throw new ArmError(400, 'InvalidTagNameCharacters', `The tag names '${reserved.join(',')}' have reserved characters '<,>,%,&,\\,?,/' or control characters.`);
  return tags as Record<string, string>;
}

export function located(body: unknown): Record<string, unknown> & { location: string; properties: Record<string, unknown> } {
  if (!isObject(body)) throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
  if (typeof body.location !== 'string' || !body.location) throw new ArmError(400, 'LocationRequired', 'The location property is required for this definition.');
  return { ...body, location: body.location, properties: isObject(body.properties) ? body.properties : {} };
}

export function nicView(n: ArmNic) {
  return {
    id: n.id,
    name: n.name,
    type: 'Microsoft.Network/networkInterfaces',
    location: n.location,
    tags: n.tags,
    etag: `W/"${randomUUID()}"`,
    properties: {
      provisioningState: 'Succeeded',
      ipConfigurations: [
        {
          id: `${n.id}/ipConfigurations/ipconfig1`,
          name: 'ipconfig1',
          type: 'Microsoft.Network/networkInterfaces/ipConfigurations',
          properties: { provisioningState: 'Succeeded', privateIPAddress: n.address || undefined, privateIPAllocationMethod: n.allocation, subnet: { id: n.subnetId }, primary: true, privateIPAddressVersion: 'IPv4' },
        },
      ],
      ...(n.vm ? { virtualMachine: { id: n.vm.id } } : {}),
      enableAcceleratedNetworking: false,
      enableIPForwarding: false,
      primary: !!n.vm,
    },
  };
}

export function instanceView(vm: ArmVm) {
  const provisioning =
    vm.provisioningState === 'Failed'
      ? { code: `ProvisioningState/failed/${vm.failure!.code}`, level: 'Error', displayStatus: 'Provisioning failed', message: vm.failure!.message, time: vm.created }
      : { code: `ProvisioningState/${vm.provisioningState.toLowerCase()}`, level: 'Info', displayStatus: `Provisioning ${vm.provisioningState.toLowerCase()}`, time: vm.created };
  const power = vm.power ? [{ code: `PowerState/${vm.power}`, level: 'Info', displayStatus: POWER_TEXT[vm.power] }] : [];
  return { computerName: vm.computerName, osName: 'ubuntu', osVersion: '24.04', statuses: [provisioning, ...power] };
}

export function vmView(vm: ArmVm, expand = false) {
  return {
    id: vm.id,
    name: vm.name,
    type: 'Microsoft.Compute/virtualMachines',
    location: vm.location,
    tags: vm.tags,
    properties: {
      vmId: vm.vmId,
      hardwareProfile: { vmSize: vm.vmSize },
      storageProfile: {
        imageReference: vm.image,
        osDisk: { osType: 'Linux', name: vm.osDisk.name, createOption: 'FromImage', caching: 'ReadWrite', diskSizeGB: vm.osDisk.sizeGB, managedDisk: { storageAccountType: vm.osDisk.type }, deleteOption: vm.osDisk.deleteOption },
        dataDisks: [],
      },
      // ARM never shows custom data back.
      osProfile: { computerName: vm.computerName, adminUsername: vm.adminUsername, linuxConfiguration: { disablePasswordAuthentication: true, ssh: { publicKeys: vm.sshKeys } }, secrets: [], allowExtensionOperations: true },
      networkProfile: { networkInterfaces: vm.nics.map((n) => ({ id: n.id, properties: { primary: n.primary, deleteOption: n.deleteOption } })) },
      provisioningState: vm.provisioningState,
      timeCreated: vm.created,
      ...(expand ? { instanceView: instanceView(vm) } : {}),
    },
  };
}
