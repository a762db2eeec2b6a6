// The Nova part of the OpenStack facade (API v2.1, as Nova's api_samples show it): flavors, and
// servers with their vm_state/task_state life. A server answers 202 at once and builds afterwards:
// BUILD while its machine is made and boots its user data, then ACTIVE; os-stop halts it
// (ACTIVE + powering-off, then SHUTOFF), os-start boots it again (SHUTOFF + powering-on, then
// ACTIVE), DELETE destroys it (then 404). Requests are checked as Nova's JSON schema and create
// code check them, and refused with Nova's own messages.
import { randomUUID } from 'node:crypto';
import type { EmulatedInstance, InstanceBackend } from '../instances';

/** A Nova error: `{"<name>": {"code": status, "message": …}}`. */
export class NovaError extends Error {
  constructor(
    readonly status: number,
    readonly faultName: string,
    message: string,
  ) {
    super(message);
  }
}

const badRequest = (message: string) => new NovaError(400, 'badRequest', message);
const conflict = (message: string) => new NovaError(409, 'conflictingRequest', message);
const notFound = (id: string) => new NovaError(404, 'itemNotFound', `Instance ${id} could not be found.`);

/** What a project holds besides its servers (Neutron networks, security groups, Glance images). */
export interface ProjectResources {
  id: string;
  networks: { id: string; name: string }[];
  securityGroups: { id: string; name: string }[];
  images: { id: string; name: string }[];
}

type VmState = 'building' | 'active' | 'stopped' | 'error' | 'deleted';
const STATUS: Record<VmState, string> = { building: 'BUILD', active: 'ACTIVE', stopped: 'SHUTOFF', error: 'ERROR', deleted: 'DELETED' };

/** A server as Nova holds it, with the emulated machine behind it once built. */
export interface NovaServer {
  id: string;
  projectId: string;
  name: string;
  flavorId: string;
  imageId: string;
  /** `networks` as the create request gave them. */
  networks: { uuid: string; fixed_ip?: string }[];
  /** The network its address is on, which its addresses are keyed by. */
  networkName: string;
  securityGroups: string[];
  metadata: Record<string, string>;
  userData: string;
  vmState: VmState;
  taskState: string | null;
  fault: { code: number; message: string; created: string } | null;
  created: string;
  machine: EmulatedInstance | null;
  /** Its transitions, one after another. */
  work: Promise<void>;
}

/** devstack's flavors. */
const FLAVORS = [
  { id: '1', name: 'm1.tiny' },
  { id: '2', name: 'm1.small' },
  { id: '3', name: 'm1.medium' },
  { id: '4', name: 'm1.large' },
  { id: '5', name: 'm1.xlarge' },
];

export interface NovaRequest {
  project: ProjectResources;
  id?: string;
  query: URLSearchParams;
  body: unknown;
  /** When set, the server's build fails with this fault (as the scheduler's NoValidHost). */
  buildFault?: { code: number; message: string };
}

export interface NovaAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const METADATA_KEY = /^[a-zA-Z0-9-_:. ]{1,255}$/;
const CREATE_FIELDS = ['name', 'imageRef', 'flavorRef', 'adminPass', 'metadata', 'networks', 'OS-DCF:diskConfig', 'accessIPv4', 'accessIPv6', 'personality', 'availability_zone', 'block_device_mapping', 'block_device_mapping_v2', 'config_drive', 'key_name', 'min_count', 'max_count', 'return_reservation_id', 'security_groups', 'user_data'];

const invalid = (field: string, value: unknown, message: string) => badRequest(`Invalid input for field/attribute ${field}. Value: ${JSON.stringify(value)}. ${message}`);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One page of `items` after `marker`, with Nova's `<key>_links` next link whenever the page is full (the last full page too, as Nova does). */
function page<T extends { id: string }>(items: T[], query: URLSearchParams, maxLimit: number, url: string, key: string, view: (item: T) => unknown): Record<string, unknown> {
  const limit = Math.min(Number(query.get('limit') ?? maxLimit), maxLimit);
  const marker = query.get('marker');
  const from = marker ? items.findIndex((i) => i.id === marker) + 1 : 0;
  if (marker && from === 0) throw badRequest(`marker [${marker}] not found`);
  const shown = items.slice(from, from + limit);
  const next = new URLSearchParams(query);
  next.set('limit', String(limit));
  next.set('marker', shown.at(-1)?.id ?? '');
  return { [key]: shown.map(view), ...(shown.length === limit ? { [`${key}_links`]: [{ href: `${url}?${next}`, rel: 'next' }] } : {}) };
}

