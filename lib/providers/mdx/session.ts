// How the driver talks to mdx: JSON over fetch with `Authorization: JWT <token>`, and after every
// call POST /api/refresh/, whose new token replaces the old one; mdx refuses the old one from then
// on. So the new token must be kept before anything else uses the account: two callers holding the
// same old token would lock the account out (the second refresh is refused). Calls on one account
// therefore run one at a time: in this process through a queue, across processes (workers, the
// web app) by a row lock on the account (SELECT … FOR UPDATE) held from reading the token until the
// rotated one is written back in the same transaction. Retries wrap a whole locked call, so a
// retried call uses the token current at that moment.
import { and, eq, isNull } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { providerAccounts } from '@/lib/db/schema';
import { openProviderCredentials, sealProviderCredentials } from '@/lib/secrets/provider-credentials';
import { HttpStatusError, requestJson, withRetry, type JsonResponse } from '../http';
import { ProviderError } from '../types';
import { mdxError, mdxErrorCode, mdxProblem } from './errors';

const CALL_TIMEOUT_MS = 30_000;

export interface MdxRequest {
  method: 'GET' | 'POST';
  /** e.g. /api/vm/deploy/ */
  path: string;
  query?: Record<string, string | number>;
  body?: unknown;
}

/** One request to mdx, once; its caller decides about retries. */
export type MdxSend = <T>(req: MdxRequest) => Promise<JsonResponse<T>>;

/** mdx's API; OCS_MDX_ENDPOINT sends every call elsewhere (the tests' facade). */
export function mdxEndpoint(): string {
  return process.env.OCS_MDX_ENDPOINT ?? 'https://oprpl.mdx.jp';
}

function request<T>(token: string, req: MdxRequest): Promise<JsonResponse<T>> {
  const url = new URL(req.path, mdxEndpoint());
  for (const [k, v] of Object.entries(req.query ?? {})) url.searchParams.set(k, String(v));
  return requestJson<T>({ method: req.method, url: url.href, headers: { authorization: `JWT ${token}` }, body: req.body, timeoutMs: CALL_TIMEOUT_MS }, mdxErrorCode);
}

/** The token that replaces `token`, which mdx refuses from then on. */
async function refresh(token: string): Promise<string> {
  try {
    const res = await withRetry(() => request<{ token?: unknown }>(token, { method: 'POST', path: '/api/refresh/', body: { token } }));
    if (typeof res.body?.token === 'string' && res.body.token) return res.body.token;
    throw new ProviderError('mdx', 'refresh_failed', 'mdx answered POST /api/refresh/ without a token', true);
  } catch (e) {
    // A refresh refused for what the token is (not for load) means the token is spent.
    if (e instanceof HttpStatusError && e.status < 500 && e.status !== 429) throw mdxProblem('token_rejected', `refreshing the API token (mdx answered ${e.status})`);
    // As a ProviderError, no retry repeats the call this refresh followed (a deploy made twice).
    throw mdxError(e, 'refreshing the API token');
  }
}

type Outcome<T> = { ok: true; response: JsonResponse<T> } | { ok: false; error: unknown };

/** The call with `token`, then its refresh: the call's outcome, and the token to keep. */
async function exchange<T>(token: string, req: MdxRequest): Promise<{ outcome: Outcome<T>; token: string }> {
  const outcome = await request<T>(token, req).then(
    (response): Outcome<T> => ({ ok: true, response }),
    (error: unknown): Outcome<T> => ({ ok: false, error }),
  );
  // A token mdx refused is not refreshed either: the caller learns why it was refused.
  if (!outcome.ok && outcome.error instanceof HttpStatusError && outcome.error.status === 401) return { outcome, token };
  try {
    return { outcome, token: await refresh(token) };
  } catch (error) {
    return { outcome: { ok: false, error }, token };
  }
}

const queues = new WeakMap<Database, Map<string, Promise<unknown>>>();

/** Runs `work` after every earlier work on the same key of this database's queue. */
function queued<T>(db: Database, key: string, work: () => Promise<T>): Promise<T> {
  let byKey = queues.get(db);
  if (!byKey) queues.set(db, (byKey = new Map()));
  const run = (byKey.get(key) ?? Promise.resolve()).then(work, work);
  const tail = run.then(
    () => undefined,
    () => undefined,
  );
  byKey.set(key, tail);
  void tail.then(() => {
    if (byKey.get(key) === tail) byKey.delete(key);
  });
  return run;
}

/** Calls as a stored account: its current token, rotated and written back before the next call on it starts. */
export function accountSend(db: Database, accountId: string): MdxSend {
  return <T>(req: MdxRequest) =>
    queued(db, accountId, async () => {
      const outcome = await db.transaction(async (tx) => {
        const [row] = await tx
          .select({ credentials: providerAccounts.credentials })
          .from(providerAccounts)
          .where(and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, 'mdx'), isNull(providerAccounts.removedAt)))
          .for('update');
        if (!row) throw new ProviderError('mdx', 'no_account', `mdx account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
        const credentials = openProviderCredentials(accountId, row.credentials);
        const { outcome, token } = await exchange<T>(credentials.token ?? '', req);
        // updatedAt stays: a rotation is no change anyone made to the account.
        if (token !== credentials.token) await tx.update(providerAccounts).set({ credentials: sealProviderCredentials(accountId, { ...credentials, token }) }).where(eq(providerAccounts.id, accountId));
        // Returned, not thrown: a failed call still commits the rotated token.
        return outcome;
      });
      if (!outcome.ok) throw outcome.error;
      return outcome.response;
    });
}

/**
 * Calls with a token no account holds yet (a connection test before the account is stored): never
 * refreshed, since a new token could not be kept and the typed one would be spent.
 */
export function tokenSend(token: string): MdxSend {
  return <T>(req: MdxRequest) => request<T>(token, req);
}
