// The scheduled expiry round: reminders 7 days and 1 day before a unit group's end date, its nodes
// powered off at it, and the unit group deleted once its organization's grace period after that is
// over. What the organization is told goes into the alerts table (lib/alerts mails it). Each step
// is decided by PostgreSQL (a unique open alert, a conditional update), so a round run twice or by
// two workers does each thing once; the clock is a parameter, so a test can let weeks pass.
import { and, eq, isNull, lte, notInArray, sql } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database, Transaction } from '@/lib/db/client';
import { alerts, organizations, unitGroups, type UnitGroup } from '@/lib/db/schema';
import { AppError, safeErrorMessage } from '@/lib/errors';
import { enqueueAfterCommit } from '@/lib/jobs/queue';
import { requestPower } from '@/lib/nodes/power-many';
import { recordAlertEvents } from '@/lib/webhooks/domain-events';
import { DAY_MS } from './fields';
import { expiryAlertText, unitGroupLink, type ExpiryAlertState } from './texts';

/** Who the round's changes are by, in build logs and the audit log. */
export const EXPIRY_LABEL = 'the end date (expiry)';

export type ExpiryStep =
  | { unitGroupId: string; action: 'remind7' | 'remind1' | 'deleted'; reason: string }
  | { unitGroupId: string; action: 'expired'; reason: string; buildId: string | null }
  | { unitGroupId: string; action: 'wait' | 'failed'; reason: string };

/** One round; returns what it did (and why it waited) per unit group, nothing for those with nothing due. */
export async function scanExpiry(db: Database, now: Date = new Date()): Promise<ExpiryStep[]> {
  const due = await db
    .select({ group: unitGroups, graceDays: organizations.expiryGraceDays })
    .from(unitGroups)
    .innerJoin(organizations, eq(unitGroups.organizationId, organizations.id))
    .where(and(lte(unitGroups.expiresAt, new Date(now.getTime() + 7 * DAY_MS)), notInArray(unitGroups.state, ['DELETING', 'DELETED'])));
  const steps: ExpiryStep[] = [];
  for (const { group, graceDays } of due) {
    // One unit group's failure is its own: the others are still looked at.
    const step = await scanGroup(db, group, graceDays, now).catch((e: unknown): ExpiryStep => ({ unitGroupId: group.id, action: 'failed', reason: safeErrorMessage(e) }));
    if (step) steps.push(step);
  }
  return steps;
}

async function scanGroup(db: Database, group: UnitGroup, graceDays: number, now: Date): Promise<ExpiryStep | null> {
  const expiresAt = group.expiresAt!;
  if (group.expiredAt) {
    const deletesAt = new Date(group.expiredAt.getTime() + graceDays * DAY_MS);
    return now >= deletesAt ? removeExpired(db, group, graceDays, now) : null;
  }
  if (now >= expiresAt) return expire(db, group, graceDays, now);
  // Within a day of the end, the 7-day reminder is no news: only the 1-day one is sent.
  const state = now.getTime() >= expiresAt.getTime() - DAY_MS ? 'remind1' : 'remind7';
  const opened = await db.transaction(async (tx) => {
    // Under the row lock a change of the date takes (lib/expiry/move-expiry.ts): no reminder of a date just moved.
    const [row] = await tx.select({ expiresAt: unitGroups.expiresAt }).from(unitGroups).where(eq(unitGroups.id, group.id)).for('share');
    return row?.expiresAt?.getTime() === expiresAt.getTime() && openAlert(tx, group, state, { graceDays, deletesAt: new Date(expiresAt.getTime() + graceDays * DAY_MS), now });
  });
  return opened ? { unitGroupId: group.id, action: state, reason: `it ends at ${expiresAt.toISOString()}` } : null;
}

/** Records the alert unless one is open for this unit group and state; whether it did. */
async function openAlert(db: Database | Transaction, group: UnitGroup, state: ExpiryAlertState, when: { graceDays: number; deletesAt: Date; now: Date }): Promise<boolean> {
  const { subject, reason } = expiryAlertText(state, group.name, { expiresAt: group.expiresAt!, ...when });
  const opened = await db
    .insert(alerts)
    .values({ organizationId: group.organizationId, kind: 'expiry', targetId: group.id, state, subject, reason, link: unitGroupLink(group.id) })
    .onConflictDoNothing()
    .returning();
  // In the caller's transaction: the webhook deliveries are recorded with the alert, once.
  await recordAlertEvents(db, opened, when.now);
  return opened.length > 0;
}

