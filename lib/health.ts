import { Redis } from 'ioredis';
import { pool } from '@/lib/db/client';
import { env } from '@/lib/env';

export interface Health {
  ok: boolean;
  /** The services that cannot be reached, by name. */
  down: ('postgres' | 'redis')[];
  postgres: { ok: boolean; error?: string };
  redis: { ok: boolean; error?: string };
}

async function probe(fn: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await fn();
    return { ok: true };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

async function pingRedis(): Promise<void> {
  const client = new Redis(env().REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, enableOfflineQueue: false, retryStrategy: () => null });
  client.on('error', () => {}); // the failed connect() below reports it
  try {
    await client.connect();
    await client.ping();
  } finally {
    client.disconnect();
  }
}

/** Whether the portal can reach the two services it depends on. */
export async function checkHealth(): Promise<Health> {
  const [postgres, redis] = await Promise.all([probe(() => pool().query('select 1')), probe(pingRedis)]);
  const down = [...(postgres.ok ? [] : ['postgres' as const]), ...(redis.ok ? [] : ['redis' as const])];
  return { ok: down.length === 0, down, postgres, redis };
}
