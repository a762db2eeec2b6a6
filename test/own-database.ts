// A database of a test's own on the test PostgreSQL, for tests that must touch no other test's rows
// (re-sealing every secret under a throwaway key, upgrading from the first release).
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Database } from '@/lib/db/client';
import { runMigrations } from '@/lib/db/migrate';
import * as schema from '@/lib/db/schema';
import { dropDatabase, ensureDatabase } from '@/scripts/services/postgres';

export interface OwnDatabase {
  url: string;
  db: Database;
  /** Its connections, for raw SQL. */
  pool: pg.Pool;
  /** Closes its pool and drops it. */
  drop(): Promise<void>;
}

/** A new database named after `label`, with every migration applied unless `migrate` is false. */
export async function ownDatabase(label: string, options: { migrate?: boolean; poolSize?: number } = {}): Promise<OwnDatabase> {
  const name = `ocs_${label}_${process.pid}_${Date.now().toString(36)}`;
  await ensureDatabase(process.env.DATABASE_URL!, name);
  const u = new URL(process.env.DATABASE_URL!);
  u.pathname = `/${name}`;
  const url = u.toString();
  if (options.migrate !== false) await runMigrations(url);
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 2 });
  return {
    url,
    pool,
    db: drizzle(pool, { schema, casing: 'snake_case' }),
    drop: async () => {
      await pool.end();
      await dropDatabase(process.env.DATABASE_URL!, name);
    },
  };
}
