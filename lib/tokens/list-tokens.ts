import { and, eq, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { apiTokens, users, type ApiToken } from '@/lib/db/schema';
import type { TokenStatus, TokenView } from './views';

export type { TokenStatus, TokenView } from './views';

export function tokenStatus(token: Pick<ApiToken, 'revokedAt' | 'expiresAt'>, now = new Date()): TokenStatus {
  if (token.revokedAt) return 'revoked';
  return token.expiresAt <= now ? 'expired' : 'active';
}

const creators = alias(users, 'creators');
const keyset = { sort: apiTokens.createdAt, id: apiTokens.id };

/** Tokens matching `where`, newest first, with their member and issuer: `limit` of them after `cursor` (the row after the last tells there is more). */
async function tokenRows(db: Database, where: SQL | undefined, page?: PageQuery) {
  const query = db
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
      createdAt: apiTokens.createdAt,
      userEmail: users.email,
      userName: users.name,
      createdByEmail: creators.email,
      cursor: cursorColumn(keyset),
    })
    .from(apiTokens)
    .innerJoin(users, eq(apiTokens.userId, users.id))
    .innerJoin(creators, eq(apiTokens.createdBy, creators.id))
    .where(and(where, afterCursor(keyset, page?.cursor)))
    .orderBy(...pageOrder(keyset));
  return page ? query.limit(page.limit + 1) : query;
}

type TokenRow = Omit<TokenView, 'status'>;

function tokenView(r: TokenRow, now: Date): TokenView {
  return {
    id: r.id,
    organizationId: r.organizationId,
    userId: r.userId,
    userEmail: r.userEmail,
    userName: r.userName,
    note: r.note,
    role: r.role,
    prefix: r.prefix,
    status: tokenStatus(r, now),
    expiresAt: r.expiresAt,
    lastUsedAt: r.lastUsedAt,
    revokedAt: r.revokedAt,
    createdByEmail: r.createdByEmail,
    createdAt: r.createdAt,
  };
}

/** Tokens matching `where`, newest first, with their member and issuer. */
export async function tokenViews(db: Database, where: SQL): Promise<TokenView[]> {
  const now = new Date();
  return (await tokenRows(db, where)).map((r) => tokenView(r, now));
}

/** The organization's tokens with status and last use, newest first, a page at a time (never secrets). */
export async function listTokens(db: Database, actor: Actor, organizationId: string, page: PageQuery = { limit: 50 }): Promise<{ tokens: TokenView[]; nextCursor: string | null }> {
  authorize(actor, 'manageTokens', organizationId, 'organization');
  const { items, nextCursor } = pageOf(await tokenRows(db, eq(apiTokens.organizationId, organizationId), page), page.limit);
  const now = new Date();
  return { tokens: items.map((r) => tokenView(r, now)), nextCursor };
}
