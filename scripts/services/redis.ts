import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';

export interface RunningRedis {
  url: string;
  stop(): Promise<void>;
}

export class RedisNotInstalledError extends Error {
  constructor() {
    super('redis-server was not found on PATH. Install it (Debian/Ubuntu: sudo apt-get install redis-server) or set REDIS_URL.');
  }
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.end();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`redis-server did not open port ${port}`));
        else setTimeout(attempt, 100);
      });
    };
    attempt();
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
  let child: ChildProcess;
  let stopping = false;
  const launch = () => {
    const c = (child = spawn(
      'redis-server',
      ['--port', String(opts.port), '--bind', '127.0.0.1', '--dir', opts.dataDir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
      // Its own process group: Ctrl-C reaches the launcher, which stops Redis after the workers.
      { stdio: 'ignore', detached: true },
    ));
    c.once('exit', (code, signal) => {
      if (stopping || !opts.supervise) return;
      console.error(`[redis] exited unexpectedly (${signal ?? `exit ${code}`}); starting it again in 1s`);
      setTimeout(() => !stopping && launch(), 1000).unref();
    });
  };
  launch();
  await waitForPort(opts.port, 10_000);
  return {
    url: `redis://127.0.0.1:${opts.port}`,
    stop: async () => {
      stopping = true;
      const c = child;
      if (c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      await exited;
    },
  };
}
