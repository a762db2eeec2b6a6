// The reads behind GET /api/v1/organizations/:id/webhooks, /webhooks/:id and
// /webhooks/:id/deliveries, and rows → the API's views (lib/webhooks/views.ts) field by field.
import { and, eq } from 'drizzle-orm';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { webhookDeliveries, webhooks, type Webhook, type WebhookDelivery } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { DeliveryView, WebhookView } from './views';

export function webhookView(w: Webhook): WebhookView {
  return {
    id: w.id,
    organizationId: w.organizationId,
    url: w.url,
    events: w.events,
    description: w.description,
    state: !w.enabled ? 'disabled' : w.failingSince ? 'failing' : 'active',
    enabled: w.enabled,
    failingSince: w.failingSince,
    disabledAt: w.disabledAt,
    disabledReason: w.disabledReason,
    createdBy: w.createdBy,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
  };
}

export function deliveryView(d: WebhookDelivery): DeliveryView {
  return {
    id: d.id,
    webhookId: d.webhookId,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt : null,
    lastAttemptAt: d.lastAttemptAt,
    responseStatus: d.responseStatus,
    responseBody: d.responseBody,
    error: d.error,
    payload: d.payload,
    createdAt: d.createdAt,
  };
}

/**
 * The webhook, if the actor may manage its organization's webhooks. Their URLs can carry a
 * receiver's credential (chat services put it in the path), so reading them is for admins and
 * owners too; someone who may not read the organization is told "not found".
 */
export async function manageableWebhook(db: Database, actor: Actor, webhookId: string): Promise<Webhook> {
  const webhook = await db.query.webhooks.findFirst({ where: eq(webhooks.id, webhookId) });
  if (!webhook) throw new AppError('NOT_FOUND', 'No such webhook');
  authorize(actor, 'manageTokens', webhook.organizationId, 'webhook');
  return webhook;
}

/** The organization's webhooks, newest first, a page at a time. */
export async function listWebhooks(db: Database, actor: Actor, organizationId: string, page: PageQuery = { limit: 50 }): Promise<{ webhooks: WebhookView[]; nextCursor: string | null }> {
  authorize(actor, 'manageTokens', organizationId, 'organization');
  const keyset = { sort: webhooks.createdAt, id: webhooks.id };
  const rows = await db
    .select({ webhook: webhooks, id: webhooks.id, cursor: cursorColumn(keyset) })
    .from(webhooks)
    .where(and(eq(webhooks.organizationId, organizationId), afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { webhooks: items.map((r) => webhookView(r.webhook)), nextCursor };
}

export async function getWebhook(db: Database, actor: Actor, webhookId: string): Promise<WebhookView> {
  return webhookView(await manageableWebhook(db, actor, webhookId));
}

/** The webhook's deliveries, newest first with the receiver's answers, a page at a time. */
export async function listDeliveries(db: Database, actor: Actor, webhookId: string, page: PageQuery = { limit: 50 }): Promise<{ deliveries: DeliveryView[]; nextCursor: string | null }> {
  const webhook = await manageableWebhook(db, actor, webhookId);
  const keyset = { sort: webhookDeliveries.createdAt, id: webhookDeliveries.id };
  const rows = await db
    .select({ delivery: webhookDeliveries, id: webhookDeliveries.id, cursor: cursorColumn(keyset) })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhook.id), afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { deliveries: items.map((r) => deliveryView(r.delivery)), nextCursor };
}
