// A local mdx REST API (cloud-test-peers.md), with the paths, payloads and status values
// nii-gakunin-cloud/mdx-rest-client-python uses: `Authorization: JWT <token>` on every call, and
// POST /api/refresh/ giving a new token and refusing the old one from then on (401). A deploy is
// checked field by field (400 naming each field, as Django REST framework answers) and runs
// asynchronously: the VM is listed as Deploying, then PowerON, and its IPv4 address shows a little
// later (minutes on mdx). Power tasks answer 202 and end later; destroy is refused (409) unless the
// VM is PowerOFF or Deallocated, and a destroyed VM answers 404. Each VM is a machine of the
// instance backend (test/clouds/instances.ts); mdx runs nothing on it at boot, but the deploy's
// shared_key lets its login user in over SSH, into a home of the machine's own as on a VM of its
// own. Tests can make the next calls of an operation answer with a fault.
import { randomBytes, randomUUID } from 'node:crypto';
import { appendFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { backgroundWork, closeServer, faultQueue, listenLocal } from '../facade-kit';
import type { EmulatedInstance, InstanceBackend } from '../instances';

export interface MdxCatalog {
  uuid: string;
  name: string;
  template_name: string;
  os_type: string;
  /** The user shared_key lets in; an emulated machine's sshd lets in the user running the tests. */
  login_username: string;
}

/** A user's token and the one project it may use. */
export interface MdxAccount {
  token: string;
  projectId: string;
  projectName: string;
  segments: { uuid: string; name: string }[];
  catalogs: MdxCatalog[];
}

/** An answer mdx gives instead of doing the call. */
export interface MdxFault {
  status: number;
  body: Record<string, unknown>;
  /** Seconds, for Retry-After. */
  retryAfter?: number;
}

export const FAULTS = {
  throttled: { status: 429, body: { detail: 'Request was throttled. Expected available in 1 second.' }, retryAfter: 1 },
  unavailable: { status: 503, body: { detail: 'Service temporarily unavailable.' } },
  // What lib/providers/mdx/errors.ts takes mdx to answer when no host has room for the packs.
  capacity: { status: 400, body: { code: 'resource_shortage', detail: '指定されたパック数の仮想マシンを配置できるリソースが不足しています。' } },
} satisfies Record<string, MdxFault>;

export type MdxOp = 'refresh' | 'projects' | 'segments' | 'catalogs' | 'vms' | 'vm' | 'deploy' | 'power_on' | 'power_off' | 'shutdown' | 'destroy';

export interface MdxVm {
  uuid: string;
  name: string;
  projectId: string;
  status: 'Deploying' | 'PowerON' | 'PowerOFF' | 'Deallocated';
  /** The deploy's body, as sent. */
  deployment: Record<string, unknown>;
  /** Once the deploy has made it. */
  machine?: EmulatedInstance;
  /** When the IPv4 address shows (after each power on); null while off. */
  addressAt: number | null;
  /** The task running on it, if one is. */
  task: string | null;
  destroyed: boolean;
}

export interface MdxFacade {
  readonly url: string;
  /** Calls answered, in order, with the token each came with. */
  readonly calls: { op: MdxOp; token: string }[];
  /** The next `times` calls of `op` answer with `fault`. */
  failNext(op: MdxOp, fault: MdxFault, times?: number): void;
  /** Every VM ever deployed, destroyed ones too. */
  readonly instances: MdxVm[];
  /** Resolves once no deploy or power or destroy task runs. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** An answer; thrown where a call is refused. */
class Answer extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly retryAfter?: number,
  ) {
    super(`${status}`);
  }
}

const OFF = ['PowerOFF', 'Deallocated'];
const newToken = () => ['eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9', randomBytes(48).toString('base64url'), randomBytes(32).toString('base64url')].join('.');

