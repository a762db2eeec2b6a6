import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** A child that ran this long counts as healthy: its next crash starts the backoff from the beginning. */
const HEALTHY_AFTER_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

export interface SuperviseOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  uid?: number;
  gid?: number;
  /** Gets everything the child prints; by default its lines go to ours, prefixed with its name. */
  output?: (text: string) => void;
  /** Asked when the child exits on its own: start it again? (default: yes) */
  restart?: () => boolean;
  /** Told of every exit the supervisor did not ask for. */
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
  /** The signal that stops it cleanly (default SIGTERM; PostgreSQL's fast shutdown is SIGINT). */
  stopSignal?: NodeJS.Signals;
}

export interface Supervised {
  name: string;
  /** The process running now, if any. */
  current(): ChildProcess | undefined;
  /** Stops the child (its stop signal, then SIGKILL after `graceMs`) and does not start it again. */
  stop(graceMs?: number): Promise<void>;
  /** Sends the stop signal now without waiting: for a launcher that must exit at once. */
  abandon(): void;
}

function prefixLines(name: string, out: NodeJS.WriteStream) {
  return (text: string) => out.write(text.split('\n').map((line) => (line ? `[${name}] ${line}` : line)).join('\n'));
}

/**
 * Runs a child process and starts it again, with exponential backoff and a log line, whenever it
 * exits without being asked to, so one crashed worker, portal or service does not take the rest
 * down. The child gets a process group of its own: Ctrl-C in the terminal reaches the launcher
 * only, which stops children in order.
 */
export function supervise(name: string, command: string, args: string[], options: SuperviseOptions = {}): Supervised {
  let child: ChildProcess | undefined;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;
  const stopSignal = options.stopSignal ?? 'SIGTERM';

  const launch = () => {
    const startedAt = Date.now();
    const c = (child = spawn(command, args, { cwd: options.cwd, env: options.env, uid: options.uid, gid: options.gid, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
    c.stdout!.on('data', (d: Buffer) => (options.output ?? prefixLines(name, process.stdout))(d.toString()));
    c.stderr!.on('data', (d: Buffer) => (options.output ?? prefixLines(name, process.stderr))(d.toString()));
    c.once('error', (e) => console.error(`[launcher] ${name} could not be started: ${e.message}`));
    c.once('exit', (code, signal) => {
      if (stopped) return;
      options.onExit?.(code, signal);
      if (options.restart && !options.restart()) return;
      failures = Date.now() - startedAt > HEALTHY_AFTER_MS ? 1 : failures + 1;
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (failures - 1));
      console.error(`[launcher] ${name} exited unexpectedly (${signal ?? `exit ${code}`}); restarting it in ${(delay / 1000).toFixed(1)}s`);
      timer = setTimeout(launch, delay);
    });
  };
  launch();

  const running = () => child && child.exitCode === null && child.signalCode === null;
  return {
    name,
    current: () => child,
    abandon: () => {
      stopped = true;
      clearTimeout(timer);
      if (running()) child!.kill(stopSignal);
    },
    stop: async (graceMs = 10_000) => {
      stopped = true;
      clearTimeout(timer);
      const c = child;
      if (!c || !running()) return;
      const exited = new Promise<void>((resolve) => c.once('exit', () => resolve()));
      c.kill(stopSignal);
      const kill = setTimeout(() => c.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(kill);
    },
  };
}

/**
 * A server left running by a launcher that was killed: stops it, so this start can take its port
 * and data. Only a process whose command line `isOurs` says is that server is signalled: a stale
 * pid file may name a pid the system has since given to something else.
 */
export async function stopLeftover(pidFile: string, isOurs: (commandLine: string) => boolean, signal: NodeJS.Signals): Promise<void> {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  let commandLine: string;
  try {
    commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return; // not running
  }
  if (!isOurs(commandLine)) return;
  console.log(`[launcher] stopping a server an earlier start left running (pid ${pid})`);
  process.kill(pid, signal);
  for (let i = 0; i < 100; i++) {
    if (!existsSync(`/proc/${pid}`)) return;
    await sleep(100);
  }
  throw new Error(`An earlier server (pid ${pid}, ${commandLine.trim()}) did not stop; stop it and start again.`);
}
