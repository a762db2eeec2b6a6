import { pool } from '@/lib/db/client';

/**
 * Runs `fn` while holding a PostgreSQL advisory lock for one unit group, so a build and a
 * deletion (or two workers given the same job) never act on its nodes at once. The lock lives
 * on its own connection: if the worker dies, PostgreSQL drops the connection and the lock.
 */
export async function withUnitGroupLock<T>(unitGroupId: string, fn: () => Promise<T>): Promise<T> {
  return (await locked(unitGroupId, true, fn)) as T;
}

/** Like withUnitGroupLock, but returns null at once when someone else holds the lock. */
export async function withUnitGroupLockIfFree<T>(unitGroupId: string, fn: () => Promise<T>): Promise<T | null> {
  return locked(unitGroupId, false, fn);
}

async function locked<T>(unitGroupId: string, wait: boolean, fn: () => Promise<T>): Promise<T | null> {
  const key = `unit-group:${unitGroupId}`;
  const client = await pool().connect();
  try {
    if (wait) await client.query('select pg_advisory_lock(hashtext($1))', [key]);
    else if (!(await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key])).rows[0]?.ok) return null;
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    client.release();
  }
}