/**
 * The portal acting at the end date, on behalf of the unit group's owner (the power build is
 * theirs): whether the owner may still build there or not, the term is over.
 */
function expiryActor(group: UnitGroup): Actor {
  return { userId: group.ownerId, email: EXPIRY_LABEL, name: EXPIRY_LABEL, isStaff: false, memberships: [{ organizationId: group.organizationId, organizationName: '', role: 'user' }] };
}

/** The end date moved (an extension approved) since the round read it. */
class EndDateMoved extends Error {}

/** At the end date: the unit group marked expired and every node powered off (one power build). */
async function expire(db: Database, group: UnitGroup, graceDays: number, now: Date): Promise<ExpiryStep | null> {
  const deletesAt = new Date(now.getTime() + graceDays * DAY_MS);
  // Only if nobody moved the date meanwhile, and only once.
  const markExpired = async (tx: Transaction) => {
    const [row] = await tx
      .update(unitGroups)
      .set({ expiredAt: now, updatedAt: sql`now()` })
      .where(and(eq(unitGroups.id, group.id), eq(unitGroups.expiresAt, group.expiresAt!), isNull(unitGroups.expiredAt)))
      .returning({ id: unitGroups.id });
    if (!row) throw new EndDateMoved();
    await openAlert(tx, group, 'expired', { graceDays, deletesAt, now });
  };
  let buildId: string | null = null;
  let unpowered: string | null = null;
  try {
    // Marked in the power request's transaction, under the unit group's lock that approving an
    // extension takes too: an approval comes either before (nothing is powered off) or after.
    ({ buildId } = await requestPower(db, expiryActor(group), { unitGroupId: group.id }, { action: 'off' }, undefined, { underLock: markExpired }));
  } catch (e) {
    if (e instanceof EndDateMoved) return null;
    if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
    // Refused: a change is under way (wait for it), or no node is left to power off.
    const [current] = await db.select({ state: unitGroups.state }).from(unitGroups).where(eq(unitGroups.id, group.id));
    if (current?.state !== 'RUNNING' && current?.state !== 'ERROR') return { unitGroupId: group.id, action: 'wait', reason: `its end date passed while it is ${current?.state}: its nodes are powered off once that change ends` };
    unpowered = e.message;
    const marked = await db.transaction((tx) => markExpired(tx).then(() => true, (moved: unknown) => (moved instanceof EndDateMoved ? false : Promise.reject(moved))));
    if (!marked) return null;
  }
  await recordAudit(db, {
    actor: null,
    actorLabel: EXPIRY_LABEL,
    organizationId: group.organizationId,
    action: 'unitGroup.expire',
    targetType: 'unit_group',
    targetId: group.id,
    outcome: 'success',
    details: { unitGroup: group.name, expiresAt: group.expiresAt!.toISOString(), deletesAt: deletesAt.toISOString(), buildId, ...(unpowered ? { notPowered: unpowered } : {}) },
  });
  return { unitGroupId: group.id, action: 'expired', buildId, reason: unpowered ? `nothing powered off: ${unpowered}` : 'its nodes are being powered off' };
}

/** After the grace period: the unit group goes DELETING (the delete job tears it down), told of once. */
async function removeExpired(db: Database, group: UnitGroup, graceDays: number, now: Date): Promise<ExpiryStep | null> {
  const reason = `the grace period of ${graceDays} day(s) after its end date is over`;
  const claimed = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(unitGroups)
      .set({ state: 'DELETING', stateReason: `deleted by its end date: ${reason}`, updatedAt: sql`now()` })
      .where(and(eq(unitGroups.id, group.id), eq(unitGroups.expiredAt, group.expiredAt!), notInArray(unitGroups.state, ['DELETING', 'DELETED'])))
      .returning({ id: unitGroups.id });
    if (row) await openAlert(tx, group, 'deleted', { graceDays, deletesAt: now, now });
    return !!row;
  });
  if (!claimed) return null;
  // Lost here, the job is queued again by the reconciler, which finds the unit group DELETING.
  await enqueueAfterCommit('unitGroup.delete', { unitGroupId: group.id });
  await recordAudit(db, {
    actor: null,
    actorLabel: EXPIRY_LABEL,
    organizationId: group.organizationId,
    action: 'unitGroup.delete',
    targetType: 'unitGroup',
    targetId: group.id,
    outcome: 'success',
    details: { name: group.name, expiresAt: group.expiresAt!.toISOString(), expiredAt: group.expiredAt!.toISOString(), reason },
  });
  return { unitGroupId: group.id, action: 'deleted', reason };
}
