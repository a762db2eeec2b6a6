import { and, eq, gt, isNull, lt, or, sql } from 'drizzle-orm';
import { loadActor, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { hashTokenSecret, looksLikeTokenSecret } from './secret';

/**
 * The actor an API token stands for: its member, limited to the token's organization and role.
 * A token that is unknown, revoked, expired, or whose member left the organization is refused.
 */
export async function authenticateToken(db: Database, secret: string): Promise<Actor> {
  const refused = new AppError('UNAUTHENTICATED', 'The API token is unknown, revoked or expired');
  if (!looksLikeTokenSecret(secret)) throw refused;
  const token = await db.query.apiTokens.findFirst({
    where: and(eq(apiTokens.secretHash, hashTokenSecret(secret)), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, sql`now()`)),
  });
  if (!token) throw refused;
  const member = await loadActor(db, token.userId);
  const membership = member?.memberships.find((m) => m.organizationId === token.organizationId);
  if (!member || !membership) throw refused;
  // Last use is shown to admins; a minute's precision spares a write on every call.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiTokens.id, token.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, sql`now() - interval '1 minute'`))));
  return {
    ...member,
    isStaff: false,
    memberships: [membership],
    token: { id: token.id, prefix: token.prefix, organizationId: token.organizationId, role: token.role },
  };
}
