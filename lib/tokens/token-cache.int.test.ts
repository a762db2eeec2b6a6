// The portal process's cache of authenticated API tokens: a change committed by any other process
// (here: another connection) reaches it at once, and a change it could not hear (its LISTEN
// connection lost) is not served stale either.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { closeDb, connectionConfig, db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { organizationWithMember, until } from '@/test/fixtures';
import { authenticatedTokens, authenticateToken } from './authenticate';
import { issueToken } from './issue-token';

/** Another process's connection: its commits reach this one only through PostgreSQL. */
let other: pg.Client;
let organization: { organizationId: string; actor: Actor };

async function newToken(): Promise<{ id: string; secret: string }> {
  const { token, secret } = await issueToken(db(), organization.actor, organization.organizationId, { userId: organization.actor.userId, note: 'token cache', role: 'readonly' });
  return { id: token.id, secret };
}

/** What the token authenticates as now, or the refusal's code. */
const authenticated = (secret: string): Promise<Actor | string> => authenticateToken(db(), secret).catch((e: unknown) => (e instanceof AppError ? e.code : Promise.reject(e)));

/** Authenticates until the answer is what `fits` wants: a change must reach the cache well within its minute. */
async function untilAuthenticated(secret: string, what: string, fits: (answer: Actor | string) => boolean): Promise<number> {
  const start = Date.now();
  await until(what, async () => fits(await authenticated(secret)), 3000, 10);
  return Date.now() - start;
}

beforeAll(async () => {
  organization = await organizationWithMember({ role: 'owner' });
  await authenticatedTokens.enable();
  other = new pg.Client(connectionConfig());
  await other.connect();
});

afterAll(async () => {
  await other.end();
  await closeDb();
});

describe('authenticated tokens, cached by the portal process', () => {
  it('answers a token from memory after its first call, as the same actor', async () => {
    const { secret } = await newToken();
    const { hits, misses } = authenticatedTokens.counts;
    const first = await authenticateToken(db(), secret);
    const again = await authenticateToken(db(), secret);
    expect(again).toEqual(first);
    expect(authenticatedTokens.counts).toEqual({ hits: hits + 1, misses: misses + 1 });
  });

  it('refuses a token revoked by another process at once', async () => {
    const { id, secret } = await newToken();
    expect(await authenticated(secret)).toMatchObject({ token: { id } });
    await other.query('update api_tokens set revoked_at = now() where id = $1', [id]);
    expect(await untilAuthenticated(secret, 'the revoked token refused', (a) => a === 'UNAUTHENTICATED')).toBeLessThan(1000);
  });

  it("follows a member's new role, a renamed user and a suspended organization", async () => {
    const { secret } = await newToken();
    const { userId } = organization.actor;
    expect(await authenticated(secret)).toMatchObject({ memberships: [{ role: 'owner' }] });
    await other.query(`update memberships set role = 'viewer' where user_id = $1`, [userId]);
    await untilAuthenticated(secret, 'the new role', (a) => typeof a !== 'string' && a.memberships[0]?.role === 'viewer');
    await other.query(`update users set name = 'Renamed Member' where id = $1`, [userId]);
    await untilAuthenticated(secret, 'the new name', (a) => typeof a !== 'string' && a.name === 'Renamed Member');
    await other.query(`update organizations set state = 'suspended' where id = $1`, [organization.organizationId]);
    await untilAuthenticated(secret, 'the token of a suspended organization refused', (a) => a === 'UNAUTHENTICATED');
    await other.query(`update organizations set state = 'active' where id = $1`, [organization.organizationId]);
    await other.query(`update memberships set role = 'owner' where user_id = $1`, [userId]);
    await untilAuthenticated(secret, 'the token accepted again', (a) => typeof a !== 'string' && a.memberships[0]?.role === 'owner');
  });

  it('keeps its entries when only a last use is written', async () => {
    const { id, secret } = await newToken();
    await authenticated(secret);
    await other.query('update api_tokens set last_used_at = now() where id = $1', [id]);
    // A notification, had there been one, arrives within milliseconds.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { hits } = authenticatedTokens.counts;
    await authenticated(secret);
    expect(authenticatedTokens.counts.hits).toBe(hits + 1);
  });

  it('refuses a cached token once it expires', async () => {
    const { id, secret } = await newToken();
    await other.query(`update api_tokens set expires_at = now() + interval '1 second' where id = $1`, [id]);
    await untilAuthenticated(secret, 'the token accepted', (a) => typeof a !== 'string');
    expect(await authenticated(secret)).toMatchObject({ token: { id } });
    expect(await untilAuthenticated(secret, 'the expired token refused', (a) => a === 'UNAUTHENTICATED')).toBeLessThan(2000);
  });

  it('serves nothing it may have missed while its connection was lost', async () => {
    const { id, secret } = await newToken();
    await authenticated(secret);
    // The listener's backend ends, and a revocation commits that notifies no one (triggers off):
    // what it cached before the loss must not be served.
    await other.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'ocs-token-cache'`);
    await other.query('begin');
    await other.query('set local session_replication_role = replica');
    await other.query('update api_tokens set revoked_at = now() where id = $1', [id]);
    await other.query('commit');
    // Listening again, it caches again, and what it cached before the loss is gone.
    const fresh = await newToken();
    await until('the cache back on', async () => {
      const { hits } = authenticatedTokens.counts;
      await authenticated(fresh.secret);
      await authenticated(fresh.secret);
      return authenticatedTokens.counts.hits > hits;
    }, 5000, 100);
    expect(await authenticated(secret)).toBe('UNAUTHENTICATED');
  });
});
