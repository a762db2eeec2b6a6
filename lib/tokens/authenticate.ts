import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { apiTokens, memberships, organizations, users } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { hashTokenSecret, looksLikeTokenSecret } from './secret';

const LAST_USE_PRECISION_MS = 60_000;

/**
 * The actor an API token stands for: its member, limited to the token's organization and role.
 * A token that is unknown, revoked, expired, or whose member left the organization (or whose
 * organization is no longer active) is refused. One query on every call: scripts call often.
 */
export async function authenticateToken(db: Database, secret: string): Promise<Actor> {
  const refused = new AppError('UNAUTHENTICATED', 'The API token is unknown, revoked or expired');
  if (!looksLikeTokenSecret(secret)) throw refused;
  const [row] = await db
    .select({ token: apiTokens, user: { id: users.id, email: users.email, name: users.name, nameJa: users.nameJa }, role: memberships.role, organizationName: organizations.name })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .innerJoin(memberships, and(eq(memberships.userId, apiTokens.userId), eq(memberships.organizationId, apiTokens.organizationId)))
    .innerJoin(organizations, and(eq(organizations.id, apiTokens.organizationId), eq(organizations.state, 'active')))
    .where(and(eq(apiTokens.secretHash, hashTokenSecret(secret)), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, sql`now()`)));
  if (!row) throw refused;
  const { token, user } = row;
  // Last use is shown to admins; a minute's precision spares a write on nearly every call.
  if (!token.lastUsedAt || Date.now() - token.lastUsedAt.getTime() > LAST_USE_PRECISION_MS) await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, token.id));
  return {
    userId: user.id,
    email: user.email,
    name: user.nameJa ?? user.name,
    isStaff: false,
    memberships: [{ organizationId: token.organizationId, organizationName: row.organizationName, role: row.role }],
    token: { id: token.id, prefix: token.prefix, organizationId: token.organizationId, role: token.role },
  };
}
