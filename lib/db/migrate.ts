import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../drizzle');

/** Applies the committed drizzle-kit migrations; safe to run on every start. */
export async function runMigrations(databaseUrl: string): Promise<void> {
  const client = new pg.Client(databaseUrl);
  // A dropped connection fails the pending query; without a listener it would also crash the process.
  client.on('error', () => {});
  await client.connect();
  try {
    // Several processes (tests, launcher) may start at once; one migrates, the others wait.
    await client.query('select pg_advisory_lock(7240001)');
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    await client.end();
  }
}
