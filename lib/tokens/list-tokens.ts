import { desc, eq, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { apiTokens, users, type ApiToken } from '@/lib/db/schema';

export type TokenStatus = 'active' | 'expired' | 'revoked';

/** A token as lists show it: never its secret or hash. */
export type TokenView = Omit<ApiToken, 'secretHash'> & {
  userEmail: string;
  userName: string;
  createdByEmail: string;
  status: TokenStatus;
};

export function tokenStatus(token: Pick<ApiToken, 'revokedAt' | 'expiresAt'>, now = new Date()): TokenStatus {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt <= now ? 'expired' : 'active';
}

const creators = alias(users, 'creators');

/** Tokens matching `where`, newest first, with their member and issuer. */
export async function tokenViews(db: Database, where: SQL): Promise<TokenView[]> {
  const rows = await db
    .select({
      id: apiTokens.id,
      organizationId: apiTokens.organizationId,
      userId: apiTokens.userId,
      note: apiTokens.note,
      role: apiTokens.role,
      prefix: apiTokens.prefix,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      createdBy: apiTokens.createdBy,
      createdAt: apiTokens.createdAt,
      userEmail: users.email,
      userName: users.name,
      createdByEmail: creators.email,
    })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .innerJoin(creators, eq(apiTokens.createdBy, creators.id))
    .where(where)
    .orderBy(desc(apiTokens.createdAt));
  const now = new Date();
  return rows.map((r) => ({ ...r, status: tokenStatus(r, now) }));
}

export async function listTokens(db: Database, actor: Actor, organizationId: string): Promise<TokenView[]> {
  authorize(actor, 'manageTokens', organizationId, 'organization');
  return tokenViews(db, eq(apiTokens.organizationId, organizationId));
}
