// Webhooks and their deliveries as the API shows them (never the secret), and the reads behind
// GET /api/v1/organizations/:id/webhooks, /webhooks/:id and /webhooks/:id/deliveries.
import { and, desc, eq, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { webhookDeliveries, webhooks, type Webhook, type WebhookDelivery } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';

export const ZWebhookView = z.object({
  id: z.uuid(),
  organizationId: z.uuid(),
  url: z.string(),
  /** Empty: every event. */
  events: z.array(z.string()),
  description: z.string().nullable(),
  /** active; failing (deliveries have failed since failingSince, and it is disabled a day after that); disabled. */
  state: z.enum(['active', 'failing', 'disabled']),
  enabled: z.boolean(),
  failingSince: z.iso.datetime().nullable(),
  disabledAt: z.iso.datetime().nullable(),
  disabledReason: z.string().nullable(),
  createdBy: z.uuid(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WebhookView = z.infer<typeof ZWebhookView>;

export const ZDeliveryView = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  event: z.string(),
  state: z.enum(['pending', 'succeeded', 'failed']),
  attempts: z.number().int(),
  /** When it is tried next (pending only). */
  nextAttemptAt: z.iso.datetime().nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  responseStatus: z.number().int().nullable(),
  /** The first 2 KB of the receiver's answer. */
  responseBody: z.string().nullable(),
  error: z.string().nullable(),
  payload: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
});
export type DeliveryView = z.infer<typeof ZDeliveryView>;

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function webhookView(w: Webhook): WebhookView {
  return {
    id: w.id,
    organizationId: w.organizationId,
    url: w.url,
    events: w.events,
    description: w.description,
    state: !w.enabled ? 'disabled' : w.failingSince ? 'failing' : 'active',
    enabled: w.enabled,
    failingSince: iso(w.failingSince),
    disabledAt: iso(w.disabledAt),
    disabledReason: w.disabledReason,
    createdBy: w.createdBy,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

export function deliveryView(d: WebhookDelivery): DeliveryView {
  return {
    id: d.id,
    webhookId: d.webhookId,
    event: d.event,
    state: d.state,
    attempts: d.attempts,
    nextAttemptAt: d.state === 'pending' ? d.nextAttemptAt.toISOString() : null,
    lastAttemptAt: iso(d.lastAttemptAt),
    responseStatus: d.responseStatus,
    responseBody: d.responseBody,
    error: d.error,
    payload: d.payload,
    createdAt: d.createdAt.toISOString(),
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

export async function listWebhooks(db: Database, actor: Actor, organizationId: string): Promise<WebhookView[]> {
  authorize(actor, 'manageTokens', organizationId, 'organization');
  const rows = await db.select().from(webhooks).where(eq(webhooks.organizationId, organizationId)).orderBy(desc(webhooks.createdAt));
  return rows.map(webhookView);
}

export async function getWebhook(db: Database, actor: Actor, webhookId: string): Promise<WebhookView> {
  return webhookView(await manageableWebhook(db, actor, webhookId));
}

const ZDeliveryQuery = z.object({
  limit: z.coerce.number({ error: 'must be a whole number from 1 to 100' }).int('must be a whole number from 1 to 100').min(1, 'must be at least 1').max(100, 'must be at most 100').default(50),
  cursor: z.string().optional(),
});

/** Where the previous page ended: its last delivery's time and id. */
function cursorOf(d: WebhookDelivery): string {
  return Buffer.from(`${d.createdAt.toISOString()}|${d.id}`).toString('base64url');
}

function afterCursor(cursor: string): SQL {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const time = new Date(at ?? '');
  if (Number.isNaN(time.getTime()) || !id || !z.uuid().safeParse(id).success) throw invalidInput({ cursor: 'is not a cursor this list gave' });
  return or(lt(webhookDeliveries.createdAt, time), and(eq(webhookDeliveries.createdAt, time), lt(webhookDeliveries.id, id)))!;
}

/** The webhook's deliveries, newest first, a page at a time (`?limit`, `?cursor` from the previous page's nextCursor). */
export async function listDeliveries(db: Database, actor: Actor, webhookId: string, query: Record<string, string | undefined>): Promise<{ deliveries: DeliveryView[]; nextCursor: string | null }> {
  const webhook = await manageableWebhook(db, actor, webhookId);
  const { limit, cursor } = parseOrThrow(ZDeliveryQuery, query);
  const rows = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.webhookId, webhook.id), cursor ? afterCursor(cursor) : undefined))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  return { deliveries: page.map(deliveryView), nextCursor: rows.length > limit ? cursorOf(page.at(-1)!) : null };
}
