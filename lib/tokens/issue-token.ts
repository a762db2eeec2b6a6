import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { apiTokens, memberships, tokenRole, users } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { outranks, roleIn } from '@/lib/organizations/members';
import { parseOrThrow } from '@/lib/zod-fields';
import { tokenViews } from './list-tokens';
import type { IssuedTokenView } from './views';
import { newTokenSecret } from './secret';

const DAY_MS = 24 * 3600 * 1000;

export const ZIssueToken = z.object({
  userId: z.uuid('must be a member of the organization').describe('The member the token acts as.'),
  note: z.string({ error: 'is required' }).trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  role: z.enum(tokenRole.enumValues, { error: 'must be fullaccess or readonly' }),
  /** ISO 8601; one year from now when left out. */
  expiresAt: z.coerce.date({ error: 'must be a date and time (ISO 8601)' }).optional().describe('ISO 8601, at most ten years ahead; one year from now when left out.'),
});

function yearsFrom(now: Date, years: number): Date {
  const d = new Date(now);
  d.setFullYear(d.getFullYear() + years);
  return d;
}

/**
 * Issues an API token that acts as a member of the organization (as VCP Manager issues access
 * tokens). The secret is returned here once; only its hash is kept.
 */
export async function issueToken(
  db: Database,
  actor: Actor,
  organizationId: string,
  rawInput: unknown,
  meta: RequestMeta = { ip: null },
): Promise<IssuedTokenView> {
  authorize(actor, 'manageTokens', organizationId, 'organization');
  const input = parseOrThrow(ZIssueToken, rawInput);
  const now = new Date();
  const expiresAt = input.expiresAt ?? yearsFrom(now, 1);
  // A day's grace, so "ten years from today" picked in a date field is still accepted.
  if (expiresAt <= now) throw invalidInput({ expiresAt: 'must be in the future' });
  if (expiresAt.getTime() > yearsFrom(now, 10).getTime() + DAY_MS) throw invalidInput({ expiresAt: 'must be at most ten years from now' });

  const [member] = await db
    .select({ role: memberships.role, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(memberships.userId, users.id))
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, input.userId)));
  if (!member) throw invalidInput({ userId: 'is not a member of this organization' });
  // Whoever holds the secret acts as the member: an admin must not mint an owner's rights for themselves.
  if (outranks(member.role, roleIn(actor, organizationId))) {
    throw new AppError('FORBIDDEN', 'Only an owner may issue a token that acts as an owner', { fields: { userId: 'only an owner may issue a token for an owner' } });
  }

  const { secret, prefix, hash } = newTokenSecret();
  const [row] = await db
    .insert(apiTokens)
    .values({ organizationId, userId: input.userId, note: input.note, role: input.role, secretHash: hash, prefix, expiresAt, createdBy: actor.userId })
    .returning({ id: apiTokens.id });
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'token.issue',
    targetType: 'apiToken',
    targetId: row!.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { prefix, note: input.note, role: input.role, member: member.email, expiresAt: expiresAt.toISOString() },
  });
  const [token] = await tokenViews(db, eq(apiTokens.id, row!.id));
  return { token: token!, secret };
}