/** The Nova handlers, by operation, over `servers`; `compute` is the endpoint's URL. */
export function novaHandlers(servers: NovaServer[], backend: InstanceBackend, options: { compute: string; maxLimit: number; track: (work: Promise<void>) => void }) {
  const { compute, maxLimit } = options;
  const link = (kind: string, id: string) => [
    { href: `${compute}/${kind}/${id}`, rel: 'self' },
    { href: `${compute.replace(/\/v2\.1$/, '')}/${kind}/${id}`, rel: 'bookmark' },
  ];

  function view(s: NovaServer): Record<string, unknown> {
    return {
      id: s.id,
      name: s.name,
      status: STATUS[s.vmState],
      tenant_id: s.projectId,
      user_id: 'ocs',
      metadata: s.metadata,
      hostId: s.machine ? s.machine.host.name : '',
      image: { id: s.imageId, links: link('images', s.imageId).slice(1) },
      flavor: { id: s.flavorId, links: link('flavors', s.flavorId).slice(1) },
      created: s.created,
      updated: now(),
      addresses: s.machine ? { [s.networkName]: [{ addr: s.machine.host.ip, version: 4, 'OS-EXT-IPS:type': 'fixed', 'OS-EXT-IPS-MAC:mac_addr': 'fa:16:3e:00:00:01' }] } : {},
      accessIPv4: '',
      accessIPv6: '',
      links: link('servers', s.id),
      key_name: null,
      config_drive: '',
      progress: 0,
      security_groups: s.securityGroups.map((name) => ({ name })),
      'OS-DCF:diskConfig': 'MANUAL',
      'OS-EXT-AZ:availability_zone': 'nova',
      'OS-EXT-STS:power_state': s.vmState === 'active' ? 1 : s.vmState === 'stopped' ? 4 : 0,
      'OS-EXT-STS:task_state': s.taskState,
      'OS-EXT-STS:vm_state': s.vmState,
      'OS-SRV-USG:launched_at': s.machine ? s.created : null,
      'OS-SRV-USG:terminated_at': null,
      'os-extended-volumes:volumes_attached': [],
      ...(s.fault && s.vmState === 'error' ? { fault: s.fault } : {}),
    };
  }

  /** Runs `step` after the server's earlier transitions; a step that throws leaves it in ERROR, as a failed compute task does. */
  function then(s: NovaServer, step: () => Promise<void>): void {
    s.work = s.work.then(step).catch((e: Error) => {
      s.vmState = 'error';
      s.taskState = null;
      s.fault = { code: 500, message: e.message, created: now() };
    });
    options.track(s.work);
  }

  /** The task ends, unless a later one (a delete) took over meanwhile. */
  const finish = (s: NovaServer, task: string, vmState: VmState) => {
    if (s.taskState !== task) return;
    s.vmState = vmState;
    s.taskState = null;
  };

  const boot = async (s: NovaServer) => {
    // A failing boothook leaves the machine up (its console log says why), as on a cloud.
    await backend.boot(s.machine!, s.userData).catch(() => {});
  };

  function own(req: NovaRequest): NovaServer {
    const s = servers.find((x) => x.id === req.id && x.projectId === req.project.id && x.vmState !== 'deleted');
    if (!s) throw notFound(req.id ?? '');
    return s;
  }

  function createRequest(req: NovaRequest) {
    if (!isObject(req.body) || !isObject(req.body.server)) throw invalid('server', isObject(req.body) ? req.body.server : req.body, "'server' is a required property");
    const server = req.body.server;
    const extra = Object.keys(server).filter((k) => !CREATE_FIELDS.includes(k));
    if (extra.length) throw invalid('server', server, `Additional properties are not allowed (${extra.map((k) => `'${k}'`).join(', ')} were unexpected)`);
    for (const field of ['name', 'flavorRef']) if (server[field] === undefined) throw invalid('server', server, `'${field}' is a required property`);
    const { name, flavorRef, imageRef, networks = [], security_groups: groups = [{ name: 'default' }], user_data: userData = '', metadata = {} } = server as Record<string, unknown>;
    if (typeof name !== 'string' || !name.trim() || name.length > 255) throw invalid('name', name, 'is not a valid name');
    if (!imageRef) throw badRequest('Missing imageRef attribute');
    const flavor = FLAVORS.find((f) => f.id === flavorRef);
    if (!flavor) throw badRequest(`Flavor ${String(flavorRef)} could not be found.`);
    if (!req.project.images.some((i) => i.id === imageRef)) throw badRequest('Can not find requested image');
    if (!Array.isArray(networks) || networks.some((n) => !isObject(n) || typeof n.uuid !== 'string')) throw invalid('networks', networks, 'is not valid');
    const unknownNetwork = (networks as { uuid: string }[]).find((n) => !req.project.networks.some((p) => p.id === n.uuid));
    if (unknownNetwork) throw badRequest(`Network ${unknownNetwork.uuid} could not be found.`);
    // Without networks Nova takes the project's only one, and will not guess among several.
    const network = req.project.networks.find((p) => p.id === (networks as { uuid: string }[])[0]?.uuid) ?? (req.project.networks.length === 1 ? req.project.networks[0] : undefined);
    if (!network) throw conflict('Multiple possible networks found, use a Network ID to be more specific.');
    if (!Array.isArray(groups) || groups.some((g) => !isObject(g) || typeof g.name !== 'string')) throw invalid('security_groups', groups, 'is not valid');
    const unknownGroup = (groups as { name: string }[]).find((g) => !req.project.securityGroups.some((p) => p.name === g.name || p.id === g.name));
    if (unknownGroup) throw badRequest(`Security group ${unknownGroup.name} not found.`);
    if (typeof userData !== 'string' || userData.length > 65535 || !/^[A-Za-z0-9+/]*={0,2}$/.test(userData) || userData.length % 4 !== 0) throw invalid('user_data', userData, `'${String(userData).slice(0, 40)}' is not a 'base64'`);
    if (!isObject(metadata) || Object.entries(metadata).some(([k, v]) => !METADATA_KEY.test(k) || typeof v !== 'string' || v.length > 255)) throw invalid('metadata', metadata, 'Additional properties are not allowed');
    return { name, flavorId: flavor.id, imageId: String(imageRef), networks: networks as NovaServer['networks'], networkName: network.name, securityGroups: (groups as { name: string }[]).map((g) => g.name), userData: Buffer.from(userData, 'base64').toString('utf8'), metadata: metadata as Record<string, string> };
  }

  return {
    listFlavors(req: NovaRequest): NovaAnswer {
      return { status: 200, body: page(FLAVORS, req.query, maxLimit, `${compute}/flavors`, 'flavors', (f) => ({ ...f, links: link('flavors', f.id) })) };
    },

    listServers(req: NovaRequest): NovaAnswer {
      const name = req.query.get('name');
      const mine = servers.filter((s) => s.projectId === req.project.id && s.vmState !== 'deleted' && (!name || new RegExp(name).test(s.name)));
      // Newest first, as Nova sorts by created_at.
      return { status: 200, body: page([...mine].reverse(), req.query, maxLimit, `${compute}/servers/detail`, 'servers', view) };
    },

    showServer(req: NovaRequest): NovaAnswer {
      return { status: 200, body: { server: view(own(req)) } };
    },

    createServer(req: NovaRequest): NovaAnswer {
      const wanted = createRequest(req);
      const s: NovaServer = { id: randomUUID(), projectId: req.project.id, ...wanted, vmState: 'building', taskState: 'scheduling', fault: null, created: now(), machine: null, work: Promise.resolve() };
      servers.push(s);
      const fault = req.buildFault;
      then(s, async () => {
        if (fault) {
          // The scheduler found no host: no machine is made, the server is left in ERROR with the fault.
          Object.assign(s, { vmState: 'error', taskState: null, fault: { ...fault, created: now() } });
          return;
        }
        s.taskState = 'spawning';
        s.machine = await backend.create();
        await boot(s);
        finish(s, 'spawning', 'active');
      });
      return { status: 202, headers: { location: `${compute}/servers/${s.id}` }, body: { server: { id: s.id, links: link('servers', s.id), adminPass: randomUUID().slice(0, 12), security_groups: s.securityGroups.map((name) => ({ name })), 'OS-DCF:diskConfig': 'MANUAL' } } };
    },

    serverAction(req: NovaRequest): NovaAnswer {
      const s = own(req);
      const [action, ...more] = isObject(req.body) ? Object.keys(req.body) : [];
      if (!action || more.length) throw badRequest('Malformed request body');
      const want = { 'os-stop': ['stop', 'active', 'powering-off'], 'os-start': ['start', 'stopped', 'powering-on'] }[action];
      if (!want) throw badRequest(`There is no such action: ${action}`);
      const [verb, from, task] = want as [string, VmState, string];
      if (s.vmState !== from) throw conflict(`Cannot '${verb}' instance ${s.id} while it is in vm_state ${s.vmState}`);
      if (s.taskState) throw conflict(`Cannot '${verb}' instance ${s.id} while it is in task_state ${s.taskState}`);
      s.taskState = task;
      then(s, async () => {
        if (action === 'os-stop') await backend.halt(s.machine!);
        else await boot(s);
        finish(s, task, action === 'os-stop' ? 'stopped' : 'active');
      });
      return { status: 202 };
    },

    deleteServer(req: NovaRequest): NovaAnswer {
      const s = own(req);
      if (s.taskState !== 'deleting') {
        s.taskState = 'deleting';
        then(s, async () => {
          if (s.machine) await backend.destroy(s.machine);
          finish(s, 'deleting', 'deleted');
        });
      }
      return { status: 204 };
    },
  };
}
