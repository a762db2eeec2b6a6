import { Redis } from 'ioredis';
import { pool } from '@/lib/db/client';
import { env } from '@/lib/env';

export interface Health {
  ok: boolean;
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

/** Whether the portal can reach the two services it depends on. */
export async function checkHealth(): Promise<Health> {
  const postgres = await probe(() => pool().query('select 1'));
  const redis = await probe(async () => {
    const client = new Redis(env().REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, enableOfflineQueue: false });
    try {
      await client.connect();
      await client.ping();
    } finally {
      client.disconnect();
    }
  });
  return { ok: postgres.ok && redis.ok, postgres, redis };
}
