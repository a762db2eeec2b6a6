import { z } from 'zod';

// The one place that reads process.env. Read lazily: the launcher and the test setup set the
// service URLs before anything connects.
const ZEnv = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is not set (npm start sets it, or point it at your PostgreSQL)'),
  REDIS_URL: z.string().min(1, 'REDIS_URL is not set (npm start sets it, or point it at your Redis)'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a worker's hold on a job lasts without renewal; a killed worker's job is taken over after it. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Redis key prefix of the queues, so several installs (or test runs) can share one Redis. */
  OCS_QUEUE_PREFIX: z.string().min(1).default('ocs'),
});

export type Env = z.infer<typeof ZEnv>;

export function env(): Env {
  return ZEnv.parse(process.env);
}
