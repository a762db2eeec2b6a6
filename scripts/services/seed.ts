import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import * as schema from '@/lib/db/schema';
import { seedDemo } from '@/lib/db/seed';

/** Seeds demo data through a short-lived connection (the launcher's own process holds no pool). */
export async function seedDatabase(databaseUrl: string): Promise<void> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  pool.on('error', () => {}); // a dropped idle connection; the pending query reports the failure
  try {
    await seedDemo(drizzle(pool, { schema, casing: 'snake_case' }));
  } finally {
    await pool.end();
  }
}
