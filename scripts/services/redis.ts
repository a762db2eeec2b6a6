import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopLeftover, supervise } from './supervisor';

export interface RunningRedis {
  url: string;
  stop(): Promise<void>;
  /** Tells it to shut down without waiting (for a launcher that must exit at once). */
  abandon(): void;
}

/** Said in one line instead of a stack trace when the local Redis cannot be started. */
export class RedisStartError extends Error {
  name = 'RedisStartError';
}

export class RedisNotInstalledError extends RedisStartError {
  constructor() {
    super('redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL.');
  }
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts a local redis-server bound to loopback; its data stays in `dataDir`. With `supervise`, a
 * server that exits on its own is started again (empty: the workers' reconciler queues again
 * what PostgreSQL says is unfinished).
 */
export async function startLocalRedis(opts: { dataDir: string; port: number; supervise?: boolean }): Promise<RunningRedis> {
  if (!onPath('redis-server')) throw new RedisNotInstalledError();
  await mkdir(opts.dataDir, { recursive: true });
  const pidFile = path.join(opts.dataDir, 'redis-server.pid');
  await stopLeftover(pidFile, (cmd) => cmd.startsWith('redis-server') && cmd.includes(`:${opts.port}`), 'SIGTERM');
  if (await portOpen(opts.port)) throw new RedisStartError(`Port ${opts.port} is already in use: set OCS_REDIS_PORT to a free port, or REDIS_URL to your Redis.`);

  let started = false;
  let exited = false;
  // Its chatter stays here; the last lines are shown when it stops on its own.
  let log = '';
  const server = supervise(
    'redis',
    'redis-server',
    ['--port', String(opts.port), '--bind', '127.0.0.1', '--dir', opts.dataDir, '--pidfile', pidFile, '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--loglevel', 'warning'],
    {
      output: (text) => (log = (log + text).slice(-2000)),
      onExit: () => {
        exited = !started;
        console.error(`[redis] ${log.trim().split('\n').slice(-2).join(' ')}`);
      },
      restart: () => started && !!opts.supervise,
    },
  );
  for (const deadline = Date.now() + 10_000; !(await portOpen(opts.port)); await sleep(100)) {
    if (exited || Date.now() > deadline) {
      server.abandon();
      throw new RedisStartError(`redis-server did not open port ${opts.port}`);
    }
  }
  started = true;
  return { url: `redis://127.0.0.1:${opts.port}`, stop: () => server.stop(), abandon: () => server.abandon() };
}
