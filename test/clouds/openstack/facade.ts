// A local OpenStack speaking Keystone v3, Nova v2.1, Neutron v2.0 and Glance v2 on one HTTPS port,
// laid out as devstack lays them out (/identity, /compute/v2.1, /network, /image; cloud-test-peers.md).
// Keystone checks the user, password, domains and project, and answers with a token in
// X-Subject-Token and a catalog pointing at itself; every other call needs a live X-Auth-Token of
// the project (401 otherwise, as keystonemiddleware answers). Errors are in each service's format:
// Nova `{"badRequest": {"code", "message"}}`, Neutron `{"NeutronError": {"type", …}}`, Keystone
// `{"error": {"code", "title", "message"}}`. Tests can make the next calls of an operation fail
// (rate limits with Retry-After, quota) or the next server's build fail (NoValidHost).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { backgroundWork, closeServer, faultQueue, listenLocal } from '../facade-kit';
import type { InstanceBackend } from '../instances';
import { NovaError, novaHandlers, type NovaAnswer, type NovaRequest, type NovaServer, type ProjectResources } from './nova';

/** A user with a role on one project, and what the project holds. */
export interface CloudProject {
  username: string;
  password: string;
  userDomain?: string;
  projectName: string;
  projectDomain?: string;
  region: string;
  networks: { id: string; name: string }[];
  securityGroups: string[];
  images: { id: string; name: string }[];
}

/** An error answered in Nova's format, or a server build that fails with a fault. */
export type OpenStackFault = { status: number; faultName: string; message: string; retryAfterSeconds?: number } | { buildFault: { code: number; message: string } };

export const FAULTS = {
  throttled: { status: 429, faultName: 'overLimit', message: 'This request was rate-limited.', retryAfterSeconds: 0 },
  overLimit: { status: 413, faultName: 'overLimit', message: 'This request was rate-limited.', retryAfterSeconds: 0 },
  quota: { status: 403, faultName: 'forbidden', message: 'Quota exceeded for instances: Requested 1, but already used 10 of 10 instances' },
  noValidHost: { buildFault: { code: 500, message: 'No valid host was found. There are not enough hosts available.' } },
} satisfies Record<string, OpenStackFault>;

