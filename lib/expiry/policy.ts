// An organization's expiry policy, set by its owners: how long an extension may be to be approved
// at once, and how many days an expired unit group is kept (powered off) before it is deleted.
import { eq, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { organizations } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { ZExpiryPolicyInput } from './fields';

export interface ExpiryPolicy {
  extensionAutoApproveDays: number;
  expiryGraceDays: number;
}

/** Whether the actor is an owner of the organization acting with full rights (not a read-only token). */
export function ownsOrganization(actor: Actor, organizationId: string): boolean {
  if (actor.token && (actor.token.organizationId !== organizationId || actor.token.role === 'readonly')) return false;
  return actor.memberships.some((m) => m.organizationId === organizationId && m.role === 'owner');
}

export async function setExpiryPolicy(db: Database, actor: Actor, organizationId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<ExpiryPolicy> {
  const change = parseOrThrow(ZExpiryPolicyInput, raw);
  authorize(actor, 'read', organizationId, 'organization');
  if (!ownsOrganization(actor, organizationId)) throw new AppError('FORBIDDEN', 'Only the owners of the organization set its expiry policy');
  const before = await db.query.organizations.findFirst({ where: eq(organizations.id, organizationId), columns: { extensionAutoApproveDays: true, expiryGraceDays: true } });
  if (!before) throw new AppError('NOT_FOUND', 'No such organization');
  const [after] = await db
    .update(organizations)
    .set({ ...change, updatedAt: sql`now()` })
    .where(eq(organizations.id, organizationId))
    .returning({ extensionAutoApproveDays: organizations.extensionAutoApproveDays, expiryGraceDays: organizations.expiryGraceDays });
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'organization.expiryPolicy',
    targetType: 'organization',
    targetId: organizationId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { before, after },
  });
  return after!;
}
