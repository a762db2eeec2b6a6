import pg from 'pg';
import { connectionConfig } from '@/lib/db/client';

/**
 * While held, the lock's connection is checked this often: a connection that died without a word
 * (server host gone, network cut) is noticed within about two intervals, not after TCP's hours.
 */
const HEARTBEAT_MS = 5000;

/** The unit group's lock was lost (its connection dropped): stop before acting without it. */
export class LockLostError extends Error {
  name = 'LockLostError';
}

/** What the holder of a unit group lock can ask while working. */
export interface LockHold {
  /** Aborted when the lock's connection drops: PostgreSQL has released the lock. */
  signal: AbortSignal;
  /** Throws LockLostError once the lock is gone; call it before each change. */
  assertHeld(): void;
}

/**
 * Runs `fn` while holding a PostgreSQL advisory lock for one unit group, so a build and a
 * deletion (or two workers given the same job) never act on its nodes at once. The lock lives
 * on a connection of its own, outside the pool, so running jobs can never use up the pool:
 * if the worker dies, PostgreSQL drops the connection and the lock.
 */
export async function withUnitGroupLock<T>(unitGroupId: string, fn: (hold: LockHold) => Promise<T>): Promise<T> {
  return (await locked(unitGroupId, true, fn)) as T;
}

/** Like withUnitGroupLock, but returns null at once when someone else holds the lock. */
export async function withUnitGroupLockIfFree<T>(unitGroupId: string, fn: (hold: LockHold) => Promise<T>): Promise<T | null> {
  return locked(unitGroupId, false, fn);
}

async function locked<T>(unitGroupId: string, wait: boolean, fn: (hold: LockHold) => Promise<T>): Promise<T | null> {
  const key = `unit-group:${unitGroupId}`;
  const lost = new AbortController();
  const client = new pg.Client({ ...connectionConfig(), keepAliveInitialDelayMillis: HEARTBEAT_MS });
  // A dropped connection (server restart, network) must not crash the process; it means the lock is gone.
  client.on('error', (e) => lost.abort(new LockLostError(`the lock on unit group ${unitGroupId} was lost: ${e.message}`)));
  client.on('end', () => lost.abort(new LockLostError(`the lock on unit group ${unitGroupId} was lost: its connection closed`)));
  await client.connect();
  let acquired = false;
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    if (wait) await client.query('select pg_advisory_lock(hashtext($1))', [key]);
    else if (!(await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [key])).rows[0]?.ok) return null;
    acquired = true;
    const gone = (why: string) => {
      lost.abort(new LockLostError(`the lock on unit group ${unitGroupId} was lost: its connection ${why}`));
      // Closing it makes sure PostgreSQL lets the lock go, if the connection still lives there.
      void client.end().catch(() => {});
    };
    heartbeat = setInterval(() => {
      const silent = setTimeout(() => gone(`did not answer for ${HEARTBEAT_MS / 1000}s`), HEARTBEAT_MS).unref();
      client.query('select 1').then(
        () => clearTimeout(silent),
        (e: Error) => gone(`failed: ${e.message}`),
      );
    }, HEARTBEAT_MS);
    const hold: LockHold = {
      signal: lost.signal,
      assertHeld: () => {
        if (lost.signal.aborted) throw lost.signal.reason;
      },
    };
    return await fn(hold);
  } finally {
    clearInterval(heartbeat);
    if (acquired && !lost.signal.aborted) await client.query('select pg_advisory_unlock(hashtext($1))', [key]).catch(() => {});
    // Closing the connection releases whatever it still holds.
    await client.end().catch(() => {});
  }
}
