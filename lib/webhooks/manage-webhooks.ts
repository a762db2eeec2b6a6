// An organization's admins and owners register, change, remove and test its webhooks; each change
// is in the audit log. The signing secret is returned once, when the webhook is made.
import { randomUUID } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { webhookDeliveries, webhooks, type Webhook } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { sealWebhookSecret } from '@/lib/secrets/webhook-secrets';
import { parseOrThrow } from '@/lib/zod-fields';
import { attemptDelivery, claimedUntil } from './deliver';
import { PING_EVENT } from './event-names';
import type { WebhookPayload } from './events';
import { NOT_SENT_DISABLED } from './failing';
import { ZCreateWebhook, ZUpdateWebhook } from './fields';
import { deliveryView, manageableWebhook, webhookView } from './queries';
import { newWebhookSecret } from './signature';
import type { DeliveryView, WebhookView } from './views';

/** Enough for every receiver a lab runs; more is likely a script gone wrong. */
export const MAX_WEBHOOKS_PER_ORGANIZATION = 20;

export async function createWebhook(db: Database, actor: Actor, organizationId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<{ webhook: WebhookView; secret: string }> {
  authorize(actor, 'manageTokens', organizationId, 'organization');
  const input = parseOrThrow(ZCreateWebhook, raw);
  const [{ value: existing } = { value: 0 }] = await db.select({ value: count() }).from(webhooks).where(eq(webhooks.organizationId, organizationId));
  if (existing >= MAX_WEBHOOKS_PER_ORGANIZATION) throw new AppError('CONFLICT', `An organization has at most ${MAX_WEBHOOKS_PER_ORGANIZATION} webhooks; remove one first`);
  const id = randomUUID();
  const secret = newWebhookSecret();
  const [row] = await db
    .insert(webhooks)
    .values({ id, organizationId, url: input.url, events: input.events, description: input.description ?? null, secret: sealWebhookSecret(id, secret), createdBy: actor.userId })
    .returning();
  await audit(db, actor, row!, 'webhook.create', meta, { url: input.url, events: input.events, description: input.description ?? null });
  return { webhook: webhookView(row!), secret };
}

/** Changes url, events, description or enabled. Enabling a disabled webhook clears why it was disabled; disabling drops what waits to be sent. */
export async function updateWebhook(db: Database, actor: Actor, webhookId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<WebhookView> {
  const webhook = await manageableWebhook(db, actor, webhookId);
  const input = parseOrThrow(ZUpdateWebhook, raw);
  if (!Object.keys(input).length) throw invalidInput({ body: 'give at least one of url, events, description, enabled' });
  const now = new Date();
  const change: Partial<typeof webhooks.$inferInsert> = { updatedAt: now };
  if (input.url !== undefined) change.url = input.url;
  if (input.events !== undefined) change.events = input.events;
  if (input.description !== undefined) change.description = input.description;
  // A new receiver starts with a clean record.
  if (input.url !== undefined && input.url !== webhook.url) change.failingSince = null;
  if (input.enabled === true && !webhook.enabled) Object.assign(change, { enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
  if (input.enabled === false && webhook.enabled) Object.assign(change, { enabled: false, disabledAt: now, disabledReason: `disabled by ${actor.email}` });
  const row = await db.transaction(async (tx) => {
    const [updated] = await tx.update(webhooks).set(change).where(eq(webhooks.id, webhook.id)).returning();
    if (change.enabled === false) {
      await tx
        .update(webhookDeliveries)
        .set({ state: 'failed', error: NOT_SENT_DISABLED })
        .where(and(eq(webhookDeliveries.webhookId, webhook.id), eq(webhookDeliveries.state, 'pending')));
    }
    return updated!;
  });
  await audit(db, actor, row, 'webhook.update', meta, { url: row.url, changes: input });
  return webhookView(row);
}

/** Removes the webhook and its deliveries. */
export async function deleteWebhook(db: Database, actor: Actor, webhookId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  const webhook = await manageableWebhook(db, actor, webhookId);
  await db.delete(webhooks).where(eq(webhooks.id, webhook.id));
  await audit(db, actor, webhook, 'webhook.delete', meta, { url: webhook.url });
}

/** Sends a `ping` now (once, no retries, also to a disabled webhook) and answers how it went. */
export async function testWebhook(db: Database, actor: Actor, webhookId: string, meta: RequestMeta = { ip: null }): Promise<DeliveryView> {
  const webhook = await manageableWebhook(db, actor, webhookId);
  const now = new Date();
  const id = randomUUID();
  const payload: WebhookPayload = {
    id,
    event: PING_EVENT,
    occurredAt: now.toISOString(),
    organizationId: webhook.organizationId,
    data: { webhook: { id: webhook.id, url: webhook.url, events: webhook.events }, sentBy: actor.email, message: 'OCS Portal webhook test' },
  };
  // Held from the start, so the sweep does not send it too.
  const [held] = await db
    .insert(webhookDeliveries)
    .values({ id, webhookId: webhook.id, event: PING_EVENT, payload: payload as unknown as Record<string, unknown>, nextAttemptAt: claimedUntil(now), createdAt: now })
    .returning();
  const delivery = await attemptDelivery(db, held!, now);
  if (!delivery) throw new AppError('NOT_FOUND', 'No such webhook');
  await audit(db, actor, webhook, 'webhook.test', meta, { url: webhook.url, delivery: id, state: delivery.state, responseStatus: delivery.responseStatus, error: delivery.error });
  return deliveryView(delivery);
}

function audit(db: Database, actor: Actor, webhook: Webhook, action: string, meta: RequestMeta, details: Record<string, unknown>): Promise<void> {
  return recordAudit(db, { actor, organizationId: webhook.organizationId, action, targetType: 'webhook', targetId: webhook.id, ipAddress: meta.ip, outcome: 'success', details });
}
