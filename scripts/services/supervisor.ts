import { spawn, type ChildProcess } from 'node:child_process';

/** A child that ran this long counts as healthy: its next crash starts the backoff from the beginning. */
const HEALTHY_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

export interface Supervised {
  name: string;
  /** Stops the child (SIGTERM, then SIGKILL after `graceMs`) and does not start it again. */
  stop(graceMs?: number): Promise<void>;
  /** The process running now, if any. */
  current(): ChildProcess | undefined;
}

function prefixLines(name: string, out: NodeJS.WriteStream) {
  return (d: Buffer) => out.write(d.toString().split('\n').map((line) => (line ? `[${name}] ${line}` : line)).join('\n'));
}

/**
 * Runs a child process and starts it again, with exponential backoff and a log line, whenever it
 * exits without being asked to, so one crashed worker or portal does not take the rest down.
 */
export function supervise(name: string, command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Supervised {
  let child: ChildProcess | undefined;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const launch = () => {
    const startedAt = Date.now();
    // A group of its own: Ctrl-C in the terminal reaches the launcher only, which stops children in order.
    const c = (child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    c.stdout!.on('data', prefixLines(name, process.stdout));
    c.stderr!.on('data', prefixLines(name, process.stderr));
    c.once('error', (e) => console.error(`[launcher] ${name} could not be started: ${e.message}`));
    c.once('exit', (code, signal) => {
      if (stopped) return;
      failures = Date.now() - startedAt > HEALTHY_AFTER_MS ? 1 : failures + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
      console.error(`[launcher] ${name} exited unexpectedly (${signal ?? `exit ${code}`}); restarting it in ${(delay / 1000).toFixed(1)}s`);
      timer = setTimeout(launch, delay);
    });
  };
  launch();

  return {
    name,
    current: () => child,
    stop: async (graceMs = 10_000) => {
      stopped = true;
      clearTimeout(timer);
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill('SIGTERM');
      const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(kill);
    },
  };
}
