// NII staff's decision on an extension beyond the organization's policy. Approving moves the end
// date as asked (and so ends an expiry's grace period); rejecting leaves it, and needs a note.
import { eq } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { expiryExtensions, users, type ExpiryExtension } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { ZDecisionInput } from './fields';
import { lockGroupForExpiry, moveExpiry } from './move-expiry';
import { mailDecision } from './texts';

/** NII staff in the browser decide; an API token never does. */
export const decidesExtensions = (actor: Actor) => actor.isStaff && !actor.token;

export async function decideExtension(db: Database, actor: Actor, extensionId: string, raw: unknown, meta: RequestMeta = { ip: null }, now: Date = new Date()): Promise<ExpiryExtension> {
  const { decision, note } = parseOrThrow(ZDecisionInput, raw);
  const asked = await db.query.expiryExtensions.findFirst({ where: eq(expiryExtensions.id, extensionId) });
  if (!asked) throw new AppError('NOT_FOUND', 'No such extension request');
  const { extension, group } = await db.transaction(async (tx) => {
    // The unit group first, as every change of its end date does: its lock orders them.
    const { group } = await lockGroupForExpiry(tx, asked.unitGroupId, 'decision', (organizationId) => {
      if (!can(actor, 'read', organizationId)) throw new AppError('NOT_FOUND', 'No such extension request');
      if (!decidesExtensions(actor)) throw new AppError('FORBIDDEN', 'Only NII staff decide extension requests');
    });
    const [current] = await tx.select().from(expiryExtensions).where(eq(expiryExtensions.id, extensionId)).for('update');
    if (current!.state !== 'pending') throw new AppError('CONFLICT', `The request was ${current!.state} already`, { fields: { decision: `the request was ${current!.state} already` } });
    if (decision === 'reject' && !note) throw invalidInput({ note: 'is required to reject: say why' });
    if (decision === 'approve') {
      if (current!.untilExpiresAt <= now) throw new AppError('CONFLICT', 'The end date asked for has passed', { fields: { decision: 'the end date asked for has passed' } });
      await moveExpiry(tx, group.id, current!.untilExpiresAt, now);
    }
    const [extension] = await tx
      .update(expiryExtensions)
      .set({ state: decision === 'approve' ? 'approved' : 'rejected', decidedBy: actor.userId, decidedAt: now, decisionNote: note || null })
      .where(eq(expiryExtensions.id, extensionId))
      .returning();
    return { extension: extension!, group };
  });
  const requester = await db.query.users.findFirst({ where: eq(users.id, extension.requestedBy), columns: { email: true } });
  const mailError = requester ? await mailDecision(extension, group.name, requester.email) : undefined;
  await recordAudit(db, {
    actor,
    organizationId: group.organizationId,
    action: 'extension.decide',
    targetType: 'unit_group',
    targetId: group.id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { unitGroup: group.name, extensionId, decision, note: note ?? null, until: extension.untilExpiresAt.toISOString(), ...(mailError ? { mailError } : {}) },
  });
  return extension;
}
