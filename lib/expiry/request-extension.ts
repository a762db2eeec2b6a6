// Asking for a later end date. Within the organization's policy (at most extensionAutoApproveDays
// after the current end) it is approved at once; beyond it, it waits for NII staff, who are mailed.
// One request waits at a time per unit group.
import { and, eq } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database, Transaction } from '@/lib/db/client';
import { expiryExtensions, type ExpiryExtension, type UnitGroup } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { DAY_MS, ZExtensionInput, type ExtensionInput } from './fields';
import { lockGroupToChange, moveExpiry, type LockedGroup } from './move-expiry';
import { formatJst, mailStaffPending } from './texts';

export async function requestExtension(db: Database, actor: Actor, unitGroupId: string, raw: unknown, meta: RequestMeta = { ip: null }, now: Date = new Date()): Promise<ExpiryExtension> {
  return requestExtensionTo(db, actor, unitGroupId, parseOrThrow(ZExtensionInput, raw), meta, now);
}

/** As requestExtension, with its input parsed already (the API's contract parses it). */
export async function requestExtensionTo(db: Database, actor: Actor, unitGroupId: string, { until, reason }: ExtensionInput, meta: RequestMeta = { ip: null }, now: Date = new Date()): Promise<ExpiryExtension> {
  const { extension, locked } = await db.transaction(async (tx) => {
    const locked = await lockGroupToChange(tx, actor, unitGroupId, 'until');
    if (!locked.group.expiresAt) throw invalidInput({ until: 'the unit group has no end date to extend: set one instead' });
    return { extension: await recordExtension(tx, actor, locked, 'until', until, reason, now), locked };
  });
  await afterExtension(db, actor, extension, locked.group, meta);
  return extension;
}

/**
 * Records a request to move the locked unit group's end date to `until` (named `field` in the
 * caller's input), and moves it at once when the policy allows.
 */
export async function recordExtension(tx: Transaction, actor: Actor, { group, extensionAutoApproveDays }: LockedGroup, field: string, until: Date, reason: string, now: Date): Promise<ExpiryExtension> {
  const current = group.expiresAt!;
  if (until <= now) throw invalidInput({ [field]: 'must be in the future' });
  if (until <= current) throw invalidInput({ [field]: `must be later than the current end date (${formatJst(current)})` });
  const [waiting] = await tx
    .select({ id: expiryExtensions.id })
    .from(expiryExtensions)
    .where(and(eq(expiryExtensions.unitGroupId, group.id), eq(expiryExtensions.state, 'pending')));
  if (waiting) throw new AppError('CONFLICT', 'An extension request of this unit group already waits for NII staff', { fields: { [field]: 'an extension request already waits for NII staff' } });
  const withinPolicy = until.getTime() - current.getTime() <= extensionAutoApproveDays * DAY_MS;
  const [extension] = await tx
    .insert(expiryExtensions)
    .values({
      unitGroupId: group.id,
      requestedBy: actor.userId,
      fromExpiresAt: current,
      untilExpiresAt: until,
      reason,
      state: withinPolicy ? 'approved' : 'pending',
      decidedAt: withinPolicy ? now : null,
      createdAt: now,
    })
    .returning();
  if (withinPolicy) await moveExpiry(tx, group.id, until, now);
  return extension!;
}

/** Once the request is recorded: the audit log, and NII staff told of one that waits for them. */
export async function afterExtension(db: Database, actor: Actor, extension: ExpiryExtension, group: Pick<UnitGroup, 'name' | 'organizationId'>, meta: RequestMeta): Promise<void> {
  const mailError = extension.state === 'pending' ? await mailStaffPending(db, extension, group.name, actor.name || actor.email) : undefined;
  await recordAudit(db, {
    actor,
    organizationId: group.organizationId,
    action: 'extension.request',
    targetType: 'unit_group',
    targetId: extension.unitGroupId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: group.name, extensionId: extension.id, from: extension.fromExpiresAt.toISOString(), until: extension.untilExpiresAt.toISOString(), state: extension.state, reason: extension.reason, ...(mailError ? { mailError } : {}) },
  });
}
