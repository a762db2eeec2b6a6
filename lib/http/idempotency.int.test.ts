// `Idempotency-Key` on POST, through the real route handlers with `Authorization: Bearer`: issuing
// an API token is the side effect counted in PostgreSQL (its secret is in the answer, so a replay
// must hand back the very same token, and the stored answer must not show it).
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as membersRoute from '@/app/api/v1/organizations/[id]/members/route';
import * as tokensRoute from '@/app/api/v1/organizations/[id]/tokens/route';
import type { Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { apiTokens, auditEvents, idempotencyKeys } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { organizationWithMember, uniqueName, until } from '@/test/fixtures';
import { withActor } from './route';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
interface ErrorBody {
  error: { code: string; message: string; details: { fields?: Record<string, string> } };
}

let organizationId: string;
let owner: Actor;
/** Two API tokens of the same owner: two callers. */
let tokenA: { id: string; secret: string };
let tokenB: { id: string; secret: string };

beforeAll(async () => {
  ({ organizationId, actor: owner } = await organizationWithMember({ role: 'owner' }));
  const issue = async (note: string) => {
    const { token, secret } = await issueToken(db(), owner, organizationId, { userId: owner.userId, note, role: 'fullaccess' });
    return { id: token.id, secret };
  };
  tokenA = await issue('idempotency caller A');
  tokenB = await issue('idempotency caller B');
});

afterAll(async () => {
  await closeQueue();
  await closeDb();
});

function post(handler: unknown, path: string, params: Record<string, string>, secret: string, key: string | null, body: string): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${secret}`, 'content-type': 'application/json' };
  if (key !== null) headers['idempotency-key'] = key;
  return (handler as Handler)(new Request(`http://localhost/api/v1${path}`, { method: 'POST', headers, body }), { params: Promise.resolve(params) });
}

/** POST /api/v1/organizations/:id/tokens, issuing a token noted `note`. */
function issue(secret: string, key: string | null, note: string, role = 'readonly'): Promise<Response> {
  return post(tokensRoute.POST, `/organizations/${organizationId}/tokens`, { id: organizationId }, secret, key, JSON.stringify({ userId: owner.userId, note, role }));
}

async function tokensNoted(note: string): Promise<number> {
  const [row] = await db().select({ n: count() }).from(apiTokens).where(eq(apiTokens.note, note));
  return row!.n;
}

async function auditCount(outcome: 'success' | 'failure'): Promise<number> {
  const [row] = await db()
    .select({ n: count() })
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, organizationId), eq(auditEvents.action, 'token.issue'), eq(auditEvents.outcome, outcome)));
  return row!.n;
}

async function storedKey(caller: string, key: string) {
  return db().query.idempotencyKeys.findFirst({ where: and(eq(idempotencyKeys.caller, caller), eq(idempotencyKeys.key, key)) });
}

