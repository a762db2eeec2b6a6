// Setting a unit group's end date: the first one or an earlier one is the builders' own choice; a
// later one is an extension request (request-extension.ts), approved at once only within the
// organization's policy. Removing a set date would be an extension without end: only NII staff may.
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import type { ExpiryExtension } from '@/lib/db/schema';
import { invalidInput } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { ZSetExpiryInput, type SetExpiryInput } from './fields';
import { lockGroupToChange, moveExpiry } from './move-expiry';
import { afterExtension, recordExtension } from './request-extension';

export interface ExpiryChange {
  expiresAt: Date | null;
  expiredAt: Date | null;
  /** The request a later date became (approved already, or pending for NII staff). */
  extension?: ExpiryExtension;
}

export async function setExpiry(db: Database, actor: Actor, unitGroupId: string, raw: unknown, meta: RequestMeta = { ip: null }, now: Date = new Date()): Promise<ExpiryChange> {
  return setExpiryTo(db, actor, unitGroupId, parseOrThrow(ZSetExpiryInput, raw), meta, now);
}

/** As setExpiry, with its input parsed already (the API's contract parses it). */
export async function setExpiryTo(db: Database, actor: Actor, unitGroupId: string, { expiresAt, reason }: SetExpiryInput, meta: RequestMeta = { ip: null }, now: Date = new Date()): Promise<ExpiryChange> {
  const outcome = await db.transaction(async (tx) => {
    const locked = await lockGroupToChange(tx, actor, unitGroupId, 'expiresAt');
    const { group } = locked;
    const from = group.expiresAt;
    if (expiresAt && expiresAt <= now) throw invalidInput({ expiresAt: 'must be in the future' });
    if (!expiresAt && from && !actor.isStaff) throw invalidInput({ expiresAt: 'cannot be removed once set: request an extension to a later date instead' });
    if (expiresAt && from && expiresAt > from) {
      if (!reason) throw invalidInput({ reason: 'is required to move the end date later (an extension request)' });
      return { group, from, extension: await recordExtension(tx, actor, locked, 'expiresAt', expiresAt, reason, now) };
    }
    if (expiresAt?.getTime() !== from?.getTime()) await moveExpiry(tx, group.id, expiresAt, now);
    return { group, from, extension: undefined };
  });
  const { group, from, extension } = outcome;
  if (extension) {
    await afterExtension(db, actor, extension, group, meta);
    return extension.state === 'approved' ? { expiresAt: extension.untilExpiresAt, expiredAt: null, extension } : { expiresAt: from, expiredAt: group.expiredAt, extension };
  }
  await recordAudit(db, {
    actor,
    organizationId: group.organizationId,
    action: 'unitGroup.setExpiry',
    targetType: 'unit_group',
    targetId: group.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: group.name, from: from?.toISOString() ?? null, to: expiresAt?.toISOString() ?? null },
  });
  const unchanged = expiresAt?.getTime() === from?.getTime();
  return { expiresAt, expiredAt: unchanged ? group.expiredAt : null };
}
