// How an event becomes deliveries: a row per enabled webhook of the organization that wants it,
// written in the caller's transaction (so an event is recorded exactly when what it reports is),
// then sent by the webhooks.deliver job.
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/lib/db/client';
import { webhookDeliveries, webhooks } from '@/lib/db/schema';
import type { PING_EVENT, WebhookEvent } from './event-names';

/** What the receiver gets as the JSON body. `data` holds only what members may see: no secrets, agent URLs or provider resource ids. */
export interface WebhookPayload {
  /** The delivery's id, also sent as X-OCS-Delivery: the same on every retry, so receivers can drop repeats. */
  id: string;
  event: WebhookEvent | typeof PING_EVENT;
  occurredAt: string;
  organizationId: string;
  data: Record<string, unknown>;
}

export interface OccurredEvent {
  organizationId: string;
  event: WebhookEvent;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** Records a delivery for each enabled webhook of the organization that wants the event; their ids. */
export async function recordEvent(db: Database | Transaction, occurred: OccurredEvent, now: Date = new Date()): Promise<string[]> {
  const targets = await db
    .select({ id: webhooks.id })
    .from(webhooks)
    .where(and(eq(webhooks.organizationId, occurred.organizationId), eq(webhooks.enabled, true), sql`(cardinality(${webhooks.events}) = 0 or ${occurred.event} = any(${webhooks.events}))`));
  if (!targets.length) return [];
  const rows = targets.map(({ id: webhookId }) => {
    const id = randomUUID();
    const payload: WebhookPayload = { id, event: occurred.event, occurredAt: occurred.occurredAt.toISOString(), organizationId: occurred.organizationId, data: occurred.data };
    return { id, webhookId, event: occurred.event, payload: payload as unknown as Record<string, unknown>, nextAttemptAt: now, createdAt: now };
  });
  await db.insert(webhookDeliveries).values(rows);
  return rows.map((r) => r.id);
}
