// What the local OCI Core Services hold and do, as API 20160918 shows them (the SDK's models name
// every field): instances with their primary VNIC and its attachment, the tenancy's subnets and
// images, and compute capacity reports. LaunchInstance answers 200 with the instance PROVISIONING
// and builds it afterwards: its machine is made (test/clouds/instances.ts) and runs the user data,
// then RUNNING. STOP/SOFTSTOP halt it (STOPPING, STOPPED), START boots it again (STARTING, RUNNING),
// TerminateInstance destroys it (TERMINATING, TERMINATED; it stays listed, as OCI keeps it a while).
// LaunchInstance honours opc-retry-token as OCI does: the same token within 24 hours answers what
// the first request answered, or 409 InvalidatedRetryToken once that instance is terminated.
// Requests are checked as OCI checks them: 400 InvalidParameter naming the field, 404
// NotAuthorizedOrNotFound for what the tenancy does not hold.
import { randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { EmulatedInstance, InstanceBackend } from '../instances';

export interface OciTenancy {
  tenancyId: string;
  userId: string;
  fingerprint: string;
  /** The public half of the user's API key. */
  publicKey: KeyObject;
  region: string;
  compartmentId: string;
  availabilityDomains: string[];
  /** Regional subnets (no availabilityDomain) take instances of any of the tenancy's domains. */
  subnets: { id: string; displayName: string; cidrBlock: string; availabilityDomain?: string }[];
  images: { id: string; displayName: string }[];
  shapes: string[];
}

/** An error as OCI answers it: `{"code", "message"}` with the status. */
export class OciFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const invalid = (message: string) => new OciFault(400, 'InvalidParameter', message);
const notFound = () => new OciFault(404, 'NotAuthorizedOrNotFound', 'Authorization failed or requested resource not found.');
const related = (what: string) => new OciFault(400, 'RelatedResourceNotAuthorizedOrNotFound', `${what} not found or not authorized`);

type LifecycleState = 'PROVISIONING' | 'RUNNING' | 'STARTING' | 'STOPPING' | 'STOPPED' | 'TERMINATING' | 'TERMINATED';

/** An instance as OCI holds it, with the emulated machine behind it once built. */
export interface OciInstance {
  id: string;
  compartmentId: string;
  availabilityDomain: string;
  displayName: string;
  shape: string;
  imageId: string;
  bootVolumeSizeInGBs: number;
  subnetId: string;
  /** createVnicDetails.privateIp as asked: test hosts take their own address, which the VNIC reports. */
  privateIpAsked: string | null;
  freeformTags: Record<string, string>;
  metadata: Record<string, string>;
  /** metadata.user_data, decoded. */
  userData: string;
  lifecycleState: LifecycleState;
  /** TerminateInstance's preserveBootVolume. */
  bootVolumePreserved: boolean | null;
  timeCreated: string;
  vnicId: string;
  vnicAttachmentId: string;
  machine: EmulatedInstance | null;
  /** Its transitions, one after another. */
  work: Promise<void>;
}

export interface CoreRequest {
  id?: string;
  query: URLSearchParams;
  body: unknown;
  retryToken?: string;
}

export interface CoreAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const RETRY_TOKEN_MS = 24 * 3_600_000;
const METADATA_MAX_BYTES = 32_000;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ocid(kind: string, region = ''): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return `ocid1.${kind}.oc1.${region}.aaaaaaaa${[...randomBytes(52)].map((b) => alphabet[b % 32]).join('')}`;
}

/** A string map, as freeformTags and metadata are; `field` names it in the refusal. */
function stringMap(value: unknown, field: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== 'string')) throw invalid(`${field} must be a map of strings`);
  return value as Record<string, string>;
}

function inCidr(ip: string, cidr: string): boolean {
  if (!/^(\d{1,3}\.){3}\d{1,3}$/.test(ip)) return false;
  const toInt = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  return Math.floor(toInt(ip) / size) === Math.floor(toInt(base) / size);
}

