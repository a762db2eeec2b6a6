import { and, eq, isNull, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { apiTokens } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { tokenViews, type TokenView } from './list-tokens';

/** Revokes a token at once; revoking it again changes nothing. */
export async function revokeToken(db: Database, actor: Actor, tokenId: string, meta: RequestMeta = { ip: null }): Promise<TokenView> {
  const token = await db.query.apiTokens.findFirst({ where: eq(apiTokens.id, tokenId) });
  if (!token) throw new AppError('NOT_FOUND', 'No such API token');
  authorize(actor, 'manageTokens', token.organizationId, 'API token');
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  if (revoked.length) {
    await recordAudit(db, {
      actor,
      organizationId: token.organizationId,
      action: 'token.revoke',
      targetType: 'apiToken',
      targetId: tokenId,
      ipAddress: meta.ip,
      outcome: 'success',
      details: { prefix: token.prefix, note: token.note },
    });
  }
  const [view] = await tokenViews(db, eq(apiTokens.id, tokenId));
  return view!;
}
