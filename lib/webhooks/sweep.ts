// The scheduled webhooks.sweep: queues a webhooks.deliver job for every delivery that is due (new,
// or waiting out its backoff). Deliveries are rows first, so jobs Redis lost are queued again here.
import { and, asc, eq, lte } from 'drizzle-orm';
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
