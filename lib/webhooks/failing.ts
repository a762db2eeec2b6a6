// A webhook's health: any delivered event clears its failing day; a day in which every attempt
// failed disables it (its waiting deliveries are dropped) and mails the organization's owners and
// admins, once, as the disabling is a conditional update.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { recordAudit } from '@/lib/audit/record';
import type { Database } from '@/lib/db/client';
import { memberships, users, webhookDeliveries, webhooks, type Webhook } from '@/lib/db/schema';
import { publicPortalUrl } from '@/lib/env';
import { sendMail } from '@/lib/mail/send';
import type { SendResult } from './send';

export const FAILING_DISABLES_AFTER_MS = 24 * 3600_000;
export const NOT_SENT_DISABLED = 'not sent: the webhook is disabled';
/** Who disables a failing webhook, in the audit log. */
export const DELIVERIES_LABEL = 'webhook deliveries';

/** Records how an attempt at one of the webhook's events went; whether that disabled the webhook. */
export async function noteOutcome(db: Database, webhook: Webhook, result: SendResult, now: Date): Promise<boolean> {
  if (result.ok) {
    await db.update(webhooks).set({ failingSince: null }).where(and(eq(webhooks.id, webhook.id), isNotNull(webhooks.failingSince)));
    return false;
  }
  const [row] = await db
    .update(webhooks)
    .set({ failingSince: sql`coalesce(${webhooks.failingSince}, ${now.toISOString()}::timestamptz)` })
    .where(eq(webhooks.id, webhook.id))
    .returning({ failingSince: webhooks.failingSince });
  const since = row?.failingSince;
  if (!since || now.getTime() - since.getTime() < FAILING_DISABLES_AFTER_MS) return false;
  const reason = `every delivery failed for over a day, since ${since.toISOString()}; the last: ${result.error ?? 'no answer'}`;
  return disableFailingWebhook(db, webhook, reason, now);
}

async function disableFailingWebhook(db: Database, webhook: Webhook, reason: string, now: Date): Promise<boolean> {
  const disabled = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(webhooks)
      .set({ enabled: false, disabledAt: now, disabledReason: reason, updatedAt: now })
      .where(and(eq(webhooks.id, webhook.id), eq(webhooks.enabled, true)))
      .returning({ id: webhooks.id });
    if (!row) return false;
    await tx
      .update(webhookDeliveries)
      .set({ state: 'failed', error: NOT_SENT_DISABLED })
      .where(and(eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.state, 'pending')));
    await recordAudit(tx as unknown as Database, {
      actor: null,
      actorLabel: DELIVERIES_LABEL,
      organizationId: webhook.organizationId,
      action: 'webhook.disable',
      targetType: 'webhook',
      targetId: webhook.id,
      outcome: 'success',
      details: { url: webhook.url, reason },
    });
    return true;
  });
  if (disabled) await mailDisabled(db, webhook, reason);
  return disabled;
}

/** Tells the organization's owners and admins; a mail that cannot be sent is logged by sendMail. */
async function mailDisabled(db: Database, webhook: Webhook, reason: string): Promise<void> {
  const recipients = await db
    .select({ email: users.email })
    .from(memberships)
    .innerJoin(users, eq(memberships.userId, users.id))
    .where(and(eq(memberships.organizationId, webhook.organizationId), inArray(memberships.role, ['owner', 'admin'])));
  const link = `${publicPortalUrl()}/organization/webhooks`;
  const subject = `Webhook を無効にしました / A webhook was disabled: ${webhook.url}`;
  const text = [
    `Webhook ${webhook.url} への送信が 1 日以上すべて失敗したため、無効にしました。受信側を直してからポータルで有効に戻してください。`,
    `Every delivery to the webhook ${webhook.url} failed for over a day, so it was disabled. Fix the receiver, then enable it again in the portal.`,
    '',
    `理由 / Reason: ${reason}`,
    '',
    `詳しくはポータルで / Details in the portal: ${link}`,
  ].join('\n');
  await sendMail({ to: recipients.map((r) => r.email), subject: `[OCS Portal] ${subject}`, text });
}
