import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Database = NodePgDatabase<typeof schema>;
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

// One pool per process (kept on globalThis so Next.js dev reloads don't open a new pool each time).
const cache = globalThis as unknown as { __ocsPool?: pg.Pool; __ocsDb?: Database };

export function pool(): pg.Pool {
  cache.__ocsPool ??= new pg.Pool({ connectionString: env().DATABASE_URL, max: 10 });
  return cache.__ocsPool;
}

export function db(): Database {
  cache.__ocsDb ??= drizzle(pool(), { schema, casing: 'snake_case' });
  return cache.__ocsDb;
}

export async function closeDb(): Promise<void> {
  const p = cache.__ocsPool;
  cache.__ocsPool = undefined;
  cache.__ocsDb = undefined;
  await p?.end();
}
