import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { env } from '@/lib/env';
import { safeErrorMessage } from '@/lib/errors';
import { ALERTS_SCAN_EVERY_MS, BURST_SCAN_EVERY_MS, EXPIRY_SCAN_EVERY_MS, JOB_ATTEMPTS, METRICS_ROLLUP_EVERY_MS, JOBS, NODE_CHECK_EVERY_MS, QUEUE_NAME, SCHEDULES_SCAN_EVERY_MS, WEBHOOKS_SWEEP_EVERY_MS, LEAK_SWEEP_JOB_ID, RECONCILE_JOB_ID, jobId, type JobName, type JobPayload } from './definitions';

/** How long a request waits for Redis to take work it has recorded. */
const ENQUEUE_WAIT_MS = 3000;

const cache = globalThis as unknown as { __ocsQueue?: Queue; __ocsQueueRedis?: Redis };

/** States in which a job will still run (or is running): anything else means the work is not queued. */
const LIVE_STATES = ['active', 'waiting', 'delayed', 'prioritized', 'waiting-children'] as const;

function queue(): Queue {
  if (!cache.__ocsQueue) {
    // Commands wait while the connection is first made (many requests may arrive at once), but
    // fail after one reconnection attempt when Redis is down, instead of hanging the request.
    const connection = new Redis(env().REDIS_URL, { maxRetriesPerRequest: 1 });
    const q = new Queue(QUEUE_NAME, {
      prefix: env().OCS_QUEUE_PREFIX,
      connection,
      defaultJobOptions: {
        attempts: JOB_ATTEMPTS,
        backoff: { type: 'exponential', delay: 2000 },
        removeOnComplete: { age: 24 * 3600, count: 1000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    });
    // Redis going away is reported by the failing command; an unheard 'error' event would crash the process.
    let reported = false;
    q.on('error', (e) => {
      if (!reported) console.error(`[queue] Redis unreachable: ${safeErrorMessage(e)}`);
      reported = true;
    });
    connection.on('ready', () => (reported = false));
    cache.__ocsQueue = q;
    cache.__ocsQueueRedis = connection;
  }
  return cache.__ocsQueue;
}

export async function enqueue<N extends JobName>(name: N, payload: JobPayload<N>): Promise<void> {
  const data = JOBS[name].parse(payload);
  const id = jobId(name, payload);
  // A finished job keeps its id for a while; asking again means "do it again" (jobs are idempotent).
  const previous = await queue().getJob(id);
  if (previous && ((await previous.isCompleted()) || (await previous.isFailed()))) await previous.remove();
  await queue().add(name, data, { jobId: id });
}

/** The build log line when Redis could not take a recorded build at once. */
export const QUEUE_DELAYED = 'the job queue is unreachable right now; the build is recorded and will be queued as soon as it is back';

/**
 * Queues work whose record is already committed. When Redis cannot take it now, the request
 * still succeeds: the reconciler finds the record and queues it once Redis is back.
 */
export async function enqueueAfterCommit<N extends JobName>(name: N, payload: JobPayload<N>): Promise<boolean> {
  try {
    // A queue that never reached Redis waits for it without end: the request does not.
    await Promise.race([enqueue(name, payload), sleep(ENQUEUE_WAIT_MS, undefined, { ref: false }).then(() => Promise.reject(new Error(`Redis did not answer within ${ENQUEUE_WAIT_MS / 1000}s`)))]);
    return true;
  } catch (e) {
    console.warn(`[queue] ${jobId(name, payload)} not queued yet (${safeErrorMessage(e)}); the reconciler will queue it`);
    return false;
  }
}

/** The ids of every job that will still run (or runs now), read in one pass over the queue's lists. */
export async function liveJobIds(): Promise<Set<string>> {
  return new Set(await queue().getRanges([...LIVE_STATES], 0, -1));
}

/** Whether the job with this id will still run, and when it last failed for good (if it did). */
export async function jobStatus<N extends JobName>(name: N, payload: JobPayload<N>): Promise<{ live: boolean; failedAt?: number }> {
  const job = await queue().getJob(jobId(name, payload));
  if (!job) return { live: false };
  const state = await job.getState();
  return { live: (LIVE_STATES as readonly string[]).includes(state), failedAt: state === 'failed' ? job.finishedOn : undefined };
}

/**
 * The pool's repeatable jobs. BullMQ keeps one scheduler per id however many workers call this,
 * and calling it again restores them after Redis lost its data.
 */
export async function scheduleRepeatableJobs(): Promise<void> {
  const opts = { attempts: 1, removeOnComplete: true, removeOnFail: 100 };
  await queue().upsertJobScheduler('nodes-check', { every: NODE_CHECK_EVERY_MS }, { name: 'nodes.check', data: {}, opts });
  await queue().upsertJobScheduler(RECONCILE_JOB_ID, { every: env().OCS_RECONCILE_MS }, { name: 'queue.reconcile', data: {}, opts });
  await queue().upsertJobScheduler('alerts-scan', { every: ALERTS_SCAN_EVERY_MS }, { name: 'alerts.scan', data: {}, opts });
  await queue().upsertJobScheduler('metrics-rollup', { every: METRICS_ROLLUP_EVERY_MS }, { name: 'metrics.rollup', data: {}, opts });
  await queue().upsertJobScheduler('burst-scan', { every: BURST_SCAN_EVERY_MS }, { name: 'burst.scan', data: {}, opts });
  await queue().upsertJobScheduler('expiry-scan', { every: EXPIRY_SCAN_EVERY_MS }, { name: 'expiry.scan', data: {}, opts });
  await queue().upsertJobScheduler('schedules-scan', { every: SCHEDULES_SCAN_EVERY_MS }, { name: 'schedules.scan', data: {}, opts });
  await queue().upsertJobScheduler('webhooks-sweep', { every: WEBHOOKS_SWEEP_EVERY_MS }, { name: 'webhooks.sweep', data: {}, opts });
  await queue().upsertJobScheduler(LEAK_SWEEP_JOB_ID, { every: env().OCS_LEAK_SWEEP_MINUTES * 60_000 }, { name: 'leaks.sweep', data: {}, opts });
}

export async function closeQueue(): Promise<void> {
  const q = cache.__ocsQueue;
  const redis = cache.__ocsQueueRedis;
  cache.__ocsQueue = undefined;
  cache.__ocsQueueRedis = undefined;
  await q?.close().catch(() => {});
  // BullMQ leaves a connection it was given open; it is ours to close.
  await redis?.quit().catch(() => {});
}
