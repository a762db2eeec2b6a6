// A local Azure on one HTTPS port (self-signed: the Azure SDK sends bearer tokens over https only):
// Microsoft Entra ID's token endpoint for service principals with a client secret (and the OpenID
// configuration msal reads first), and Azure Resource Manager for the resources of
// ./resources.ts (cloud-test-peers.md). Entra checks the tenant, client and secret and answers its
// AADSTS errors; ARM wants a live bearer token of the subscription's principal (401
// AuthenticationFailed / InvalidAuthenticationToken), an api-version (400), the subscription
// (403 AuthorizationFailed) and the resource group (404 ResourceGroupNotFound). Changes answer as ARM
// does: 201/202 with Azure-AsyncOperation, whose status is polled until Succeeded or Failed, and for
// POST and DELETE a Location that answers 202 until done. Tests can make the next calls of an
// operation fail (throttling with Retry-After) or the next VM's creation end Failed (AllocationFailed).
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { backgroundWork, closeServer, faultQueue, listenLocal } from '../facade-kit';
import type { InstanceBackend } from '../instances';
import { armResources } from './resources';
import { ArmError, type ArmAnswer, type ArmDisk, type ArmNic, type ArmRequest, type ArmVm, type Lro, type ResourceGroup } from './wire';

/** An app registration with a client secret, holding Contributor on one subscription. */
export interface ServicePrincipal {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
}

/** An ARM error answered at once, or the error a VM's creation ends Failed with. */
export type ArmFault = { status: number; code: string; message: string; retryAfterSeconds?: number } | { operationError: { code: string; message: string } };

export const FAULTS = {
  throttled: { status: 429, code: 'TooManyRequests', message: "The request is being throttled as the limit has been reached for operation group 'Put_VM'.", retryAfterSeconds: 0 },
  allocationFailed: {
    operationError: {
      code: 'AllocationFailed',
      message: 'Allocation failed. We do not have sufficient capacity for the requested VM size in this region. Read more about improving likelihood of allocation success at http://aka.ms/allocation-guidance',
    },
  },
} satisfies Record<string, ArmFault>;

