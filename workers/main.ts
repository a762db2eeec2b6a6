import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { closeDb, db } from '@/lib/db/client';
import { safeErrorMessage } from '@/lib/errors';
import { env } from '@/lib/env';
import { QUEUE_NAME } from '@/lib/jobs/definitions';
import { reconcileQueue } from '@/lib/jobs/reconcile';
import { closeQueue, scheduleRepeatableJobs } from '@/lib/jobs/queue';
import { exitOnUnhandledErrors } from '@/lib/process-guards';
import { reencryptSecrets, unreadableRecord } from '@/lib/secrets/reencrypt';
import { logReconciled, processJob } from './processors';

// A provisioning worker process. Start as many as you like, on as many machines as share one
// Redis and one PostgreSQL; each takes WORKER_CONCURRENCY jobs at a time.
const config = env();
const tag = `[worker ${process.pid}]`;

exitOnUnhandledErrors(tag);

const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
let redisDown = false;
connection.on('error', (e) => {
  if (!redisDown) console.error(`${tag} Redis unreachable (${e.message}); waiting for it`);
  redisDown = true;
});
connection.on('ready', () => {
  if (redisDown) {
    console.log(`${tag} Redis is back`);
    redisDown = false;
    // A restarted Redis may have lost everything: put the schedules back and queue lost work now.
    void recover();
  }
});

const worker = new Worker(QUEUE_NAME, processJob, {
  connection,
  prefix: config.OCS_QUEUE_PREFIX,
  concurrency: config.WORKER_CONCURRENCY,
  // A worker that dies holding a job loses it after lockDuration; another worker then resumes it.
  lockDuration: config.WORKER_LOCK_MS,
  stalledInterval: config.WORKER_LOCK_MS,
  maxStalledCount: 3,
});

worker.on('ready', () => console.log(`${tag} ready: queue ${QUEUE_NAME}, concurrency ${config.WORKER_CONCURRENCY}`));
// Scheduled jobs are too frequent to log; builds and deletions are not.
const quiet = (name: string | undefined) => name === 'nodes.check' || name === 'queue.reconcile' || name === 'leaks.sweep' || name === 'burst.scan' || name === 'alerts.scan' || name === 'expiry.scan' || name === 'schedules.scan' || name === 'metrics.rollup' || name === 'webhooks.sweep' || name === 'webhooks.deliver';
worker.on('active', (job) => !quiet(job.name) && console.log(`${tag} ${job.name} ${job.id} started (attempt ${job.attemptsMade + 1})`));
worker.on('completed', (job) => !quiet(job.name) && console.log(`${tag} ${job.name} ${job.id} done`));
// A build's end is decided where it runs (processors.ts, runBuild). A job BullMQ failed because its
// workers kept dying leaves its build RUNNING: the reconciler queues it again, and runBuild fails
// a step that was started too often.
worker.on('failed', (job, err) => !quiet(job?.name) && console.error(`${tag} ${job?.name} ${job?.id} failed: ${safeErrorMessage(err)}`));
worker.on('error', (err) => console.error(`${tag} ${safeErrorMessage(err)}`));

/** Restores the schedules and queues whatever PostgreSQL says is unfinished; harmless to repeat. */
async function recover(): Promise<void> {
  try {
    await scheduleRepeatableJobs();
    logReconciled(await reconcileQueue(db()));
  } catch (e) {
    console.error(`${tag} reconcile failed (will try again): ${safeErrorMessage(e)}`);
  }
}

await recover();
// Secrets stored under an older key (or before encryption) are sealed with the current key.
await reencryptSecrets(db()).then(
  ({ resealed, unreadable }) => {
    if (resealed) console.log(`${tag} re-encrypted ${resealed} stored secret(s) (builds, organization SSH keys) with the current key`);
    for (const u of unreadable) console.error(`${tag} secrets of ${unreadableRecord(u)} cannot be read: ${u.reason}`);
  },
  (e: unknown) => console.error(`${tag} could not re-encrypt secrets (will try at next start): ${safeErrorMessage(e)}`),
);
// Schedules live in Redis; a flush (without a reconnect to notice) loses them, so put them back now and then.
const keepSchedules = setInterval(() => void scheduleRepeatableJobs().catch(() => {}), Math.max(config.OCS_RECONCILE_MS, 5000));

async function shutdown(signal: string) {
  console.log(`${tag} ${signal}: finishing current jobs`);
  clearInterval(keepSchedules);
  await worker.close();
  await closeQueue();
  await connection.quit().catch(() => {});
  await closeDb();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