describe('Idempotency-Key on POST', () => {
  it('runs 20 concurrent retries of one key once: 20 identical answers and one token', async () => {
    const key = randomUUID();
    const note = uniqueName('concurrent');
    const issuedBefore = await auditCount('success');

    const answers = await Promise.all(Array.from({ length: 20 }, () => issue(tokenA.secret, key, note)));
    const bodies = await Promise.all(answers.map((r) => r.text()));

    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(201));
    expect(new Set(bodies).size).toBe(1);
    // The first ran; the 19 others waited for its answer and got it back.
    expect(answers.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(19);
    expect(await tokensNoted(note)).toBe(1);
    // A replay is no new action: the audit log has the one issue.
    expect((await auditCount('success')) - issuedBefore).toBe(1);

    const issued = JSON.parse(bodies[0]!) as { token: { id: string; note: string }; secret: string };
    expect(issued.token.note).toBe(note);
    const stored = await storedKey(`token:${tokenA.id}`, key);
    expect(stored).toMatchObject({ method: 'POST', path: `/api/v1/organizations/${organizationId}/tokens`, responseStatus: 201 });
    // The answer is kept sealed: the token's secret is not readable in the table.
    expect(JSON.stringify(stored)).not.toContain(issued.secret);

    const later = await issue(tokenA.secret, key, note);
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect(later.headers.get('cache-control')).toBe('no-store');
    expect(await later.text()).toBe(bodies[0]);
    expect(await tokensNoted(note)).toBe(1);
  });

  it('answers 422 to the same key with another body or on another route, and creates nothing', async () => {
    const key = randomUUID();
    const note = uniqueName('first');
    expect((await issue(tokenA.secret, key, note)).status).toBe(201);

    const otherNote = uniqueName('second');
    const otherBody = await issue(tokenA.secret, key, otherNote);
    expect(otherBody.status).toBe(422);
    const bodyError = (await otherBody.json()) as ErrorBody;
    expect(bodyError.error.code).toBe('IDEMPOTENCY_MISMATCH');
    expect(bodyError.error.message).toMatch(/first used with a different request body/);
    expect(await tokensNoted(otherNote)).toBe(0);

    // The same bytes matter, not the same meaning: a reordered JSON object is another body.
    const reordered = await post(tokensRoute.POST, `/organizations/${organizationId}/tokens`, { id: organizationId }, tokenA.secret, key, JSON.stringify({ role: 'readonly', note, userId: owner.userId }));
    expect(reordered.status).toBe(422);

    const otherRoute = await post(membersRoute.POST, `/organizations/${organizationId}/members`, { id: organizationId }, tokenA.secret, key, JSON.stringify({ userId: owner.userId, note, role: 'readonly' }));
    expect(otherRoute.status).toBe(422);
    expect(((await otherRoute.json()) as ErrorBody).error.message).toContain(`first used for POST /api/v1/organizations/${organizationId}/tokens`);
    expect(await tokensNoted(note)).toBe(1);
  });

  it('keeps each caller’s keys apart: the same key from another token runs anew', async () => {
    const key = randomUUID();
    const note = uniqueName('per-caller');
    const a = await issue(tokenA.secret, key, note);
    const b = await issue(tokenB.secret, key, note);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.headers.get('idempotent-replayed')).toBeNull();
    const [fromA, fromB] = (await Promise.all([a.json(), b.json()])) as { token: { id: string } }[];
    expect(fromA!.token.id).not.toBe(fromB!.token.id);
    expect(await tokensNoted(note)).toBe(2);
  });

  it('replays a 4xx answer too, without auditing the refusal again', async () => {
    const key = randomUUID();
    const note = uniqueName('refused');
    const first = await issue(tokenA.secret, key, note, 'superuser');
    expect(first.status).toBe(400);
    const firstBody = await first.text();
    expect((JSON.parse(firstBody) as ErrorBody).error.details.fields).toHaveProperty('role');
    const failuresAfterFirst = await auditCount('failure');

    const again = await issue(tokenA.secret, key, note, 'superuser');
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.text()).toBe(firstBody);
    expect(await auditCount('failure')).toBe(failuresAfterFirst);
    expect(await tokensNoted(note)).toBe(0);
  });

  it('does not keep a 5xx or a thrown error: the key is given back and the retry runs', async () => {
    // A handler of this test, wrapped like every route: its first attempt fails, the next succeeds.
    let attempts = 0;
    const flaky = withActor(async () => {
      attempts++;
      if (attempts === 1) throw new Error('the first attempt fails');
      return Response.json({ attempt: attempts }, { status: 201 });
    });
    const key = randomUUID();

    const failed = await post(flaky, '/flaky', {}, tokenA.secret, key, '{}');
    expect(failed.status).toBe(500);
    expect(await storedKey(`token:${tokenA.id}`, key)).toBeUndefined();

    const retried = await post(flaky, '/flaky', {}, tokenA.secret, key, '{}');
    expect(retried.status).toBe(201);
    expect(await retried.json()).toEqual({ attempt: 2 });

    const replayed = await post(flaky, '/flaky', {}, tokenA.secret, key, '{}');
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(await replayed.json()).toEqual({ attempt: 2 });
    expect(attempts).toBe(2);
  });

  it('answers 409 with Retry-After when the first request is still running after the wait', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let runs = 0;
    const slow = withActor(async () => {
      runs++;
      await gate;
      return Response.json({ done: true }, { status: 201 });
    });
    const key = randomUUID();

    const first = post(slow, '/slow', {}, tokenA.secret, key, '{}');
    await until('the first request to run', async () => runs === 1, 5_000, 10);
    const started = Date.now();
    const retry = await post(slow, '/slow', {}, tokenA.secret, key, '{}');
    expect(Date.now() - started).toBeGreaterThanOrEqual(9_000);
    expect(retry.status).toBe(409);
    expect(retry.headers.get('retry-after')).toBe('5');
    const error = (await retry.json()) as ErrorBody;
    expect(error.error.code).toBe('CONFLICT');
    expect(error.error.message).toMatch(/still being processed; retry later/);

    release();
    expect((await first).status).toBe(201);
    const after = await post(slow, '/slow', {}, tokenA.secret, key, '{}');
    expect(after.headers.get('idempotent-replayed')).toBe('true');
    expect(runs).toBe(1);
  }, 30_000);

  it('answers 400 naming the header to a malformed key, and creates nothing', async () => {
    const note = uniqueName('bad-key');
    for (const key of ['', 'k'.repeat(256), 'clé', 'tab\there']) {
      const res = await issue(tokenA.secret, key, note);
      expect(res.status, JSON.stringify(key)).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('INVALID_INPUT');
      expect(body.error.details.fields).toHaveProperty('Idempotency-Key');
    }
    expect((await issue(tokenA.secret, 'k'.repeat(255), note)).status).toBe(201);
    expect(await tokensNoted(note)).toBe(1);
  });

  it('leaves requests without the header, and other methods, as they were', async () => {
    const note = uniqueName('no-key');
    const [first, second] = await Promise.all([issue(tokenA.secret, null, note), issue(tokenA.secret, null, note)]);
    expect([first!.status, second!.status]).toEqual([201, 201]);
    expect(first!.headers.get('idempotent-replayed')).toBeNull();
    expect(await tokensNoted(note)).toBe(2);

    // GET ignores the header, even a malformed one.
    const list = await (tokensRoute.GET as Handler)(
      new Request(`http://localhost/api/v1/organizations/${organizationId}/tokens`, { headers: { authorization: `Bearer ${tokenA.secret}`, 'idempotency-key': 'k'.repeat(300) } }),
      { params: Promise.resolve({ id: organizationId }) },
    );
    expect(list.status).toBe(200);
  });

  it('forgets keys after 24 hours, and takes over a first request abandoned for 10 minutes', async () => {
    const caller = `token:${tokenA.id}`;
    const expiredKey = randomUUID();
    const abandonedKey = randomUUID();
    const strangersKey = { caller: `token:${randomUUID()}`, key: randomUUID() };
    const old = (ms: number) => new Date(Date.now() - ms);
    const note = uniqueName('after-expiry');
    const body = JSON.stringify({ userId: owner.userId, note, role: 'readonly' });
    const row = { method: 'POST', path: `/api/v1/organizations/${organizationId}/tokens`, requestHash: 'from an earlier request' };
    await db()
      .insert(idempotencyKeys)
      .values([
        { ...row, caller, key: expiredKey, responseStatus: 201, responseBody: 'sealed long ago', createdAt: old(25 * 3600_000) },
        { ...row, caller, key: abandonedKey, createdAt: old(11 * 60_000) },
        { ...row, ...strangersKey, responseStatus: 201, responseBody: 'sealed long ago', createdAt: old(25 * 3600_000) },
      ]);

    const expired = await post(tokensRoute.POST, row.path, { id: organizationId }, tokenA.secret, expiredKey, body);
    expect(expired.status).toBe(201);
    expect(expired.headers.get('idempotent-replayed')).toBeNull();
    expect((await storedKey(caller, expiredKey))!.createdAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
    // Any use of a key deletes every caller's expired keys.
    expect(await storedKey(strangersKey.caller, strangersKey.key)).toBeUndefined();

    const abandoned = await post(tokensRoute.POST, row.path, { id: organizationId }, tokenA.secret, abandonedKey, body);
    expect(abandoned.status).toBe(201);
    expect(abandoned.headers.get('idempotent-replayed')).toBeNull();
    expect(await tokensNoted(note)).toBe(2);
  });
});
