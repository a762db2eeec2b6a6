import { and, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database, Transaction } from '@/lib/db/client';
import { apiTokens, memberRole, memberships, organizations, users, type MemberRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { memberLoginChanged } from '@/lib/nodes/login-changes';
import { parseOrThrow } from '@/lib/zod-fields';

import type { MemberView } from './views';

export type { MemberView } from './views';

const RANK: Record<MemberRole, number> = { viewer: 0, user: 1, admin: 2, owner: 3 };

/** True when `role` carries more rights than `than` (an admin may not act for or over an owner). */
export function outranks(role: MemberRole, than: MemberRole | undefined): boolean {
  return RANK[role] > (than === undefined ? -1 : RANK[than]);
}

export function roleIn(actor: Actor, organizationId: string): MemberRole | undefined {
  return actor.memberships.find((m) => m.organizationId === organizationId)?.role;
}

const ZRole = z.enum(memberRole.enumValues, { error: `must be one of ${memberRole.enumValues.join(', ')}` });

export const ZAddMember = z.object({
  email: z.string({ error: 'is required' }).trim().toLowerCase().min(1, 'is required').pipe(z.email('must be an e-mail address')),
  role: ZRole,
});

export const ZChangeRole = z.object({ role: ZRole });

const memberColumns = {
  userId: users.id,
  email: users.email,
  name: users.name,
  nameJa: users.nameJa,
  role: memberships.role,
  joinedAt: memberships.createdAt,
  lastSignInAt: users.lastSignInAt,
};

const memberView = (m: MemberView): MemberView => ({ userId: m.userId, email: m.email, name: m.name, nameJa: m.nameJa, role: m.role, joinedAt: m.joinedAt, lastSignInAt: m.lastSignInAt });

function memberSelect(db: Database | Transaction) {
  return db.select(memberColumns).from(memberships).innerJoin(users, eq(memberships.userId, users.id));
}

/** The organization's members, newest first, a page at a time. */
export async function listMembers(db: Database, actor: Actor, organizationId: string, page: PageQuery = { limit: 50 }): Promise<{ members: MemberView[]; nextCursor: string | null }> {
  authorize(actor, 'manageMembers', organizationId, 'organization');
  const keyset = { sort: memberships.createdAt, id: memberships.id };
  const rows = await db
    .select({ ...memberColumns, id: memberships.id, cursor: cursorColumn(keyset) })
    .from(memberships)
    .innerJoin(users, eq(memberships.userId, users.id))
    .where(and(eq(memberships.organizationId, organizationId), afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { members: items.map(memberView), nextCursor };
}

/**
 * Adds someone by e-mail. Someone who has never signed in gets a users row with that e-mail,
 * which their first sign-in links to (see lib/auth/sign-in.ts).
 */
export async function addMember(db: Database, actor: Actor, organizationId: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<MemberView> {
  authorize(actor, 'manageMembers', organizationId, 'organization');
  const input = parseOrThrow(ZAddMember, rawInput);
  if (outranks(input.role, roleIn(actor, organizationId))) throw onlyOwners({ role: 'only an owner may make someone an owner' });

  const { member, createdUser } = await db.transaction(async (tx) => {
    let user = await tx.query.users.findFirst({ where: sql`lower(${users.email}) = ${input.email}` });
    let createdUser = false;
    if (!user) {
      // Two admins inviting the same new address at once: the unique e-mail decides, both get the one row.
      await tx.insert(users).values({ email: input.email, name: input.email }).onConflictDoNothing();
      user = (await tx.query.users.findFirst({ where: eq(users.email, input.email) }))!;
      createdUser = true;
    }
    const added = await tx
      .insert(memberships)
      .values({ organizationId, userId: user.id, role: input.role })
      .onConflictDoNothing()
      .returning({ id: memberships.id });
    if (!added.length) throw new AppError('CONFLICT', `${input.email} is already a member of this organization`, { fields: { email: 'is already a member of this organization' } });
    await memberLoginChanged(tx, organizationId, user.id);
    const [member] = await memberSelect(tx).where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, user.id)));
    return { member: member!, createdUser };
  });

  await recordAudit(db, {
    actor,
    organizationId,
    action: 'member.add',
    targetType: 'user',
    targetId: member.userId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { email: member.email, role: member.role, newUser: createdUser },
  });
  return member;
}

export async function changeMemberRole(
  db: Database,
  actor: Actor,
  organizationId: string,
  userId: string,
  rawInput: unknown,
  meta: RequestMeta = { ip: null },
): Promise<MemberView> {
  authorize(actor, 'manageMembers', organizationId, 'organization');
  const { role } = parseOrThrow(ZChangeRole, rawInput);
  const { member, from } = await db.transaction(async (tx) => {
    const current = await lockedMembership(tx, organizationId, userId);
    const mine = roleIn(actor, organizationId);
    if (outranks(current.role, mine) || outranks(role, mine)) throw onlyOwners({ role: 'only an owner may change an owner or make someone an owner' });
    if (current.role === 'owner' && role !== 'owner' && (await ownerCount(tx, organizationId)) <= 1) throw lastOwner('demoted');
    if (current.role !== role) {
      await tx.update(memberships).set({ role, updatedAt: sql`now()` }).where(eq(memberships.id, current.id));
      await memberLoginChanged(tx, organizationId, userId);
    }
    const [member] = await memberSelect(tx).where(eq(memberships.id, current.id));
    return { member: member!, from: current.role };
  });
  if (from !== role) {
    await recordAudit(db, {
      actor,
      organizationId,
      action: 'member.changeRole',
      targetType: 'user',
      targetId: userId,
      ipAddress: meta.ip,
      outcome: 'success',
      details: { email: member.email, from, to: role },
    });
  }
  return member;
}

/** Removes a member and revokes the API tokens they held in this organization. */
export async function removeMember(db: Database, actor: Actor, organizationId: string, userId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  authorize(actor, 'manageMembers', organizationId, 'organization');
  const { removed, tokensRevoked } = await db.transaction(async (tx) => {
    const current = await lockedMembership(tx, organizationId, userId);
    if (outranks(current.role, roleIn(actor, organizationId))) throw onlyOwners({ userId: 'only an owner may remove an owner' });
    if (current.role === 'owner' && (await ownerCount(tx, organizationId)) <= 1) throw lastOwner('removed');
    await tx.delete(memberships).where(eq(memberships.id, current.id));
    await memberLoginChanged(tx, organizationId, userId);
    // Such tokens would be refused anyway; revoking them shows that in the token list and keeps them dead if the member comes back.
    const revoked = await tx
      .update(apiTokens)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(apiTokens.organizationId, organizationId), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .returning({ prefix: apiTokens.prefix });
    const user = await tx.query.users.findFirst({ where: eq(users.id, userId) });
    return { removed: { email: user?.email, role: current.role }, tokensRevoked: revoked.map((t) => t.prefix) };
  });
  await recordAudit(db, {
    actor,
    organizationId,
    action: 'member.remove',
    targetType: 'user',
    targetId: userId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { ...removed, tokensRevoked },
  });
}

/**
 * The membership, with the organization row locked: membership changes of one organization run
 * one at a time, so two owners demoting each other at once cannot leave it without an owner.
 */
async function lockedMembership(tx: Transaction, organizationId: string, userId: string) {
  await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, organizationId)).for('update');
  const current = await tx.query.memberships.findFirst({ where: and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)) });
  if (!current) throw new AppError('NOT_FOUND', 'No such member');
  return current;
}

async function ownerCount(tx: Transaction, organizationId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(memberships)
    .where(and(eq(memberships.organizationId, organizationId), eq(memberships.role, 'owner')));
  return row?.n ?? 0;
}

function lastOwner(what: 'removed' | 'demoted'): AppError {
  return new AppError('CONFLICT', `The last owner of an organization cannot be ${what}; make another member an owner first`);
}

function onlyOwners(fields: Record<string, string>): AppError {
  return new AppError('FORBIDDEN', 'Only an owner may grant, change or remove the owner role', { fields });
}