/** A deploy's problems, field by field, as Django REST framework names them (empty when it is fine). */
function deployProblems(body: Record<string, unknown>, account: MdxAccount): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const problem = (field: string, text: string) => (problems[field] = [...(problems[field] ?? []), text]);
  const required = ['catalog', 'template_name', 'pack_type', 'pack_num', 'disk_size', 'network_adapters', 'shared_key', 'storage_network', 'os_type', 'power_on', 'project', 'vm_name'];
  for (const field of required) if (body[field] === undefined || body[field] === null || body[field] === '') problem(field, 'This field is required.');
  const catalog = account.catalogs.find((c) => c.uuid === body.catalog);
  if (body.catalog && !catalog) problem('catalog', `Catalog "${String(body.catalog)}" is not in this project.`);
  if (catalog && body.template_name && body.template_name !== catalog.template_name) problem('template_name', `"${String(body.template_name)}" is not the catalog's template.`);
  if (body.pack_type && !['cpu', 'gpu'].includes(String(body.pack_type))) problem('pack_type', `"${String(body.pack_type)}" is not a valid choice.`);
  for (const field of ['pack_num', 'disk_size']) if (body[field] !== undefined && !(Number.isInteger(body[field]) && (body[field] as number) > 0)) problem(field, 'A valid positive integer is required.');
  if (body.gpu !== undefined && !/^\d+$/.test(String(body.gpu))) problem('gpu', 'A number as a string is required.');
  const adapters = body.network_adapters;
  if (adapters !== undefined && (!Array.isArray(adapters) || !adapters.length)) problem('network_adapters', 'A non-empty list is required.');
  for (const a of Array.isArray(adapters) ? (adapters as Record<string, unknown>[]) : [])
    if (!Number.isInteger(a.adapter_number) || !account.segments.some((s) => s.uuid === a.segment)) problem('network_adapters', `Adapter ${JSON.stringify(a)} names no segment of this project.`);
  if (body.shared_key && !/^(ssh-|ecdsa-)\S+ \S+/.test(String(body.shared_key))) problem('shared_key', 'An OpenSSH public key is required.');
  if (body.storage_network && !['sr-iov', 'pvrdma', 'portgroup'].includes(String(body.storage_network))) problem('storage_network', `"${String(body.storage_network)}" is not a valid choice.`);
  if (body.service_level !== undefined && !['spot', 'guarantee'].includes(String(body.service_level))) problem('service_level', `"${String(body.service_level)}" is not a valid choice.`);
  if (body.os_type && !['Linux', 'Windows'].includes(String(body.os_type))) problem('os_type', `"${String(body.os_type)}" is not a valid choice.`);
  if (body.power_on !== undefined && typeof body.power_on !== 'boolean') problem('power_on', 'Must be a valid boolean.');
  if (body.project && body.project !== account.projectId) problem('project', 'You are not assigned to this project.');
  // A range (name[1-3]) deploys several VMs on mdx; this facade makes one per call.
  if (body.vm_name && !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(String(body.vm_name))) problem('vm_name', 'Up to 64 letters, digits, "_", "." and "-" (a range is not supported here).');
  return problems;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  try {
    return (JSON.parse(text) as Record<string, unknown> | null) ?? {};
  } catch {
    throw new Answer(400, { detail: 'JSON parse error.' });
  }
}

/**
 * Starts the API on 127.0.0.1 for the given accounts. `addressDelayMs`: how long after a power on
 * the IPv4 address shows; `taskMs`: how long a power task runs; `pageSize`: the most items a page
 * holds (lists are paginated whatever page_size asks).
 */
