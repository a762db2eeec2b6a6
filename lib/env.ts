import { z } from 'zod';
import { secretKeyProblem } from '@/lib/secrets/cipher';

const KEY_HINT = 'give 32 random bytes in base64 or base64url (openssl rand -base64 32)';

// Names the variable and what is wrong with it, never the key itself.
function keyCheck(variable: string) {
  return (key: string, ctx: z.RefinementCtx) => {
    const problem = secretKeyProblem(key);
    if (problem) ctx.addIssue({ code: 'custom', message: `${variable} ${problem}; ${KEY_HINT}` });
  };
}

// The one place that reads process.env. Read lazily: the launcher and the test setup set the
// service URLs before anything connects.
const ZEnv = z.object({
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is not set (npm start sets it, or point it at your PostgreSQL)'),
  REDIS_URL: z.string().min(1, 'REDIS_URL is not set (npm start sets it, or point it at your Redis)'),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
  /** How long a worker's hold on a job lasts without renewal; a killed worker's job is taken over after it. */
  WORKER_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Connections a process's pool may open; unit group locks use connections of their own. */
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /** How often the reconciler queues again what PostgreSQL says is unfinished (after Redis lost it). */
  OCS_RECONCILE_MS: z.coerce.number().int().min(200).default(15_000),
  /** Redis key prefix of the queues, so several installs (or test runs) can share one Redis. */
  OCS_QUEUE_PREFIX: z.string().min(1).default('ocs'),
  /** The portal's address as nodes' agents reach it (they dial home); defaults to the public URL. */
  OCS_AGENT_PORTAL_URL: z.url().optional(),
  /** The portal's address for the agents of local nodes, on this machine (npm start: its loopback address); defaults to OCS_AGENT_PORTAL_URL. */
  OCS_AGENT_LOCAL_URL: z.url().optional(),
  /** How long an agent's sync waits for news; it is also the heartbeat interval. */
  OCS_AGENT_HEARTBEAT_SECONDS: z.coerce.number().min(0.2).max(300).default(15),
  /** How often agents send metrics: the charts' resolution and the raw table's size (a day of samples per node). */
  OCS_AGENT_METRICS_SECONDS: z.coerce.number().min(1).max(3600).default(60),
  /** A node whose agent has not synced for this long is HOST_ERROR. */
  OCS_AGENT_LIVENESS_SECONDS: z.coerce.number().min(1).max(3600).default(45),
  /** How long a node's one-time bootstrap token stays valid. */
  OCS_AGENT_BOOTSTRAP_TTL_SECONDS: z.coerce.number().int().min(10).default(3600),
  /** The UDP port of the overlay relay (lib/overlay/relay-server.ts) that nodes reach on the portal's host. */
  OCS_RELAY_PORT: z.coerce.number().int().min(1).max(65535).default(51820),
  /** The address the relay process binds its UDP port to. */
  OCS_RELAY_HOST: z.string().min(1).default('0.0.0.0'),
  /** Where nodes reach the relay ("host:port") when it is not on the host agents dial home to. */
  OCS_RELAY_ENDPOINT: z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'OCS_RELAY_ENDPOINT must be host:port').optional(),
  /** How often the leak sweeper lists every cloud account for machines no node accounts for. */
  OCS_LEAK_SWEEP_MINUTES: z.coerce.number().min(0.05).max(1440).default(15),
  /** How long such a machine stays (shown to staff and its organization) before it is removed. */
  OCS_LEAK_GRACE_MINUTES: z.coerce.number().min(0).max(60 * 24 * 30).default(60),
  /** true: leaks are found and shown, never removed. */
  OCS_LEAK_DRY_RUN: z.stringbool({ error: 'OCS_LEAK_DRY_RUN must be true or false' }).default(false),
  /** 32 random bytes in base64 or base64url that seal secrets at rest; npm start makes one in its data folder. */
  OCS_SECRET_KEY: z
    .string({ error: `OCS_SECRET_KEY is not set (npm start makes one; else ${KEY_HINT})` })
    .superRefine(keyCheck('OCS_SECRET_KEY')),
  /** Earlier keys, comma-separated: what they sealed still opens until `npm run secrets:rotate` re-seals it. */
  OCS_SECRET_KEY_PREVIOUS: z
    .string()
    .default('')
    .superRefine((text, ctx) => text.split(',').map((k) => k.trim()).filter(Boolean).forEach((k) => keyCheck('OCS_SECRET_KEY_PREVIOUS')(k, ctx))),
});

export type Env = z.infer<typeof ZEnv>;

/** Where agents dial home: OCS_AGENT_PORTAL_URL, else the portal's public URL; local nodes' agents at OCS_AGENT_LOCAL_URL when set. */
export function agentPortalUrl(provider?: string): string {
  const { OCS_AGENT_PORTAL_URL, OCS_AGENT_LOCAL_URL } = env();
  const url = (provider === 'local' ? OCS_AGENT_LOCAL_URL : undefined) ?? OCS_AGENT_PORTAL_URL ?? process.env.NEXTAUTH_URL ?? 'http://localhost:3000';
  return url.replace(/\/+$/, '');
}

/** What the overlay relay (relay/main.ts) needs: it runs without the database and Redis, maybe on a host of its own. */
export function relayEnv() {
  return ZEnv.pick({ OCS_SECRET_KEY: true, OCS_RELAY_PORT: true, OCS_RELAY_HOST: true }).parse(process.env);
}

export function env(): Env {
  return ZEnv.parse(process.env);
}

/** The portal's address as people open it (links in mails). */
export function publicPortalUrl(): string {
  return (process.env.NEXTAUTH_URL ?? 'http://localhost:3000').replace(/\/+$/, '');
}
