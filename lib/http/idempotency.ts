import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { idempotencyKeys } from '@/lib/db/schema';
import { AppError, invalidInput, safeErrorMessage } from '@/lib/errors';
import { keyRing } from '@/lib/secrets/build-secrets';
import { decryptSecret, encryptSecret, SecretDecryptError } from '@/lib/secrets/cipher';

// `Idempotency-Key` on POST: the first request with a key runs and its answer is kept; the same
// key again (per caller) gets that answer back instead of running again. The row is claimed before
// the handler runs, so concurrent retries wait for the first answer rather than racing it.

export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** How long a key names its request; expired keys are deleted whenever a key is used. */
const KEEP_HOURS = 24;
/** A first request unanswered this long died with its process (or lost the database): a retry runs it again. */
const ABANDONED_MINUTES = 10;
/** How long a retry waits for the first request's answer before it is told to come back later. */
const WAIT_MS = 10_000;
const POLL_MS = 100;
const IN_PROGRESS_RETRY_AFTER_SECONDS = 5;
const VALID_KEY = /^[\x20-\x7e]{1,255}$/;

/** Whose key it is: the API token's, else the signed-in user's. */
export function idempotencyCaller(actor: Actor): string {
  return actor.token ? `token:${actor.token.id}` : `user:${actor.userId}`;
}

const keyOf = (caller: string, key: string) => and(eq(idempotencyKeys.caller, caller), eq(idempotencyKeys.key, key));

// Answers can carry secrets (an issued token's secret), so they are kept sealed like every other secret.
const sealContext = (caller: string, key: string) => `idempotency_keys:${caller}/${key}`;

/**
 * Runs `run` once per (caller, key): answers the first request's stored status and JSON body to
 * every later one with the same method, path and body. Throws 400 for a malformed key, 422 for a
 * key reused for another request, 409 when the first request is still running after WAIT_MS.
 */
export async function idempotent(db: Database, caller: string, key: string, req: Request, run: (req: Request) => Promise<Response>): Promise<Response> {
  if (!VALID_KEY.test(key)) throw invalidInput({ [IDEMPOTENCY_HEADER]: 'must be 1 to 255 printable ASCII characters' });
  const body = new Uint8Array(await req.arrayBuffer());
  const { pathname, search } = new URL(req.url);
  const request = { caller, key, method: req.method, path: pathname + search, requestHash: createHash('sha256').update(body).digest('hex') };
  const thisKey = keyOf(caller, key);

  await db
    .delete(idempotencyKeys)
    .where(
      or(
        lt(idempotencyKeys.createdAt, sql`now() - make_interval(hours => ${KEEP_HOURS})`),
        and(thisKey, isNull(idempotencyKeys.responseStatus), lt(idempotencyKeys.createdAt, sql`now() - make_interval(mins => ${ABANDONED_MINUTES})`)),
      ),
    );

  const deadline = Date.now() + WAIT_MS;
  for (;;) {
    const [claimed] = await db.insert(idempotencyKeys).values(request).onConflictDoNothing().returning({ key: idempotencyKeys.key });
    // The handler reads the body again: it gets the same bytes that were hashed.
    if (claimed) return answerFirst(db, caller, key, await run(new Request(req, { body })));
    const [first] = await db.select().from(idempotencyKeys).where(thisKey);
    // Gone between the insert and the select: the first request failed and gave the key back.
    if (!first) continue;
    if (first.method !== request.method || first.path !== request.path)
      throw new AppError('IDEMPOTENCY_MISMATCH', `This ${IDEMPOTENCY_HEADER} was first used for ${first.method} ${first.path}; use a new key for another request`);
    if (first.requestHash !== request.requestHash) throw new AppError('IDEMPOTENCY_MISMATCH', `This ${IDEMPOTENCY_HEADER} was first used with a different request body; use a new key for another request`);
    if (first.responseStatus !== null) return replay(caller, key, first.responseStatus, first.responseBody as string);
    if (Date.now() >= deadline)
      throw new AppError('CONFLICT', `A request with this ${IDEMPOTENCY_HEADER} is still being processed; retry later`, { retryAfterSeconds: IN_PROGRESS_RETRY_AFTER_SECONDS });
    await sleep(POLL_MS);
  }
}

/** Keeps a JSON answer below 500; anything else gives the key back, so the client can retry. */
async function answerFirst(db: Database, caller: string, key: string, res: Response): Promise<Response> {
  // The domain has run either way: its answer goes out even when it cannot be recorded, and the
  // key stays claimed until it counts as abandoned.
  const unrecorded = (e: unknown) => console.error(`[idempotency] could not record the answer to a key of ${caller}: ${safeErrorMessage(e)}`);
  if (res.status >= 500 || !res.headers.get('content-type')?.includes('application/json')) {
    await db.delete(idempotencyKeys).where(keyOf(caller, key)).catch(unrecorded);
    return res;
  }
  const text = await res.text();
  await db
    .update(idempotencyKeys)
    .set({ responseStatus: res.status, responseBody: encryptSecret(keyRing(), text, sealContext(caller, key)) })
    .where(keyOf(caller, key))
    .catch(unrecorded);
  return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
}

function replay(caller: string, key: string, status: number, sealed: string): Response {
  let text: string;
  try {
    text = decryptSecret(keyRing(), sealed, sealContext(caller, key));
  } catch (e) {
    if (!(e instanceof SecretDecryptError)) throw e;
    throw new AppError('CONFLICT', `The first answer to this ${IDEMPOTENCY_HEADER} can no longer be read (OCS_SECRET_KEY changed); check whether it took effect before sending it with a new key`);
  }
  return new Response(text, { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', 'idempotent-replayed': 'true' } });
}