export async function startMdxFacade(accounts: MdxAccount[], options: { instances?: InstanceBackend; port?: number; addressDelayMs?: number; taskMs?: number; pageSize?: number } = {}): Promise<MdxFacade> {
  const calls: MdxFacade['calls'] = [];
  const faults = faultQueue<MdxFault>();
  const instances: MdxVm[] = [];
  const tokens = new Map(accounts.map((a) => [a, a.token]));
  const spent = new Set<string>();
  const work = backgroundWork();
  const addressDelayMs = options.addressDelayMs ?? 300;
  const taskMs = options.taskMs ?? 50;
  const backend = options.instances;

  /** Runs a VM's task in the background; the VM is busy until it ends. */
  const task = (vm: MdxVm, run: () => Promise<void>): { task_id: string[] } => {
    const id = randomUUID();
    vm.task = id;
    const p = (async () => {
      await sleep(taskMs);
      await run();
    })().finally(() => void (vm.task = null));
    work.track(p);
    return { task_id: [id] };
  };
  const poweredOn = (vm: MdxVm) => {
    vm.status = 'PowerON';
    vm.addressAt = Date.now() + addressDelayMs;
  };

  const vmOf = (account: MdxAccount, id: string): MdxVm => {
    const vm = instances.find((v) => v.uuid === id && v.projectId === account.projectId && !v.destroyed);
    if (!vm) throw new Answer(404, { detail: 'Not found.' });
    return vm;
  };
  const idle = (vm: MdxVm, allowed: string[], op: string) => {
    if (vm.task) throw new Answer(409, { detail: `Another task is running on ${vm.name}.` });
    if (!allowed.includes(vm.status)) throw new Answer(409, { detail: `${op} is not possible while ${vm.name} is ${vm.status}.` });
  };

  const page = (url: URL, items: unknown[]) => {
    const size = Math.min(Number(url.searchParams.get('page_size') ?? 100) || 100, options.pageSize ?? 100);
    const n = Math.max(1, Number(url.searchParams.get('page') ?? 1) || 1);
    const at = (p: number) => Object.assign(new URL(url.href), { search: `?page=${p}&page_size=${size}` }).href;
    return { count: items.length, next: n * size < items.length ? at(n + 1) : null, previous: n > 1 ? at(n - 1) : null, results: items.slice((n - 1) * size, n * size) };
  };

  const vmInfo = (vm: MdxVm, account: MdxAccount) => {
    const d = vm.deployment;
    const adapter = (d.network_adapters as { adapter_number: number; segment: string }[])[0]!;
    const shown = vm.status === 'PowerON' && vm.addressAt !== null && Date.now() >= vm.addressAt;
    return {
      name: vm.name,
      os_type: d.os_type,
      status: vm.status,
      vmware_tools: [{ status: vm.status === 'PowerON' ? 'toolsOk' : 'toolsNotRunning', version: '12.3.0' }],
      cpu: (d.pack_num as number) * (d.pack_type === 'gpu' ? 18 : 1),
      memory: `${Math.round((d.pack_num as number) * (d.pack_type === 'gpu' ? 60 : 2.5))} GB`,
      gpu: String(d.gpu ?? '0'),
      service_networks: [{ adapter_number: adapter.adapter_number, ipv4_address: [shown ? vm.machine!.host.ip : ''], ipv6_address: [], segment: account.segments.find((s) => s.uuid === adapter.segment)?.name }],
      storage_networks: [{ adapter_number: 2, ipv4_address: [], ipv6_address: [], type: d.storage_network }],
      hard_disks: [{ disk_number: 1, device_key: 2000, capacity: `${String(d.disk_size)} GB`, datastore: 'datastore1' }],
      dvd_media: '',
      vcenter: 'vcenter1',
      esxi: 'esxi1',
      pack_type: d.pack_type,
      pack_num: d.pack_num,
    };
  };

  type Handler = (account: MdxAccount, m: RegExpExecArray, url: URL, body: Record<string, unknown>) => Promise<[number, unknown]> | [number, unknown];
  const routes: { method: string; path: RegExp; op: MdxOp; handle: Handler }[] = [
    { method: 'GET', path: /^\/api\/project\/assigned\/$/, op: 'projects', handle: (a) => [200, [{ uuid: 'inst-1', name: 'Test University', projects: [{ uuid: a.projectId, name: a.projectName, type: '通常', expired: false }] }]] },
    { method: 'GET', path: /^\/api\/segment\/project\/([^/]+)\/all\/$/, op: 'segments', handle: (a, m) => [200, m[1] === a.projectId ? a.segments.map((s) => ({ ...s, default: false })) : []] },
    {
      method: 'GET',
      path: /^\/api\/catalog\/project\/([^/]+)\/$/,
      op: 'catalogs',
      handle: (a, m, url) => {
        if (m[1] !== a.projectId) throw new Answer(404, { detail: 'Not found.' });
        return [200, page(url, a.catalogs.map((c) => ({ ...c, type: 'Public', os_name: 'Ubuntu', os_version: '22.04', hw_version: 'vmx-19', description: '' })))];
      },
    },
    {
      method: 'GET',
      path: /^\/api\/vm\/project\/([^/]+)\/$/,
      op: 'vms',
      handle: (a, m, url) => {
        if (m[1] !== a.projectId) throw new Answer(404, { detail: 'Not found.' });
        const listed = instances.filter((v) => v.projectId === a.projectId && !v.destroyed).map((v) => ({ uuid: v.uuid, name: v.name, status: v.status, vcenter: 'vcenter1', running_tasks: v.task ? [v.task] : [] }));
        return [200, page(url, listed)];
      },
    },
    {
      method: 'POST',
      path: /^\/api\/vm\/deploy\/$/,
      op: 'deploy',
      handle: (a, _m, _url, body) => {
        const problems = deployProblems(body, a);
        if (Object.keys(problems).length) throw new Answer(400, problems);
        if (!backend) throw new Answer(503, { detail: 'This facade deploys no VMs.' });
        const vm: MdxVm = { uuid: randomUUID(), name: String(body.vm_name), projectId: a.projectId, status: 'Deploying', deployment: body, addressAt: null, task: null, destroyed: false };
        instances.push(vm);
        return [
          202,
          task(vm, async () => {
            const machine = await backend.create();
            // How the template lets shared_key in: for the login user, whose home is this machine's own folder.
            const home = `cd '${machine.home}' && HOME='${machine.home}' exec sh -c \\"$SSH_ORIGINAL_COMMAND\\"`;
            await appendFile(path.join(machine.host.dir, 'authorized_keys'), `command="${home}" ${String(body.shared_key).trim()}\n`);
            vm.machine = machine;
            if (body.power_on) poweredOn(vm);
            else vm.status = 'PowerOFF';
          }),
        ];
      },
    },
    { method: 'GET', path: /^\/api\/vm\/([^/]+)\/$/, op: 'vm', handle: (a, m) => [200, vmInfo(vmOf(a, m[1]!), a)] },
    {
      method: 'POST',
      path: /^\/api\/vm\/([^/]+)\/power_on\/$/,
      op: 'power_on',
      handle: (a, m, _url, body) => {
        const vm = vmOf(a, m[1]!);
        idle(vm, OFF, 'power_on');
        if (body.service_level !== undefined && !['spot', 'guarantee'].includes(String(body.service_level))) throw new Answer(400, { service_level: [`"${String(body.service_level)}" is not a valid choice.`] });
        return [202, task(vm, async () => poweredOn(vm))];
      },
    },
    ...(['power_off', 'shutdown'] as const).map((op) => ({
      method: 'POST',
      path: new RegExp(`^/api/vm/([^/]+)/${op}/$`),
      op,
      handle: ((a, m) => {
        const vm = vmOf(a, m[1]!);
        idle(vm, ['PowerON'], op);
        return [
          202,
          task(vm, async () => {
            // As at a shutdown: what runs on the machine stops; its disk stays.
            await backend!.halt(vm.machine!);
            vm.status = 'PowerOFF';
            vm.addressAt = null;
          }),
        ];
      }) satisfies Handler,
    })),
    {
      method: 'POST',
      path: /^\/api\/vm\/([^/]+)\/destroy\/$/,
      op: 'destroy',
      handle: (a, m) => {
        const vm = vmOf(a, m[1]!);
        idle(vm, OFF, 'destroy');
        return [
          202,
          task(vm, async () => {
            await backend!.destroy(vm.machine!);
            vm.destroyed = true;
          }),
        ];
      },
    },
  ];

  const refused = (t: string) => new Answer(401, { detail: spent.has(t) ? 'This token was refreshed already and is no longer valid.' : 'Error decoding signature.' });

  /** The queued fault of `op`, if one is due. */
  function fault(op: MdxOp): void {
    const fault = faults.take(op);
    if (fault) throw new Answer(fault.status, fault.body, fault.retryAfter);
  }

  async function respond(req: IncomingMessage, url: URL): Promise<Answer> {
    const body = await readJson(req);
    if (req.method === 'POST' && url.pathname === '/api/refresh/') {
      // The token in the body is the one refreshed: it is spent from now on.
      const old = String(body.token ?? '');
      const account = accounts.find((a) => tokens.get(a) === old);
      if (!account) throw refused(old);
      calls.push({ op: 'refresh', token: old });
      fault('refresh');
      const fresh = newToken();
      tokens.set(account, fresh);
      spent.add(old);
      return new Answer(200, { token: fresh });
    }
    const sent = /^JWT (\S+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (!sent) throw new Answer(401, { detail: 'Authentication credentials were not provided.' });
    const account = accounts.find((a) => tokens.get(a) === sent);
    if (!account) throw refused(sent);
    for (const route of routes) {
      const m = route.path.exec(url.pathname);
      if (!m || route.method !== req.method) continue;
      calls.push({ op: route.op, token: sent });
      fault(route.op);
      const [status, answer] = await route.handle(account, m, url, body);
      return new Answer(status, answer);
    }
    throw new Answer(404, { detail: 'Not found.' });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const answer = await respond(req, new URL(req.url ?? '/', 'http://127.0.0.1')).catch((e: unknown) => (e instanceof Answer ? e : new Answer(500, { detail: (e as Error).message })));
    res.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.retryAfter !== undefined ? { 'retry-after': String(answer.retryAfter) } : {}) });
    res.end(JSON.stringify(answer.body));
  }

  const server: Server = createServer((req, res) => void handle(req, res));
  const port = await listenLocal(server, options.port);
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    instances,
    failNext: faults.failNext,
    settled: work.settled,
    close: () => closeServer(server),
  };
}