/** The Core Services handlers, by operation, over `instances`. */
export function coreServices(tenancy: OciTenancy, backend: InstanceBackend, options: { pageSize: number; track: (work: Promise<void>) => void }) {
  const instances: OciInstance[] = [];
  const tokens = new Map<string, { at: number; instanceId: string; answer: CoreAnswer }>();
  /** `<availability domain>/<shape>` pairs with no host capacity now: set by a capacity fault, cleared by a launch there. */
  const noCapacity = new Set<string>();

  const compartment = (id: string | null) => {
    if (!id) throw new OciFault(400, 'MissingParameter', 'Missing compartmentId');
    if (id !== tenancy.compartmentId) throw notFound();
  };

  const view = (i: OciInstance) => ({
    availabilityDomain: i.availabilityDomain,
    compartmentId: i.compartmentId,
    definedTags: {},
    displayName: i.displayName,
    extendedMetadata: {},
    faultDomain: 'FAULT-DOMAIN-1',
    freeformTags: i.freeformTags,
    id: i.id,
    imageId: i.imageId,
    launchMode: 'PARAVIRTUALIZED',
    lifecycleState: i.lifecycleState,
    metadata: i.metadata,
    region: tenancy.region,
    shape: i.shape,
    sourceDetails: { sourceType: 'image', imageId: i.imageId, bootVolumeSizeInGBs: i.bootVolumeSizeInGBs },
    timeCreated: i.timeCreated,
  });

  const attachmentView = (i: OciInstance) => ({
    availabilityDomain: i.availabilityDomain,
    compartmentId: i.compartmentId,
    id: i.vnicAttachmentId,
    instanceId: i.id,
    lifecycleState: i.lifecycleState === 'TERMINATED' ? 'DETACHED' : i.lifecycleState === 'TERMINATING' ? 'DETACHING' : i.machine ? 'ATTACHED' : 'ATTACHING',
    nicIndex: 0,
    subnetId: i.subnetId,
    timeCreated: i.timeCreated,
    vnicId: i.vnicId,
  });

  /** One page of `items` from the `page` token on; opc-next-page names the next while more remain. */
  function page<T>(items: T[], query: URLSearchParams, view: (item: T) => unknown): CoreAnswer {
    const limit = Math.min(Number(query.get('limit') ?? options.pageSize), options.pageSize);
    const from = Number(query.get('page') ?? 0);
    if (!Number.isInteger(from) || from < 0 || from > items.length) throw invalid(`Invalid page: ${query.get('page')}`);
    const next = from + limit < items.length ? { 'opc-next-page': String(from + limit) } : undefined;
    return { status: 200, body: items.slice(from, from + limit).map(view), ...(next ? { headers: next } : {}) };
  }

  function own(id: string | undefined): OciInstance {
    const i = instances.find((x) => x.id === id);
    if (!i) throw notFound();
    return i;
  }

  /** Runs `step` after the instance's earlier transitions. */
  function then(i: OciInstance, step: () => Promise<void>): void {
    i.work = i.work.then(step);
    options.track(i.work);
  }

  const boot = async (i: OciInstance) => {
    // A failing boothook leaves the machine up (its console log says why), as on a cloud.
    await backend.boot(i.machine!, i.userData).catch(() => {});
  };

  function launchRequest(body: unknown): Omit<OciInstance, 'id' | 'lifecycleState' | 'bootVolumePreserved' | 'timeCreated' | 'vnicId' | 'vnicAttachmentId' | 'machine' | 'work'> {
    if (!isObject(body)) throw invalid('launchInstanceDetails must be an object');
    for (const field of ['availabilityDomain', 'compartmentId', 'shape']) if (typeof body[field] !== 'string' || !body[field]) throw invalid(`${field} may not be null`);
    compartment(body.compartmentId as string);
    const availabilityDomain = body.availabilityDomain as string;
    if (!tenancy.availabilityDomains.includes(availabilityDomain)) throw invalid(`Invalid availabilityDomain: ${availabilityDomain}`);
    const shape = body.shape as string;
    if (!tenancy.shapes.includes(shape)) throw invalid(`Invalid shape: ${shape} is not a shape of this tenancy`);
    const source = isObject(body.sourceDetails) ? body.sourceDetails : { sourceType: 'image', imageId: body.imageId };
    if (source.sourceType !== 'image') throw invalid(`Invalid sourceDetails.sourceType: ${String(source.sourceType)}`);
    if (typeof source.imageId !== 'string') throw invalid('sourceDetails.imageId may not be null');
    if (!tenancy.images.some((x) => x.id === source.imageId)) throw related(`Image ${source.imageId}`);
    const bootVolumeSizeInGBs = source.bootVolumeSizeInGBs ?? 50;
    if (!Number.isInteger(bootVolumeSizeInGBs) || (bootVolumeSizeInGBs as number) < 50 || (bootVolumeSizeInGBs as number) > 32_768) throw invalid('sourceDetails.bootVolumeSizeInGBs must be between 50 and 32768');
    const vnic = isObject(body.createVnicDetails) ? body.createVnicDetails : { subnetId: body.subnetId };
    if (typeof vnic.subnetId !== 'string') throw invalid('createVnicDetails.subnetId may not be null');
    const subnet = tenancy.subnets.find((s) => s.id === vnic.subnetId);
    if (!subnet) throw related(`Subnet ${vnic.subnetId}`);
    if (subnet.availabilityDomain && subnet.availabilityDomain !== availabilityDomain) throw invalid(`Invalid createVnicDetails.subnetId: subnet ${subnet.id} is in ${subnet.availabilityDomain}, not ${availabilityDomain}`);
    if (vnic.privateIp !== undefined && (typeof vnic.privateIp !== 'string' || !inCidr(vnic.privateIp, subnet.cidrBlock))) throw invalid(`Invalid createVnicDetails.privateIp: ${String(vnic.privateIp)} is not an address of ${subnet.cidrBlock}`);
    const displayName = body.displayName ?? `instance${Date.now()}`;
    if (typeof displayName !== 'string' || displayName.length < 1 || displayName.length > 255) throw invalid('displayName size must be between 1 and 255');
    const freeformTags = stringMap(body.freeformTags, 'freeformTags');
    const badTag = Object.entries(freeformTags).find(([k, v]) => k.length < 1 || k.length > 100 || /\s/.test(k) || v.length > 256);
    if (badTag) throw invalid(`Invalid freeformTags: key ${badTag[0]} (keys have 1 to 100 characters without spaces, values at most 256)`);
    const metadata = stringMap(body.metadata, 'metadata');
    if (Buffer.byteLength(JSON.stringify(metadata)) > METADATA_MAX_BYTES) throw invalid(`metadata must be at most ${METADATA_MAX_BYTES} bytes`);
    const userData = metadata.user_data ?? '';
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(userData) || userData.length % 4 !== 0) throw invalid('Invalid metadata.user_data: must be base64 encoded');
    return {
      compartmentId: body.compartmentId as string,
      availabilityDomain,
      displayName,
      shape,
      imageId: source.imageId,
      bootVolumeSizeInGBs: bootVolumeSizeInGBs as number,
      subnetId: subnet.id,
      privateIpAsked: (vnic.privateIp as string | undefined) ?? null,
      freeformTags,
      metadata,
      userData: Buffer.from(userData, 'base64').toString('utf8'),
    };
  }

  return {
    instances,

    /** The instance's availability domain has no host for its shape until a launch there succeeds. */
    runOutOfCapacity(body: unknown): void {
      if (isObject(body)) noCapacity.add(`${String(body.availabilityDomain)}/${String(body.shape)}`);
    },

    LaunchInstance({ body, retryToken }: CoreRequest): CoreAnswer {
      if (retryToken !== undefined && retryToken.length > 64) throw invalid('opc-retry-token must be at most 64 characters');
      const earlier = retryToken === undefined ? undefined : tokens.get(retryToken);
      if (earlier && Date.now() - earlier.at < RETRY_TOKEN_MS) {
        const made = own(earlier.instanceId);
        if (made.lifecycleState === 'TERMINATING' || made.lifecycleState === 'TERMINATED')
          throw new OciFault(409, 'InvalidatedRetryToken', 'The provided retry token was used in an earlier request that resulted in a system update, but a subsequent operation invalidated the token.');
        return earlier.answer;
      }
      const wanted = launchRequest(body);
      noCapacity.delete(`${wanted.availabilityDomain}/${wanted.shape}`);
      const i: OciInstance = {
        id: ocid('instance', tenancy.region),
        ...wanted,
        lifecycleState: 'PROVISIONING',
        bootVolumePreserved: null,
        timeCreated: new Date().toISOString(),
        vnicId: ocid('vnic', tenancy.region),
        vnicAttachmentId: ocid('vnicattachment', tenancy.region),
        machine: null,
        work: Promise.resolve(),
      };
      instances.push(i);
      then(i, async () => {
        i.machine = await backend.create();
        await boot(i);
        if (i.lifecycleState === 'PROVISIONING') i.lifecycleState = 'RUNNING';
      });
      const answer = { status: 200, body: view(i), headers: { etag: randomBytes(16).toString('hex'), 'opc-work-request-id': ocid('workrequest', tenancy.region) } };
      if (retryToken !== undefined) tokens.set(retryToken, { at: Date.now(), instanceId: i.id, answer });
      return answer;
    },

    GetInstance({ id }: CoreRequest): CoreAnswer {
      return { status: 200, body: view(own(id)) };
    },

    ListInstances({ query }: CoreRequest): CoreAnswer {
      compartment(query.get('compartmentId'));
      const [name, state, ad] = ['displayName', 'lifecycleState', 'availabilityDomain'].map((k) => query.get(k));
      const listed = instances.filter((i) => (!name || i.displayName === name) && (!state || i.lifecycleState === state) && (!ad || i.availabilityDomain === ad));
      // Newest first: OCI's default order is TIMECREATED, descending.
      return page([...listed].reverse(), query, view);
    },

    InstanceAction({ id, query }: CoreRequest): CoreAnswer {
      const i = own(id);
      const action = query.get('action') ?? '';
      const move = { START: ['STOPPED', 'STARTING', 'RUNNING'], STOP: ['RUNNING', 'STOPPING', 'STOPPED'], SOFTSTOP: ['RUNNING', 'STOPPING', 'STOPPED'] }[action];
      if (!move) throw invalid(`Invalid action: ${action} (the local Core Services emulate START, STOP and SOFTSTOP)`);
      const [from, via, to] = move as [LifecycleState, LifecycleState, LifecycleState];
      // Asking for the state it is in or going to is no change.
      if (i.lifecycleState === via || i.lifecycleState === to) return { status: 200, body: view(i) };
      if (i.lifecycleState !== from) throw new OciFault(409, 'IncorrectState', `Instance ${i.id} is ${i.lifecycleState}: ${action} is not allowed`);
      i.lifecycleState = via;
      then(i, async () => {
        if (via === 'STOPPING') await backend.halt(i.machine!);
        else await boot(i);
        if (i.lifecycleState === via) i.lifecycleState = to;
      });
      return { status: 200, body: view(i), headers: { etag: randomBytes(16).toString('hex') } };
    },

    TerminateInstance({ id, query }: CoreRequest): CoreAnswer {
      const i = own(id);
      if (i.lifecycleState !== 'TERMINATING' && i.lifecycleState !== 'TERMINATED') {
        i.lifecycleState = 'TERMINATING';
        i.bootVolumePreserved = query.get('preserveBootVolume') !== 'false';
        then(i, async () => {
          if (i.machine) await backend.destroy(i.machine);
          i.lifecycleState = 'TERMINATED';
        });
      }
      return { status: 204 };
    },

    ListVnicAttachments({ query }: CoreRequest): CoreAnswer {
      compartment(query.get('compartmentId'));
      const instanceId = query.get('instanceId');
      return page(instances.filter((i) => !instanceId || i.id === instanceId), query, attachmentView);
    },

    GetVnic({ id }: CoreRequest): CoreAnswer {
      const i = instances.find((x) => x.vnicId === id);
      if (!i) throw notFound();
      const lifecycleState = i.lifecycleState === 'TERMINATED' ? 'TERMINATED' : i.lifecycleState === 'TERMINATING' ? 'TERMINATING' : i.machine ? 'AVAILABLE' : 'PROVISIONING';
      const privateIp = i.machine && lifecycleState !== 'TERMINATED' ? i.machine.host.ip : null;
      return {
        status: 200,
        body: { availabilityDomain: i.availabilityDomain, compartmentId: i.compartmentId, definedTags: {}, displayName: i.displayName, freeformTags: {}, id: i.vnicId, isPrimary: true, lifecycleState, macAddress: '02:00:17:00:00:01', privateIp, publicIp: null, skipSourceDestCheck: false, subnetId: i.subnetId, timeCreated: i.timeCreated },
      };
    },

    GetSubnet({ id }: CoreRequest): CoreAnswer {
      const s = tenancy.subnets.find((x) => x.id === id);
      if (!s) throw notFound();
      const router = s.cidrBlock.replace(/\.\d+\/\d+$/, '.1');
      return {
        status: 200,
        body: { ...s, availabilityDomain: s.availabilityDomain ?? null, compartmentId: tenancy.compartmentId, definedTags: {}, freeformTags: {}, dnsLabel: 'nodes', lifecycleState: 'AVAILABLE', prohibitPublicIpOnVnic: true, routeTableId: ocid('routetable', tenancy.region), securityListIds: [ocid('securitylist', tenancy.region)], subnetDomainName: 'nodes.lab.oraclevcn.com', timeCreated: '2024-04-01T00:00:00.000Z', vcnId: ocid('vcn', tenancy.region), virtualRouterIp: router, virtualRouterMac: '00:00:17:00:00:01' },
      };
    },

    GetImage({ id }: CoreRequest): CoreAnswer {
      const image = tenancy.images.find((x) => x.id === id);
      if (!image) throw notFound();
      return { status: 200, body: { ...image, compartmentId: tenancy.compartmentId, createImageAllowed: true, launchMode: 'PARAVIRTUALIZED', lifecycleState: 'AVAILABLE', operatingSystem: 'Canonical Ubuntu', operatingSystemVersion: '24.04', sizeInMBs: 47694, timeCreated: '2024-04-01T00:00:00.000Z' } };
    },

    CreateComputeCapacityReport({ body }: CoreRequest): CoreAnswer {
      if (!isObject(body)) throw invalid('createComputeCapacityReportDetails must be an object');
      // Asked of the root compartment only: the tenancy.
      if (body.compartmentId !== tenancy.tenancyId) throw notFound();
      const ad = body.availabilityDomain;
      if (typeof ad !== 'string' || !tenancy.availabilityDomains.includes(ad)) throw invalid(`Invalid availabilityDomain: ${String(ad)}`);
      const asked = body.shapeAvailabilities;
      if (!Array.isArray(asked) || !asked.length || asked.some((s) => !isObject(s) || typeof s.instanceShape !== 'string')) throw invalid('shapeAvailabilities must list at least one instanceShape');
      const shapeAvailabilities = (asked as { instanceShape: string }[]).map(({ instanceShape }) => {
        const status = !tenancy.shapes.includes(instanceShape) ? 'HARDWARE_NOT_SUPPORTED' : noCapacity.has(`${ad}/${instanceShape}`) ? 'OUT_OF_HOST_CAPACITY' : 'AVAILABLE';
        return { instanceShape, availableCount: status === 'AVAILABLE' ? 8 : 0, availabilityStatus: status };
      });
      return { status: 200, body: { compartmentId: tenancy.tenancyId, availabilityDomain: ad, shapeAvailabilities, timeCreated: new Date().toISOString() } };
    },
  };
}
