// What every change of an end date shares: the unit group read under its row lock (so two
// changes, or a change and an approval, do not both decide from the same old date) with its
// organization's policy, and the move itself.
import { and, eq, isNull, sql } from 'drizzle-orm';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Transaction } from '@/lib/db/client';
import { alerts, organizations, unitGroups, type UnitGroup } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

export interface LockedGroup {
  group: UnitGroup;
  extensionAutoApproveDays: number;
  expiryGraceDays: number;
}

/**
 * The unit group, locked until the transaction ends. `allowed` judges the caller first (so a
 * stranger learns nothing of its state); one being deleted is refused.
 */
export async function lockGroupForExpiry(tx: Transaction, unitGroupId: string, field: string, allowed: (organizationId: string) => void): Promise<LockedGroup> {
  const [row] = await tx
    .select({ group: unitGroups, extensionAutoApproveDays: organizations.extensionAutoApproveDays, expiryGraceDays: organizations.expiryGraceDays })
    .from(unitGroups)
    .innerJoin(organizations, eq(unitGroups.organizationId, organizations.id))
    .where(eq(unitGroups.id, unitGroupId))
    .for('update', { of: unitGroups });
  if (!row || row.group.state === 'DELETED') throw new AppError('NOT_FOUND', 'No such unit group');
  allowed(row.group.organizationId);
  if (row.group.state === 'DELETING') throw new AppError('CONFLICT', 'The unit group is being deleted', { fields: { [field]: 'the unit group is being deleted' } });
  return row;
}

/** As lockGroupForExpiry, for a caller who may build in its organization, or NII staff (who decide extensions) in the browser. */
export function lockGroupToChange(tx: Transaction, actor: Actor, unitGroupId: string, field: string): Promise<LockedGroup> {
  return lockGroupForExpiry(tx, unitGroupId, field, (organizationId) => {
    if (!(actor.isStaff && !actor.token)) authorize(actor, 'build', organizationId, 'unit group');
  });
}

/**
 * Moves (or removes) the end date. A unit group that had expired is no longer: its grace period
 * ends, and the reminders and expiry alerts told of the old date are resolved, so those of the
 * new date are sent when it comes.
 */
export async function moveExpiry(tx: Transaction, unitGroupId: string, expiresAt: Date | null, now: Date): Promise<void> {
  await tx.update(unitGroups).set({ expiresAt, expiredAt: null, updatedAt: sql`now()` }).where(eq(unitGroups.id, unitGroupId));
  await tx
    .update(alerts)
    .set({ resolvedAt: now })
    .where(and(eq(alerts.kind, 'expiry'), eq(alerts.targetId, unitGroupId), isNull(alerts.resolvedAt)));
}
