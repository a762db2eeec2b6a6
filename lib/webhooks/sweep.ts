// The scheduled webhooks.sweep: queues a webhooks.deliver job for every delivery that is due (new,
// or waiting out its backoff). Deliveries are rows first, so jobs Redis lost are queued again here.
// It also drops finished deliveries past keeping, so the table does not grow for ever.
import { and, asc, eq, inArray, lt, lte, ne } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { webhookDeliveries } from '@/lib/db/schema';
import { enqueue } from '@/lib/jobs/queue';

/** At most this many per round: a backlog is worked off over the next rounds, oldest first. */
const BATCH = 500;

export async function dueDeliveries(db: Database, now: Date = new Date()): Promise<string[]> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.state, 'pending'), lte(webhookDeliveries.nextAttemptAt, now)))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(BATCH);
  return rows.map((r) => r.id);
}

/** Queues the due deliveries (one job id per delivery, so a job still waiting is not doubled); how many. */
export async function queueDueDeliveries(db: Database, now: Date = new Date()): Promise<number> {
  const due = await dueDeliveries(db, now);
  for (const deliveryId of due) await enqueue('webhooks.deliver', { deliveryId });
  return due.length;
}

/** Finished deliveries (succeeded or failed) are listed with their answers this long, then dropped. */
export const DELIVERY_KEEP_DAYS = 30;
/** At most this many per round, so one round stays short; a backlog goes over the next rounds. */
const PRUNE_BATCH = 5000;

/** Drops finished deliveries older than DELIVERY_KEEP_DAYS; pending ones are kept whatever their age. How many. */
export async function pruneDeliveries(db: Database, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - DELIVERY_KEEP_DAYS * 24 * 3600_000);
  const old = db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(ne(webhookDeliveries.state, 'pending'), lt(webhookDeliveries.createdAt, before)))
    .limit(PRUNE_BATCH);
  const dropped = await db.delete(webhookDeliveries).where(inArray(webhookDeliveries.id, old)).returning({ id: webhookDeliveries.id });
  return dropped.length;
}
