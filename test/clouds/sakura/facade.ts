// A local Sakura Cloud endpoint speaking IaaS API 1.1 as sacloud/iaas-api-go defines it
// (cloud-test-peers.md): per-zone paths `/cloud/zone/<zone>/api/cloud/1.1/…`, HTTP Basic with the
// access token and its secret (401 with Sakura's error body otherwise), JSON answers wrapped by
// resource name with is_ok, ids as integers only when X-Sakura-Bigint-As-Int asks (strings
// otherwise), and find conditions as a JSON object in the query string: Filter on Name (an array
// matches exactly, a string by its words), ID and Tags.Name (an inner array needs all its tags),
// paged by From and Count. Errors are {"is_fatal":true,"serial":…,"status":"404 Not Found",
// "error_code":…,"error_msg":…}. Tests can make it answer the next calls of an operation with a
// fault (throttling, capacity).
import { createServer, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { backgroundWork, closeServer, faultQueue, listenLocal } from '../facade-kit';
import type { InstanceBackend } from '../instances';
import { operations, SakuraFault, type Request, type SakuraAccount, type SakuraDisk, type SakuraServer } from './resources';

export type { SakuraAccount, SakuraDisk, SakuraServer };

const ZONES = ['tk1a', 'tk1b', 'is1a', 'is1b', 'is1c', 'tk1v'];

/** An error Sakura answers with: its error_code decides what a client does, never its message. */
export interface Fault {
  status: number;
  code: string;
  message: string;
  retryAfterSeconds?: number;
}

export const FAULTS = {
  // The code and message Sakura's SDKs (saklient) give these errors.
  throttled: { status: 503, code: 'too_many_request', message: '要求を受け付けできません。リクエストの密度が高すぎます。' },
  rateLimited: { status: 429, code: 'too_many_request', message: '要求を受け付けできません。リクエストの密度が高すぎます。', retryAfterSeconds: 0 },
  quota: { status: 409, code: 'limit_count_in_zone', message: '要求を受け付けできません。ゾーン内リソース数上限により、リソースの割り当てに失敗しました。' },
  capacity: { status: 503, code: 'disk_stock_run_out', message: 'サービスが利用できません。作成済みディスクを確保できませんでした。サーバが混雑している可能性があります。' },
} satisfies Record<string, Fault>;

/** Operations by method and path (below the zone's API root), named as iaas-api-go names them. */
const ROUTES: { method: string; path: RegExp; op: string }[] = [
  { method: 'GET', path: /^\/auth-status$/, op: 'AuthStatus.Read' },
  { method: 'GET', path: /^\/switch\/(\d+)$/, op: 'Switch.Read' },
  { method: 'GET', path: /^\/archive\/(\d+)$/, op: 'Archive.Read' },
  { method: 'GET', path: /^\/server$/, op: 'Server.Find' },
  { method: 'POST', path: /^\/server$/, op: 'Server.Create' },
  { method: 'GET', path: /^\/server\/(\d+)$/, op: 'Server.Read' },
  { method: 'DELETE', path: /^\/server\/(\d+)$/, op: 'Server.Delete' },
  { method: 'PUT', path: /^\/server\/(\d+)\/power$/, op: 'Server.Boot' },
  { method: 'DELETE', path: /^\/server\/(\d+)\/power$/, op: 'Server.Shutdown' },
  { method: 'GET', path: /^\/disk$/, op: 'Disk.Find' },
  { method: 'POST', path: /^\/disk$/, op: 'Disk.Create' },
  { method: 'GET', path: /^\/disk\/(\d+)$/, op: 'Disk.Read' },
  { method: 'DELETE', path: /^\/disk\/(\d+)$/, op: 'Disk.Delete' },
  { method: 'PUT', path: /^\/disk\/(\d+)\/to\/server\/(\d+)$/, op: 'Disk.ConnectToServer' },
  { method: 'PUT', path: /^\/interface\/(\d+)$/, op: 'Interface.Update' },
];

/** Find operations and the name of the list they answer with. */
const FINDS: Record<string, string> = { 'Server.Find': 'Servers', 'Disk.Find': 'Disks' };

export interface SakuraFacade {
  /** The API root: `<url>/<zone>/api/cloud/1.1` is a zone's API (OCS_SAKURA_API_ROOT). */
  readonly url: string;
  /** Operations called, in order, with the zone and the access token that signed in. */
  readonly calls: { op: string; zone: string; accessToken: string }[];
  /** The next `times` calls of `op` ("Server.Create", "Disk.Create", …) answer with `fault`. */
  failNext(op: string, fault: Fault, times?: number): void;
  /** The servers that exist (a deleted one leaves once its machine is destroyed). */
  readonly instances: SakuraServer[];
  readonly disks: SakuraDisk[];
  /** Resolves once no machine is booting, halting or being destroyed and no disk is being copied. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

/** Whether a find result matches one Filter entry; values arrive path-escaped, as iaas-api-go's search package sends them. */
function matches(item: Record<string, unknown>, key: string, condition: unknown): boolean {
  const unescape = (v: unknown) => decodeURIComponent(String(v));
  if (key === 'Tags.Name') {
    const tags = item.Tags as string[];
    const wanted = Array.isArray(condition) ? condition : [condition];
    return wanted.some((c) => (Array.isArray(c) ? c.every((t) => tags.includes(unescape(t))) : tags.includes(unescape(c))));
  }
  const value = String(item[key]);
  if (Array.isArray(condition)) return condition.some((c) => value === unescape(c));
  return String(condition)
    .split('%20')
    .every((word) => value.includes(unescape(word)));
}

function findQuery(search: string): { from: number; count: number; filter: Record<string, unknown> } {
  let query: Record<string, unknown>;
  try {
    query = search ? (JSON.parse(decodeURIComponent(search)) as Record<string, unknown>) : {};
  } catch {
    throw new SakuraFault(400, 'invalid_format', '不適切な要求です。パラメータに含まれている値のフォーマットが一部不正です。(query)');
  }
  const filter = (query.Filter ?? {}) as Record<string, unknown>;
  const unknown = Object.keys(filter).find((k) => !['Name', 'ID', 'Tags.Name'].includes(k));
  if (unknown) throw new SakuraFault(400, 'invalid_format', `不適切な要求です。パラメータに含まれている値のフォーマットが一部不正です。(Filter.${unknown})`);
  return { from: Number(query.From ?? 0), count: Number(query.Count ?? 0), filter };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    throw new SakuraFault(400, 'invalid_format', '不適切な要求です。パラメータに含まれている値のフォーマットが一部不正です。(body)');
  }
}

/** The account whose token and secret the Basic credentials carry. */
function signedIn(req: IncomingMessage, accounts: SakuraAccount[]): SakuraAccount | undefined {
  const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
  if (!basic) return undefined;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return accounts.find((a) => a.accessToken === decoded.slice(0, colon) && a.accessTokenSecret === decoded.slice(colon + 1));
}

/** Starts the endpoint on 127.0.0.1 (on `port`, else one of its own) for the given accounts, its servers on `instances`. */
export async function startSakuraFacade(accounts: SakuraAccount[], options: { port?: number; instances: InstanceBackend }): Promise<SakuraFacade> {
  const calls: SakuraFacade['calls'] = [];
  const faults = faultQueue<Fault>();
  const work = backgroundWork();
  const zone = operations(options.instances, work.track);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Without the header Sakura sends its 64-bit ids as strings.
    const idsAsInt = req.headers['x-sakura-bigint-as-int'] === '1';
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', ...headers });
      res.end(JSON.stringify(payload, (key, value: unknown) => (!idsAsInt && key === 'ID' && typeof value === 'number' ? String(value) : value)));
    };
    const fail = (f: Fault) =>
      send(
        f.status,
        { is_fatal: true, serial: randomBytes(16).toString('hex'), status: `${f.status} ${STATUS_CODES[f.status]}`, error_code: f.code, error_msg: f.message },
        f.retryAfterSeconds !== undefined ? { 'retry-after': String(f.retryAfterSeconds) } : {},
      );
    const url = new URL(req.url ?? '/', 'http://localhost');
    const at = /^\/cloud\/zone\/([a-z0-9]+)\/api\/cloud\/1\.1(\/.*)$/.exec(url.pathname);
    if (!at || !ZONES.includes(at[1]!)) return fail({ status: 404, code: 'resource_path_not_found', message: '対象が見つかりません。パスに誤りがあります。' });
    const account = signedIn(req, accounts);
    if (!account) return fail({ status: 401, code: 'unauthorized', message: '認証に失敗しました。アクセストークンとシークレットを確認してください。' });
    const [, zoneName, path] = at as unknown as [string, string, string];
    const route = ROUTES.find((r) => r.method === req.method && r.path.test(path));
    if (!route) {
      if (ROUTES.some((r) => r.path.test(path))) return fail({ status: 405, code: 'method_not_allowed', message: '要求されたメソッドは許可されていません。' });
      return fail({ status: 404, code: 'resource_path_not_found', message: '対象が見つかりません。パスに誤りがあります。' });
    }
    calls.push({ op: route.op, zone: zoneName, accessToken: account.accessToken });
    const fault = faults.take(route.op);
    if (fault) return fail(fault);
    try {
      const r: Request = { account, zone: zoneName, ids: route.path.exec(path)!.slice(1).map(Number), body: await readBody(req) };
      const plural = FINDS[route.op];
      if (plural) {
        const { from, count, filter } = findQuery(url.search.slice(1));
        const found = zone.owned(r)[plural]!.filter((item) => Object.entries(filter).every(([key, condition]) => matches(item, key, condition)));
        const page = found.slice(from, count > 0 ? from + count : undefined);
        return send(200, { Total: found.length, From: from, Count: page.length, [plural]: page, is_ok: true });
      }
      const answer = await zone.handlers[route.op]!(r);
      send(answer.status ?? 200, { ...answer.payload, is_ok: true });
    } catch (e) {
      if (!(e instanceof SakuraFault)) throw e;
      fail(e);
    }
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: Error) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ is_fatal: true, serial: '', status: '500 Internal Server Error', error_code: 'unknown', error_msg: e.message }));
    });
  });
  const port = await listenLocal(server, options.port);
  return {
    url: `http://127.0.0.1:${port}/cloud/zone`,
    calls,
    instances: zone.servers,
    disks: zone.disks,
    failNext: faults.failNext,
    settled: work.settled,
    close: () => closeServer(server),
  };
}
