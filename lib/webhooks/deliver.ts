// One attempt at a delivery (the webhooks.deliver job): claimed in PostgreSQL so one worker sends
// it at a time, sent, and its outcome recorded. A failure is tried again later with exponential
// backoff and jitter (the sweep queues it when due), up to MAX_ATTEMPTS; the clock is a parameter
// so a test can let a day pass.
import { and, eq, lte } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { webhookDeliveries, webhooks, type WebhookDelivery } from '@/lib/db/schema';
import { safeErrorMessage } from '@/lib/errors';
import { openWebhookSecret } from '@/lib/secrets/webhook-secrets';
import { PING_EVENT } from './event-names';
import type { WebhookPayload } from './events';
import { NOT_SENT_DISABLED, noteOutcome } from './failing';
import { SEND_TIMEOUT_MS, sendDelivery, type SendResult } from './send';

/** Waits after the 1st, 2nd, … failed attempt: the 8th attempt comes a little over a day after the first. */
export const BACKOFF_MS = [30_000, 2 * 60_000, 10 * 60_000, 60 * 60_000, 4 * 3600_000, 8 * 3600_000, 12 * 3600_000] as const;
export const MAX_ATTEMPTS = BACKOFF_MS.length + 1;
/** Up to this share is added to each wait, so receivers back from an outage are not hit by every retry at once. */
export const JITTER = 0.2;
/** While an attempt runs its delivery is not due: a worker that dies mid-send leaves it to the sweep after this. */
const CLAIM_MS = SEND_TIMEOUT_MS + 50_000;

/** The wait after the `attempts`-th failed attempt. */
export function backoffMs(attempts: number): number {
  const base = BACKOFF_MS[Math.min(attempts, BACKOFF_MS.length) - 1]!;
  return Math.round(base * (1 + Math.random() * JITTER));
}

/** When a delivery claimed at `now` is due again if its attempt never ends. */
export const claimedUntil = (now: Date) => new Date(now.getTime() + CLAIM_MS);

/** Sends the delivery if it is due and pending; the delivery as it then is, or null when there was nothing to do. */
export async function deliverWebhook(db: Database, deliveryId: string, now: Date = new Date()): Promise<WebhookDelivery | null> {
  const [claimed] = await db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: claimedUntil(now) })
    .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.state, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
    .returning();
  return claimed ? attemptDelivery(db, claimed, now) : null;
}

/** Sends a delivery this process holds (claimed, or inserted with nextAttemptAt at claimedUntil) and records the outcome. */
export async function attemptDelivery(db: Database, claimed: WebhookDelivery, now: Date): Promise<WebhookDelivery | null> {
  const webhook = await db.query.webhooks.findFirst({ where: eq(webhooks.id, claimed.webhookId) });
  if (!webhook) return null;
  const isPing = claimed.event === PING_EVENT;
  // A ping tests the receiver, also before a disabled webhook is enabled again.
  if (!webhook.enabled && !isPing) {
    const [dropped] = await db.update(webhookDeliveries).set({ state: 'failed', nextAttemptAt: now, error: NOT_SENT_DISABLED }).where(eq(webhookDeliveries.id, claimed.id)).returning();
    return dropped ?? null;
  }

  // jsonb keeps keys in its own order: the body puts them back in the documented one.
  const { id, event, occurredAt, organizationId, data } = claimed.payload as unknown as WebhookPayload;
  let result: SendResult;
  try {
    result = await sendDelivery({
      url: webhook.url,
      secret: openWebhookSecret(webhook.id, webhook.secret),
      event: claimed.event,
      deliveryId: claimed.id,
      body: JSON.stringify({ id, event, occurredAt, organizationId, data }),
      timestamp: Math.floor(now.getTime() / 1000),
    });
  } catch (e) {
    // An unreadable secret (a key dropped too early) fails the attempt like a receiver that is down.
    result = { ok: false, status: null, body: null, error: safeErrorMessage(e) };
  }
  const attempts = claimed.attempts + 1;
  const recorded = await record(db, claimed, result, now, isPing || attempts >= MAX_ATTEMPTS);
  // A ping says nothing about the events' deliveries: it neither clears nor starts a failing day.
  if (!isPing) await noteOutcome(db, webhook, result, now);
  return recorded;
}

/** The delivery as recorded; null when its webhook was removed meanwhile (its deliveries with it). */
async function record(db: Database, delivery: WebhookDelivery, result: SendResult, now: Date, lastTry: boolean): Promise<WebhookDelivery | null> {
  const attempts = delivery.attempts + 1;
  const state = result.ok ? 'succeeded' : lastTry ? 'failed' : 'pending';
  const [row] = await db
    .update(webhookDeliveries)
    .set({
      state,
      attempts,
      lastAttemptAt: now,
      nextAttemptAt: state === 'pending' ? new Date(now.getTime() + backoffMs(attempts)) : now,
      responseStatus: result.status,
      responseBody: result.body,
      error: result.error,
    })
    .where(eq(webhookDeliveries.id, delivery.id))
    .returning();
  return row ?? null;
}
