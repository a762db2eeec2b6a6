import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { env } from '@/lib/env';
import { JOB_ATTEMPTS, JOBS, NODE_CHECK_EVERY_MS, QUEUE_NAME, jobId, type JobName, type JobPayload } from './definitions';

const cache = globalThis as unknown as { __ocsQueue?: Queue; __ocsQueueRedis?: Redis };

function queue(): Queue {
  // Commands wait while the connection is first made (many requests may arrive at once), but
  // fail after one reconnection attempt when Redis is down, instead of hanging the request.
  cache.__ocsQueue ??= new Queue(QUEUE_NAME, {
    prefix: env().OCS_QUEUE_PREFIX,
    connection: (cache.__ocsQueueRedis = new Redis(env().REDIS_URL, { maxRetriesPerRequest: 1 })),
    defaultJobOptions: {
      attempts: JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: 2000 },
      removeOnComplete: { age: 24 * 3600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
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

/** One schedule for the whole pool, however many workers start: BullMQ keeps a single scheduler per id. */
export async function scheduleNodeChecks(): Promise<void> {
  await queue().upsertJobScheduler('nodes-check', { every: NODE_CHECK_EVERY_MS }, { name: 'nodes.check', data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } });
}

export async function closeQueue(): Promise<void> {
  const q = cache.__ocsQueue;
  const redis = cache.__ocsQueueRedis;
  cache.__ocsQueue = undefined;
  cache.__ocsQueueRedis = undefined;
  await q?.close();
  // BullMQ leaves a connection it was given open; it is ours to close.
  await redis?.quit().catch(() => {});
}