export interface AzureFacade {
  /** Entra ID's authority host (as AZURE_AUTHORITY_HOST). */
  readonly authorityHost: string;
  /** ARM's endpoint (as https://management.azure.com). */
  readonly armEndpoint: string;
  /** Operations called, in order, with the client id whose token called them (`token`: Entra's own). */
  readonly calls: { op: string; clientId: string | null }[];
  /** The next `times` calls of `op` (token, getSubnet, putNic, getNic, listNics, deleteNic, putVm, getVm, listVms, instanceView, vmAction, deleteVm, patchDisk, deleteDisk, operation) answer with `fault`; an operationError applies to putVm. */
  failNext(op: string, fault: ArmFault, times?: number): void;
  /** Every resource ever made, deleted ones too. */
  readonly vms: ArmVm[];
  readonly nics: ArmNic[];
  readonly disks: ArmDisk[];
  /** Resolves once no VM is being created, powered, or deleted. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1. */
async function certificate(): Promise<{ key: Buffer; cert: Buffer }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-azure-tls-'));
  try {
    const [key, cert] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1']);
    return { key: await readFile(key), cert: await readFile(cert) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Entra ID's OAuth error: `{"error", "error_description": "AADSTS<n>: …", "error_codes": [n], …}`. */
const entraError = (status: number, error: string, code: number, description: string): ArmAnswer => ({
  status,
  body: { error, error_description: `AADSTS${code}: ${description} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [code], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() },
});

const GROUP = '^/subscriptions/([^/]+)/resourceGroups/([^/]+)/providers/';
type Handlers = ReturnType<typeof armResources>['handlers'];
/** Method, path after the group, operation, handler, and the resource name (and action) from the match. */
const ROUTES: [string, string, string, keyof Handlers, (m: string[]) => { name: string; action?: string }][] = [
  ['GET', 'Microsoft\\.Network/virtualNetworks/([^/]+)/subnets/([^/]+)$', 'getSubnet', 'getSubnet', (m) => ({ name: `${m[3]}/${m[4]}` })],
  ['GET', 'Microsoft\\.Network/networkInterfaces$', 'listNics', 'listNics', () => ({ name: '' })],
  ['PUT', 'Microsoft\\.Network/networkInterfaces/([^/]+)$', 'putNic', 'putNic', (m) => ({ name: m[3]! })],
  ['GET', 'Microsoft\\.Network/networkInterfaces/([^/]+)$', 'getNic', 'getNic', (m) => ({ name: m[3]! })],
  ['DELETE', 'Microsoft\\.Network/networkInterfaces/([^/]+)$', 'deleteNic', 'deleteNic', (m) => ({ name: m[3]! })],
  ['GET', 'Microsoft\\.Compute/virtualMachines$', 'listVms', 'listVms', () => ({ name: '' })],
  ['PUT', 'Microsoft\\.Compute/virtualMachines/([^/]+)$', 'putVm', 'putVm', (m) => ({ name: m[3]! })],
  ['GET', 'Microsoft\\.Compute/virtualMachines/([^/]+)$', 'getVm', 'getVm', (m) => ({ name: m[3]! })],
  ['DELETE', 'Microsoft\\.Compute/virtualMachines/([^/]+)$', 'deleteVm', 'deleteVm', (m) => ({ name: m[3]! })],
  ['GET', 'Microsoft\\.Compute/virtualMachines/([^/]+)/instanceView$', 'instanceView', 'instanceView', (m) => ({ name: m[3]! })],
  ['POST', 'Microsoft\\.Compute/virtualMachines/([^/]+)/(deallocate|powerOff|start)$', 'vmAction', 'vmAction', (m) => ({ name: m[3]!, action: m[4]! })],
  ['PATCH', 'Microsoft\\.Compute/disks/([^/]+)$', 'patchDisk', 'patchDisk', (m) => ({ name: m[3]! })],
  ['DELETE', 'Microsoft\\.Compute/disks/([^/]+)$', 'deleteDisk', 'deleteDisk', (m) => ({ name: m[3]! })],
];
const OPERATION = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.(Compute|Network)\/locations\/([^/]+)\/operations\/([^/]+)$/i;

/** Starts the facade on 127.0.0.1 with `principals`, `groups` (their virtual networks and subnets) and the `images` the region has. */
export async function startAzureFacade(principals: ServicePrincipal[], groups: ResourceGroup[], options: { instances: InstanceBackend; images: string[] }): Promise<AzureFacade> {
  const calls: AzureFacade['calls'] = [];
  const faults = faultQueue<ArmFault>();
  const tokens = new Map<string, { principal: ServicePrincipal; expiresAt: number }>();
  const operations = new Map<string, { status: 'InProgress' | 'Succeeded' | 'Failed'; startTime: string; endTime?: string; error?: { code: string; message: string } }>();
  const work = backgroundWork();
  const server: Server = createServer(await certificate());
  const base = `https://127.0.0.1:${await listenLocal(server)}`;

  const lro: Lro = (req, namespace, done, answer) => {
    const id = randomUUID();
    const op: { status: 'InProgress' | 'Succeeded' | 'Failed'; startTime: string; endTime?: string; error?: { code: string; message: string } } = { status: 'InProgress', startTime: new Date().toISOString() };
    operations.set(id, op);
    const settle = (status: 'Succeeded' | 'Failed', error?: { code: string; message: string }) => Object.assign(op, { status, endTime: new Date().toISOString() }, error ? { error } : {});
    work.track(done.then(() => void settle('Succeeded'), (e: Error & { code?: string }) => void settle('Failed', { code: e.code ?? 'InternalServerError', message: e.message })));
    const url = `${base}/subscriptions/${req.group.subscriptionId}/providers/Microsoft.${namespace}/locations/${req.group.location}/operations/${id}?api-version=${req.query.get('api-version')}`;
    // ARM asks for 10 s or more between polls; 0 leaves the pace to the client's own interval.
    return { status: answer.status, headers: { 'azure-asyncoperation': url, 'retry-after': '0', ...(answer.monitor ? { location: `${url}&monitor=true` } : {}) }, ...(answer.body ? { body: answer.body } : {}) };
  };
  const arm = armResources(options.instances, { groups, images: options.images, lro, track: work.track });

  function openIdConfiguration(tenant: string): ArmAnswer {
    if (!principals.some((p) => p.tenantId === tenant)) return entraError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    const at = `${base}/${tenant}`;
    return { status: 200, body: { token_endpoint: `${at}/oauth2/v2.0/token`, authorization_endpoint: `${at}/oauth2/v2.0/authorize`, issuer: `${at}/v2.0`, jwks_uri: `${base}/${tenant}/discovery/v2.0/keys`, end_session_endpoint: `${at}/oauth2/v2.0/logout`, token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'] } };
  }

  function token(tenant: string, form: URLSearchParams): ArmAnswer {
    calls.push({ op: 'token', clientId: form.get('client_id') });
    if (form.get('grant_type') !== 'client_credentials') return entraError(400, 'unsupported_grant_type', 70003, 'The app requested an unsupported grant type.');
    const principal = principals.find((p) => p.tenantId === tenant && p.clientId === form.get('client_id'));
    if (!principal) return entraError(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory '${tenant}'.`);
    if (form.get('client_secret') !== principal.clientSecret) return entraError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${principal.clientId}'.`);
    if (!(form.get('scope') ?? '').split(' ').includes(`${base}/.default`)) return entraError(400, 'invalid_resource', 500011, `The resource principal named ${form.get('scope')} was not found in the tenant named ${tenant}.`);
    const accessToken = randomBytes(32).toString('base64url');
    tokens.set(accessToken, { principal, expiresAt: Date.now() + 3_600_000 });
    return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken } };
  }

  function operation(url: URL, m: RegExpExecArray): ArmAnswer {
    const op = operations.get(m[4]!);
    if (!op) throw new ArmError(404, 'NotFound', `The operation ${m[4]} is not found.`);
    if (url.searchParams.get('monitor') === 'true') return op.status === 'InProgress' ? { status: 202, headers: { location: url.toString(), 'retry-after': '0' } } : { status: 200 };
    return { status: 200, body: { name: m[4], status: op.status, startTime: op.startTime, ...(op.endTime ? { endTime: op.endTime } : {}), ...(op.error ? { error: op.error } : {}) } };
  }

  async function answer(req: IncomingMessage): Promise<ArmAnswer> {
    const url = new URL(req.url ?? '/', base);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const entra = /^\/([^/]+)\/(v2\.0\/\.well-known\/openid-configuration|oauth2\/v2\.0\/token)$/.exec(url.pathname);
    if (entra && req.method === 'GET' && entra[2]!.startsWith('v2.0')) return openIdConfiguration(entra[1]!);
    if (entra && req.method === 'POST') return token(entra[1]!, new URLSearchParams(text));

    const authorization = req.headers.authorization ?? '';
    if (!authorization) return { status: 401, body: { error: { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." } } };
    const session = tokens.get(authorization.replace(/^Bearer /, ''));
    if (!authorization.startsWith('Bearer ') || !session || session.expiresAt < Date.now()) {
      return { status: 401, headers: { 'www-authenticate': `Bearer authorization_uri="${base}/", error="invalid_token", error_description="The access token is invalid."` }, body: { error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } } };
    }
    const apiVersion = url.searchParams.get('api-version');
    if (!apiVersion) throw new ArmError(400, 'MissingApiVersionParameter', 'The api-version query parameter (?api-version=) is required for all requests.');
    if (!/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) throw new ArmError(400, 'InvalidApiVersionParameter', `The api-version '${apiVersion}' is invalid. The supported versions are dates such as '2024-07-01'.`);
    const { principal } = session;
    const opMatch = OPERATION.exec(url.pathname);
    const route = ROUTES.find(([method, tail]) => method === req.method && new RegExp(GROUP + tail, 'i').test(url.pathname));
    const subscription = (opMatch ?? /^\/subscriptions\/([^/]+)/.exec(url.pathname))?.[1];
    if (subscription && subscription !== principal.subscriptionId) {
      throw new ArmError(403, 'AuthorizationFailed', `The client '${principal.clientId}' with object id '${principal.clientId}' does not have authorization to perform action over scope '${url.pathname}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
    }
    const op = opMatch ? 'operation' : route?.[2];
    if (!op) throw new ArmError(404, 'InvalidResourceType', `The resource type for '${req.method} ${url.pathname}' could not be found.`);
    calls.push({ op, clientId: principal.clientId });
    const fault = faults.take(op);
    if (fault && 'status' in fault) {
      throw Object.assign(new ArmError(fault.status, fault.code, fault.message), { retryAfterSeconds: fault.retryAfterSeconds });
    }
    if (opMatch) return operation(url, opMatch);
    const [, tail, , handler, naming] = route!;
    const m = new RegExp(GROUP + tail, 'i').exec(url.pathname)!;
    const group = groups.find((g) => g.subscriptionId === m[1] && g.name.toLowerCase() === decodeURIComponent(m[2]!).toLowerCase());
    if (!group) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${decodeURIComponent(m[2]!)}' could not be found.`);
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ArmError(400, 'InvalidRequestContent', 'The request content was invalid and could not be deserialized.');
    }
    const { name, action } = naming(m.map((s) => decodeURIComponent(s)));
    const armReq: ArmRequest = { group, name, body, query: url.searchParams, ...(action ? { action } : {}), ...(fault ? { operationError: fault.operationError } : {}) };
    return arm.handlers[handler](armReq);
  }

  function send(res: ServerResponse, { status, headers = {}, body }: ArmAnswer): void {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), 'x-ms-request-id': randomUUID(), 'x-ms-correlation-request-id': randomUUID(), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    answer(req)
      .then((a) => send(res, a))
      .catch((e: Error & { retryAfterSeconds?: number }) => {
        const known = e instanceof ArmError;
        const headers: Record<string, string> = e.retryAfterSeconds === undefined ? {} : { 'retry-after': String(e.retryAfterSeconds) };
        send(res, { status: known ? e.status : 500, headers, body: { error: { code: known ? e.code : 'InternalServerError', message: e.message, ...(known && e.target ? { target: e.target } : {}) } } });
      });
  });

  return {
    authorityHost: base,
    armEndpoint: base,
    calls,
    failNext: faults.failNext,
    vms: arm.vms,
    nics: arm.nics,
    disks: arm.disks,
    settled: work.settled,
    close: () => closeServer(server),
  };
}
