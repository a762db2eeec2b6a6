// Sakura Cloud's IaaS API 1.1 for one account in one zone, as sacloud/iaas-api-go defines it:
// `<root>/<zone>/api/cloud/1.1/<resource>`, HTTP Basic with the access token and its secret, ids as
// JSON integers (X-Sakura-Bigint-As-Int), find conditions as a JSON object in the query string, and
// answers wrapped as {"Server": {…}, "is_ok": true}. OCS_SAKURA_API_ROOT sends every call to
// another root instead of Sakura's (the tests' emulator).
import { HttpStatusError, isTransient, requestJson, withRetry } from '../http';
import { errorCodeOfBody, sakuraCodeRetryable } from './errors';

const API_ROOT = 'https://secure.sakura.ad.jp/cloud/zone';

/** A resource id: 12 digits, sent as a JSON integer (below 2^53). */
export type SakuraId = number;

export interface SakuraInterface {
  ID: SakuraId;
  /** The address Sakura assigned on the shared segment. */
  IPAddress?: string | null;
  /** The address declared for a switch, where the OS configures its own. */
  UserIPAddress?: string | null;
  Switch?: { ID: SakuraId; Scope?: string } | null;
}

export interface SakuraServer {
  ID: SakuraId;
  Name: string;
  Tags: string[];
  Availability?: string;
  Instance?: { Status?: string } | null;
  Disks?: { ID: SakuraId }[] | null;
  Interfaces?: SakuraInterface[] | null;
}

export interface SakuraDisk {
  ID: SakuraId;
  Name: string;
  Tags: string[];
  Availability?: string;
  Server?: { ID: SakuraId } | null;
}

/**
 * A find filter as iaas-api-go's search package writes it: an array of strings matches any of them
 * exactly, and for Tags.Name an array of arrays asks for every tag of the inner one.
 */
export type SakuraFilter = Record<string, string[] | string[][]>;

export interface SakuraApi {
  readonly zone: string;
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T>;
  /** Every resource under `path` (all pages) matching `filter`; `plural` names the list in the answer ("Servers"). */
  find<T>(path: string, plural: string, filter: SakuraFilter): Promise<T[]>;
}

/** The search package path-escapes each filter value; the API unescapes them after reading the JSON. */
const escapeValue = (value: string) => value.replace(/[^A-Za-z0-9\-_.~$&+:=@]/gu, (c) => encodeURIComponent(c));

function escapeFilter(filter: SakuraFilter): SakuraFilter {
  return Object.fromEntries(Object.entries(filter).map(([key, values]) => [key, values.map((v) => (Array.isArray(v) ? v.map(escapeValue) : escapeValue(v)))])) as SakuraFilter;
}

/**
 * What may be tried again: what the error's code says (errors.ts: "still creating" is, as
 * iaas-api-go's power helper waits it out; no capacity is not, whatever its status), else transient
 * statuses and 423 Locked (iaas-api-go retries it too). A request that got no answer is repeated
 * only when it reads: a write may have been done, and the caller finds what it made by name instead.
 */
function transientFor(method: string) {
  return (e: unknown) => {
    if (e instanceof HttpStatusError) return sakuraCodeRetryable(e.code) ?? (isTransient(e) || e.status === 423);
    return method === 'GET' && isTransient(e);
  };
}

const PAGE = 100;

export function sakuraApi(account: { zone: string; credentials: Record<string, string> }): SakuraApi {
  const base = `${process.env.OCS_SAKURA_API_ROOT ?? API_ROOT}/${account.zone}/api/cloud/1.1`;
  const headers = {
    authorization: `Basic ${Buffer.from(`${account.credentials.accessToken}:${account.credentials.accessTokenSecret}`).toString('base64')}`,
    'x-sakura-bigint-as-int': '1',
  };
  const call = async <T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> =>
    withRetry(async () => (await requestJson<T>({ method, url: `${base}${path}`, headers, body }, errorCodeOfBody)).body, { transient: transientFor(method) });

  return {
    zone: account.zone,
    get: (path) => call('GET', path),
    send: (method, path, body) => call(method, path, body),
    async find<T>(path: string, plural: string, filter: SakuraFilter) {
      const found: T[] = [];
      for (let from = 0; ; from += PAGE) {
        const query = encodeURIComponent(JSON.stringify({ From: from, Count: PAGE, Filter: escapeFilter(filter) }));
        const page = await call<{ Total?: number } & Record<string, T[] | undefined>>('GET', `${path}?${query}`);
        found.push(...(page[plural] ?? []));
        if (from + PAGE >= (page.Total ?? 0)) return found;
      }
    },
  };
}
