import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Database = NodePgDatabase<typeof schema>;
/** The process's database on its pool (no transaction): `$client` runs the statements of lib/db/prepared.ts. */
export type PooledDatabase = Database & { $client: pg.Pool };
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

// One pool per process (kept on globalThis so Next.js dev reloads don't open a new pool each time).
const cache = globalThis as unknown as { __ocsPool?: pg.Pool; __ocsDb?: PooledDatabase };

/** A request or job waits this long for a connection, then fails with a clear error instead of hanging. */
const CONNECT_TIMEOUT_MS = 5000;

/** Connection settings shared by the pool and the dedicated (lock) connections. */
export function connectionConfig(): pg.ClientConfig {
  return {
    connectionString: env().DATABASE_URL,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // A half-open TCP connection (server host gone) is noticed instead of waited on forever.
    keepAlive: true,
    application_name: 'ocs-portal',
  };
}

export function pool(): pg.Pool {
  if (!cache.__ocsPool) {
    const p = new pg.Pool({ ...connectionConfig(), max: env().PG_POOL_MAX, idleTimeoutMillis: 30_000 });
    // An idle client whose server went away (restart, failover) emits 'error' on the pool; without
    // a listener that would crash the process. The pool drops the client and makes a new one later.
    p.on('error', (e) => console.error(`[db] idle connection lost: ${e.message}`));
    cache.__ocsPool = p;
  }
  return cache.__ocsPool;
}

export function db(): PooledDatabase {
  cache.__ocsDb ??= drizzle(pool(), { schema, casing: 'snake_case' });
  return cache.__ocsDb;
}

export async function closeDb(): Promise<void> {
  const p = cache.__ocsPool;
  cache.__ocsPool = undefined;
  cache.__ocsDb = undefined;
  await p?.end();
}
