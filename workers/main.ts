import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { markBuildFailed } from '@/lib/builds/state';
import { closeDb, db } from '@/lib/db/client';
import { safeErrorMessage } from '@/lib/errors';
import { env } from '@/lib/env';
import { QUEUE_NAME } from '@/lib/jobs/definitions';
import { closeQueue, scheduleNodeChecks } from '@/lib/jobs/queue';
import { processJob } from './processors';

// A provisioning worker process. Start as many as you like, on as many machines as share one
// Redis and one PostgreSQL; each takes WORKER_CONCURRENCY jobs at a time.
const config = env();
const connection = new Redis(config.REDIS_URL, { maxRetriesPerRequest: null });
const worker = new Worker(QUEUE_NAME, processJob, {
  connection,
  prefix: config.OCS_QUEUE_PREFIX,
  concurrency: config.WORKER_CONCURRENCY,
  // A worker that dies holding a job loses it after lockDuration; another worker then resumes it.
  lockDuration: config.WORKER_LOCK_MS,
  stalledInterval: config.WORKER_LOCK_MS,
  maxStalledCount: 3,
});

worker.on('ready', () => console.log(`[worker ${process.pid}] ready: queue ${QUEUE_NAME}, concurrency ${config.WORKER_CONCURRENCY}`));
await scheduleNodeChecks();
// Scheduled checks are too frequent to log; builds and deletions are not.
const quiet = (name: string | undefined) => name === 'nodes.check';
worker.on('active', (job) => !quiet(job.name) && console.log(`[worker ${process.pid}] ${job.name} ${job.id} started (attempt ${job.attemptsMade + 1})`));
worker.on('completed', (job) => !quiet(job.name) && console.log(`[worker ${process.pid}] ${job.name} ${job.id} done`));
worker.on('failed', (job, err) => {
  console.error(`[worker ${process.pid}] ${job?.name} ${job?.id} failed: ${safeErrorMessage(err)}`);
  // BullMQ fails a job that stalled too often without running it again: end its build visibly.
  if (job?.name === 'build.run' && job.attemptsMade >= (job.opts.attempts ?? 1))
    void markBuildFailed(db(), (job.data as { buildId: string }).buildId, `the job failed for good: ${safeErrorMessage(err)}`).catch(() => {});
});
worker.on('error', (err) => console.error(`[worker ${process.pid}] ${err.message}`));

async function shutdown(signal: string) {
  console.log(`[worker ${process.pid}] ${signal}: finishing current jobs`);
  await worker.close();
  await closeQueue();
  await connection.quit().catch(() => {});
  await closeDb();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
