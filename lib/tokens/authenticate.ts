import { eq, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { PooledDatabase } from '@/lib/db/client';
import { preparedStatement } from '@/lib/db/prepared';
import { apiTokens, memberships, organizations, users, type ApiToken, type Membership, type User } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { hashTokenSecret, looksLikeTokenSecret } from './secret';
import { TokenCache } from './token-cache';

const LAST_USE_PRECISION_MS = 60_000;

type Caller = Pick<ApiToken, 'id' | 'prefix' | 'organizationId' | 'role' | 'lastUsedAt' | 'expiresAt'> & Pick<User, 'email' | 'name' | 'nameJa'> & { userId: string; memberRole: Membership['role']; organizationName: string };

const callerStatement = preparedStatement<Caller>(
  'authenticate_token',
  sql`select ${apiTokens.id} as "id", ${apiTokens.prefix} as "prefix", ${apiTokens.organizationId} as "organizationId", ${apiTokens.role} as "role",
      ${apiTokens.lastUsedAt} as "lastUsedAt", ${apiTokens.expiresAt} as "expiresAt", ${users.id} as "userId", ${users.email} as "email", ${users.name} as "name", ${users.nameJa} as "nameJa",
      ${memberships.role} as "memberRole", ${organizations.name} as "organizationName"
    from ${apiTokens}
    join ${users} on ${users.id} = ${apiTokens.userId}
    join ${memberships} on ${memberships.userId} = ${apiTokens.userId} and ${memberships.organizationId} = ${apiTokens.organizationId}
    join ${organizations} on ${organizations.id} = ${apiTokens.organizationId} and ${organizations.state} = 'active'
    where ${apiTokens.secretHash} = ${sql.placeholder('secretHash')} and ${apiTokens.revokedAt} is null and ${apiTokens.expiresAt} > now()`,
);

const cache = globalThis as unknown as { __ocsAuthenticatedTokens?: TokenCache<Caller> };
/** This process's authenticated tokens: off until `enable()` (scripts/portal-server.ts). */
export const authenticatedTokens = (cache.__ocsAuthenticatedTokens ??= new TokenCache<Caller>());

/**
 * The actor an API token stands for: its member, limited to the token's organization and role.
 * A token that is unknown, revoked, expired, or whose member left the organization (or whose
 * organization is no longer active) is refused. One prepared statement, or none where the portal
 * process caches authenticated tokens (./token-cache.ts): scripts call often.
 */
export async function authenticateToken(db: PooledDatabase, secret: string): Promise<Actor> {
  const refused = () => new AppError('UNAUTHENTICATED', 'The API token is unknown, revoked or expired');
  if (!looksLikeTokenSecret(secret)) throw refused();
  const hash = hashTokenSecret(secret);
  let caller = authenticatedTokens.lookup(hash);
  if (!caller) {
    const generation = authenticatedTokens.generation;
    [caller] = await callerStatement.run(db, [hash]);
    if (!caller) throw refused();
    authenticatedTokens.remember(hash, caller, generation);
  }
  // Last use is shown to admins; a minute's precision spares a write on nearly every call. Marked
  // before the write, so the calls meanwhile do not write it too.
  if (!caller.lastUsedAt || Date.now() - caller.lastUsedAt.getTime() > LAST_USE_PRECISION_MS) {
    caller.lastUsedAt = new Date();
    await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, caller.id));
  }
  return {
    userId: caller.userId,
    email: caller.email,
    name: caller.nameJa ?? caller.name,
    isStaff: false,
    memberships: [{ organizationId: caller.organizationId, organizationName: caller.organizationName, role: caller.memberRole }],
    token: { id: caller.id, prefix: caller.prefix, organizationId: caller.organizationId, role: caller.role },
  };
}
