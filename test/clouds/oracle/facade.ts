// A local OCI Core Services endpoint (Compute and Virtual Network share one host in a region, under
// the API version path /20160918; cloud-test-peers.md). Every request must carry a valid OCI
// request signature made with the tenancy user's API key (./signature.ts); otherwise it is refused
// 401 NotAuthenticated, as OCI refuses it. Errors are OCI's `{"code", "message"}` with an
// opc-request-id header. What the endpoint holds and does is in ./core.ts. Tests can make the next
// calls of an operation fail: throttled (429 TooManyRequests), out of host capacity (500
// InternalError "Out of host capacity.", exactly as OCI sends it; the capacity report then says
// OUT_OF_HOST_CAPACITY for that shape), a plain internal error, or an answer lost after the work
// was done (the connection is cut, as when a network drops).
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { backgroundWork, closeServer, faultQueue, listenLocal } from '../facade-kit';
import type { InstanceBackend } from '../instances';
import { coreServices, OciFault, type CoreAnswer, type CoreRequest, type OciInstance, type OciTenancy } from './core';
import { verifyOciSignature } from './signature';

export type { OciInstance, OciTenancy } from './core';

/** An error OCI answers with (its code decides what a client does, never its message), or an answer lost on the way back. */
export type OciFacadeFault = { status: number; code: string; message: string; outOfHostCapacity?: true } | { lostAnswer: true };

export const FAULTS = {
  throttled: { status: 429, code: 'TooManyRequests', message: 'Too many requests for the user' },
  capacity: { status: 500, code: 'InternalError', message: 'Out of host capacity.', outOfHostCapacity: true },
  internal: { status: 500, code: 'InternalError', message: 'Internal error occurred' },
  lostAnswer: { lostAnswer: true },
} satisfies Record<string, OciFacadeFault>;

export interface OciFacade {
  /** The endpoint an SDK client is pointed at (client.endpoint; the SDK adds /20160918). */
  readonly endpoint: string;
  /** Operations called with a valid signature, in order, with the key that signed each and the request target (path and query). */
  readonly calls: { op: string; keyId: string; target: string }[];
  /** Requests refused for their signature, with why. */
  readonly refused: string[];
  /** The next `times` calls of `op` (LaunchInstance, GetInstance, ListInstances, InstanceAction, …) fail with `fault`. */
  failNext(op: string, fault: OciFacadeFault, times?: number): void;
  /** Every instance ever launched, terminated ones too. */
  readonly instances: OciInstance[];
  /** Resolves once no instance is provisioning, starting, stopping or terminating. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const BASE = '/20160918';
const NOT_AUTHENTICATED = { code: 'NotAuthenticated', message: 'The required information to complete authentication was not provided or was incorrect.' };

type Core = ReturnType<typeof coreServices>;
type Operation = Exclude<keyof Core, 'instances' | 'runOutOfCapacity'>;

const ROUTES: [string, RegExp, Operation][] = [
  ['POST', /^\/instances$/, 'LaunchInstance'],
  ['GET', /^\/instances$/, 'ListInstances'],
  ['GET', /^\/instances\/([^/]+)$/, 'GetInstance'],
  ['POST', /^\/instances\/([^/]+)$/, 'InstanceAction'],
  ['DELETE', /^\/instances\/([^/]+)$/, 'TerminateInstance'],
  ['GET', /^\/vnicAttachments$/, 'ListVnicAttachments'],
  ['GET', /^\/vnics\/([^/]+)$/, 'GetVnic'],
  ['GET', /^\/subnets\/([^/]+)$/, 'GetSubnet'],
  ['GET', /^\/images\/([^/]+)$/, 'GetImage'],
  ['POST', /^\/computeCapacityReports$/, 'CreateComputeCapacityReport'],
];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseJson(raw: Buffer): unknown {
  if (!raw.length) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new OciFault(400, 'CannotParseRequest', 'Incorrectly formatted request. Please refer to the documentation and try again.');
  }
}

/** Starts the endpoint on 127.0.0.1 for one tenancy; `pageSize` is the most items a listing answers at once. */
export async function startOciFacade(tenancy: OciTenancy, options: { instances: InstanceBackend; pageSize?: number }): Promise<OciFacade> {
  const calls: OciFacade['calls'] = [];
  const refused: string[] = [];
  const faults = faultQueue<OciFacadeFault>();
  const work = backgroundWork();
  const core = coreServices(tenancy, options.instances, { pageSize: options.pageSize ?? 100, track: work.track });
  const keyId = `${tenancy.tenancyId}/${tenancy.userId}/${tenancy.fingerprint}`;
  const server: Server = createServer();
  const endpoint = `http://127.0.0.1:${await listenLocal(server)}`;

  /** The answer to a request, and whether the connection is to be cut instead of answering. */
  async function answer(req: IncomingMessage): Promise<CoreAnswer & { lost?: boolean }> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', endpoint);
    const signature = verifyOciSignature({ method: req.method ?? 'GET', target: req.url ?? '/', headers: req.headers, body: raw }, (id) => (id === keyId ? tenancy.publicKey : undefined));
    if ('refused' in signature) {
      refused.push(signature.refused);
      return { status: 401, body: NOT_AUTHENTICATED };
    }
    const path = url.pathname.startsWith(`${BASE}/`) ? url.pathname.slice(BASE.length) : '';
    const route = ROUTES.find(([method, re]) => method === req.method && re.test(path));
    if (!route) return { status: 404, body: { code: 'NotFound', message: `There is no operation ${req.method} ${url.pathname}` } };
    const [, re, op] = route;
    calls.push({ op, keyId: signature.keyId, target: req.url ?? '' });
    const body = parseJson(raw);
    const fault = faults.take(op);
    if (fault && 'status' in fault) {
      if (fault.outOfHostCapacity) core.runOutOfCapacity(body);
      return { status: fault.status, body: { code: fault.code, message: fault.message } };
    }
    const id = re.exec(path)?.[1];
    const token = req.headers['opc-retry-token'];
    const request: CoreRequest = { query: url.searchParams, body, ...(id ? { id: decodeURIComponent(id) } : {}), ...(typeof token === 'string' ? { retryToken: token } : {}) };
    return { ...core[op](request), ...(fault ? { lost: true } : {}) };
  }

  function send(res: ServerResponse, { status, headers = {}, body }: CoreAnswer): void {
    res.writeHead(status, { ...(body === undefined ? {} : { 'content-type': 'application/json' }), 'opc-request-id': randomBytes(16).toString('hex').toUpperCase(), ...headers });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    answer(req)
      .then((a) => (a.lost ? res.socket?.destroy() : send(res, a)))
      .catch((e: Error) => {
        const fault = e instanceof OciFault ? e : new OciFault(500, 'InternalError', e.message);
        send(res, { status: fault.status, body: { code: fault.code, message: fault.message } });
      });
  });

  return {
    endpoint,
    calls,
    refused,
    failNext: faults.failNext,
    instances: core.instances,
    settled: work.settled,
    close: () => closeServer(server),
  };
}