export interface OpenStackFacade {
  /** Keystone's v3 URL, as an account's authUrl. */
  readonly authUrl: string;
  /** Operations called, in order, with the project whose token called them (null: Keystone's own). */
  readonly calls: { op: string; project: string | null }[];
  /** The next `times` calls of `op` (createServer, listServers, showServer, serverAction, deleteServer, listFlavors, …) fail with `fault`. */
  failNext(op: string, fault: OpenStackFault, times?: number): void;
  /** Every server ever created, deleted ones too. */
  readonly instances: NovaServer[];
  /** Every token stops working (as a revocation or a Keystone restart with new keys). */
  revokeTokens(): void;
  /** Resolves once no server is building, stopping, starting or being deleted. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

type Handler = (req: NovaRequest) => NovaAnswer;
type Project = Omit<CloudProject, 'securityGroups'> & ProjectResources;

const UNAUTHORIZED = { error: { code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.' } };

/** A self-signed certificate for 127.0.0.1 (an account's authUrl must be https). */
async function certificate(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-openstack-tls-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    return { key: await readFile(key), cert: await readFile(cert) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new NovaError(400, 'badRequest', 'Malformed request body');
  }
}

/** Keystone's name-or-id reference to a domain (the Default domain's id is "default"). */
const sameDomain = (ref: { name?: string; id?: string } | undefined, name: string) => ref?.name === name || ref?.id === name.toLowerCase();

/** Starts the facade on 127.0.0.1; `maxLimit` is Nova's page size (osapi_max_limit). */
export async function startOpenStackFacade(projects: CloudProject[], options: { instances: InstanceBackend; maxLimit?: number }): Promise<OpenStackFacade> {
  const known: Project[] = projects.map((p) => ({ ...p, id: randomBytes(16).toString('hex'), securityGroups: p.securityGroups.map((name) => ({ id: randomUUID(), name })) }));
  const calls: OpenStackFacade['calls'] = [];
  const faults = faultQueue<OpenStackFault>();
  const tokens = new Map<string, { project: Project; expiresAt: number }>();
  const instances: NovaServer[] = [];
  const work = backgroundWork();
  const server: Server = createServer(await certificate());
  const base = `https://127.0.0.1:${await listenLocal(server)}`;
  const nova = novaHandlers(instances, options.instances, {
    compute: `${base}/compute/v2.1`,
    maxLimit: options.maxLimit ?? 1000,
    track: work.track,
  });

  function authenticate(body: unknown): NovaAnswer {
    const auth = (body as { auth?: Record<string, never> } | undefined)?.auth as
      | { identity?: { methods?: string[]; password?: { user?: { name?: string; password?: string; domain?: { name?: string; id?: string } } } }; scope?: { project?: { name?: string; domain?: { name?: string; id?: string } } } }
      | undefined;
    const user = auth?.identity?.password?.user;
    if (!auth?.identity?.methods?.includes('password') || !user) return { status: 400, body: { error: { code: 400, title: 'Bad Request', message: "Invalid input for field 'identity': 'password' is a required property" } } };
    const scope = auth.scope?.project;
    const project = known.find(
      (p) => p.username === user.name && p.password === user.password && sameDomain(user.domain, p.userDomain ?? 'Default') && p.projectName === scope?.name && sameDomain(scope?.domain, p.projectDomain ?? 'Default'),
    );
    if (!project) return { status: 401, body: UNAUTHORIZED };
    const token = randomBytes(32).toString('base64url');
    const expiresAt = Date.now() + 3_600_000;
    tokens.set(token, { project, expiresAt });
    const endpoint = (type: string, url: string) => ({
      id: randomUUID(),
      type,
      name: type,
      // An internal endpoint nobody outside the cloud reaches: a client must take the public one.
      endpoints: [
        { id: randomUUID(), interface: 'internal', region: project.region, region_id: project.region, url: `https://${type}.internal.invalid${new URL(url).pathname}` },
        { id: randomUUID(), interface: 'public', region: project.region, region_id: project.region, url },
      ],
    });
    const domain = (name = 'Default') => ({ id: name.toLowerCase(), name });
    return {
      status: 201,
      headers: { 'x-subject-token': token },
      body: {
        token: {
          methods: ['password'],
          user: { domain: domain(project.userDomain), id: randomBytes(16).toString('hex'), name: project.username, password_expires_at: null },
          audit_ids: [randomBytes(16).toString('base64url')],
          expires_at: new Date(expiresAt).toISOString().replace('Z', '000Z'),
          issued_at: new Date().toISOString().replace('Z', '000Z'),
          project: { domain: domain(project.projectDomain), id: project.id, name: project.projectName },
          is_domain: false,
          roles: [{ id: randomBytes(16).toString('hex'), name: 'member' }],
          catalog: [endpoint('identity', `${base}/identity`), endpoint('compute', `${base}/compute/v2.1`), endpoint('network', `${base}/network`), endpoint('image', `${base}/image`)],
        },
      },
    };
  }

  const neutronNotFound = (type: string, message: string): NovaAnswer => ({ status: 404, body: { NeutronError: { type, message, detail: '' } } });
  const neutron = {
    showNetwork({ project, id }: NovaRequest): NovaAnswer {
      const network = project.networks.find((n) => n.id === id);
      if (!network) return neutronNotFound('NetworkNotFound', `Network ${id} could not be found.`);
      return { status: 200, body: { network: { ...network, status: 'ACTIVE', admin_state_up: true, shared: false, subnets: [randomUUID()], mtu: 1450, 'router:external': false, tenant_id: project.id, project_id: project.id } } };
    },
    listSecurityGroups({ project, query }: NovaRequest): NovaAnswer {
      const groups = project.securityGroups.filter((g) => [...query].every(([k, v]) => (k === 'name' ? g.name === v : k === 'id' ? g.id === v : true)));
      return { status: 200, body: { security_groups: groups.map((g) => ({ ...g, description: '', tenant_id: project.id, project_id: project.id, security_group_rules: [] })) } };
    },
  };
  const glance = {
    showImage({ project, id }: NovaRequest): NovaAnswer {
      const image = project.images.find((i) => i.id === id);
      // Glance's 404 is text, not JSON.
      if (!image) return { status: 404, headers: { 'content-type': 'text/plain; charset=UTF-8' }, body: `404 Not Found\n\nNo image found with ID ${id}\n\n   ` };
      return { status: 200, body: { ...image, status: 'active', visibility: 'private', disk_format: 'qcow2', container_format: 'bare', owner: project.id, min_disk: 0, min_ram: 0, tags: [] } };
    },
  };

  const routes: [string, RegExp, string, Handler][] = [
    ['GET', /^\/compute\/v2\.1\/flavors$/, 'listFlavors', nova.listFlavors],
    ['GET', /^\/compute\/v2\.1\/servers\/detail$/, 'listServers', nova.listServers],
    ['POST', /^\/compute\/v2\.1\/servers$/, 'createServer', nova.createServer],
    ['GET', /^\/compute\/v2\.1\/servers\/([^/]+)$/, 'showServer', nova.showServer],
    ['POST', /^\/compute\/v2\.1\/servers\/([^/]+)\/action$/, 'serverAction', nova.serverAction],
    ['DELETE', /^\/compute\/v2\.1\/servers\/([^/]+)$/, 'deleteServer', nova.deleteServer],
    ['GET', /^\/network\/v2\.0\/networks\/([^/]+)$/, 'showNetwork', neutron.showNetwork],
    ['GET', /^\/network\/v2\.0\/security-groups$/, 'listSecurityGroups', neutron.listSecurityGroups],
    ['GET', /^\/image\/v2\/images\/([^/]+)$/, 'showImage', glance.showImage],
  ];

  async function answer(req: IncomingMessage): Promise<NovaAnswer> {
    const url = new URL(req.url ?? '/', base);
    const body = await readJson(req);
    if (req.method === 'POST' && url.pathname === '/identity/v3/auth/tokens') {
      calls.push({ op: 'authenticate', project: null });
      return authenticate(body);
    }
    const route = routes.find(([method, re]) => method === req.method && re.test(url.pathname));
    if (!route) return { status: 404, body: { itemNotFound: { code: 404, message: 'The resource could not be found.' } } };
    const [, re, op, handler] = route;
    const session = tokens.get(String(req.headers['x-auth-token'] ?? ''));
    if (!session || session.expiresAt < Date.now()) return { status: 401, headers: { 'www-authenticate': `Keystone uri="${base}/identity"` }, body: UNAUTHORIZED };
    calls.push({ op, project: session.project.projectName });
    const fault = faults.take(op);
    if (fault && 'status' in fault) {
      const retryAfter = fault.retryAfterSeconds;
      return {
        status: fault.status,
        headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) },
        body: { [fault.faultName]: { code: fault.status, message: fault.message, ...(retryAfter === undefined ? {} : { retryAfter: String(retryAfter) }) } },
      };
    }
    const id = re.exec(url.pathname)?.[1];
    return handler({ project: session.project, query: url.searchParams, body, ...(id ? { id: decodeURIComponent(id) } : {}), ...(fault ? { buildFault: fault.buildFault } : {}) });
  }

  function send(res: ServerResponse, { status, headers = {}, body }: NovaAnswer): void {
    const json = typeof body !== 'string';
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': json ? 'application/json' : 'text/plain' }), 'x-openstack-request-id': `req-${randomUUID()}`, ...headers });
    res.end(body === undefined ? undefined : json ? JSON.stringify(body) : body);
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    answer(req)
      .then((a) => send(res, a))
      .catch((e: Error) => {
        const status = e instanceof NovaError ? e.status : 500;
        send(res, { status, body: { [e instanceof NovaError ? e.faultName : 'computeFault']: { code: status, message: e.message } } });
      });
  });

  return {
    authUrl: `${base}/identity/v3`,
    calls,
    instances,
    failNext: faults.failNext,
    revokeTokens: () => tokens.clear(),
    settled: work.settled,
    close: () => closeServer(server),
  };
}
