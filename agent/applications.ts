// Runs the node's applications as child processes of the agent. They are deliberately not
// detached: they stay in the agent's process group, so stopping the node's group stops them too.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { applicationDefinitionSchema } from './application-definition';
import { agentLine, appendLogLine, applicationLogPath } from './application-logs';
import { probeHttp } from './health-probe';
import { listProcesses, processTree } from './process-tree';
import type { ApplicationDefinition, ApplicationState, ApplicationStatus } from './protocol';

const MAX_RESTARTS = 3;
const FIRST_RESTART_DELAY_MS = 500;
const STOP_GRACE_MS = 3000;
const PROBE_TIMEOUT_MS = 1000;
/** While an application starts, it is probed this often, for at most this long. */
const STARTUP_PROBE_EVERY_MS = 100;
const STARTUP_PROBE_WINDOW_MS = 30_000;

export interface NodeIdentity {
  name: string;
  ip: string;
}

interface ManagedApplication {
  name: string;
  definition: ApplicationDefinition;
  state: ApplicationState;
  child?: ChildProcess;
  startedAt?: Date;
  exitCode?: number | null;
  restarts: number;
  healthy?: boolean;
  /** Set while the agent itself is stopping the process, so its exit is not treated as a crash. */
  stopping: boolean;
  restartTimer?: NodeJS.Timeout;
  /** Resolves once the current process has exited. */
  exited?: Promise<void>;
  probing?: Promise<void>;
}

export class ApplicationManager {
  private readonly apps = new Map<string, ManagedApplication>();
  /** Serialises PUT/DELETE per application so concurrent calls cannot start two processes. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private shuttingDown = false;
  private persisting: Promise<void> = Promise.resolve();

  constructor(
    private readonly node: NodeIdentity,
    private readonly stateDir: string,
    private readonly log: (message: string) => void,
  ) {}

  logPath(name: string): string {
    return applicationLogPath(this.stateDir, name);
  }

  private get definitionsPath(): string {
    return path.join(this.stateDir, 'apps.json');
  }

  /** Starts every application persisted by a previous run of the agent (power on). */
  async restore(): Promise<void> {
    let raw: string;
    try {
      raw = await readFile(this.definitionsPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const saved = z.record(z.string(), applicationDefinitionSchema).parse(JSON.parse(raw));
    await this.makeLogFolder();
    for (const [name, definition] of Object.entries(saved)) {
      const app = this.register(name, definition);
      this.log(`restoring application ${name}`);
      this.start(app);
    }
  }

  list(): ApplicationStatus[] {
    return [...this.apps.values()].map((app) => this.status(app));
  }

  has(name: string): boolean {
    return this.apps.has(name);
  }

  /** pid of each running application, for metrics. */
  runningPids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const app of this.apps.values()) if (app.child?.pid) pids.set(app.name, app.child.pid);
    return pids;
  }

  put(name: string, definition: ApplicationDefinition): Promise<ApplicationStatus> {
    return this.serialise(name, async () => {
      const existing = this.apps.get(name);
      const active = existing && (existing.state === 'running' || existing.state === 'starting');
      if (existing && active && isDeepStrictEqual(existing.definition, definition)) return this.status(existing);
      if (existing) await this.stop(existing);
      const app = this.register(name, definition);
      await this.persist();
      await this.makeLogFolder();
      this.log(`starting application ${name}`);
      this.start(app);
      return this.status(app);
    });
  }

  remove(name: string): Promise<void> {
    return this.serialise(name, async () => {
      const app = this.apps.get(name);
      if (!app) return;
      await this.stop(app);
      this.apps.delete(name);
      await this.persist();
      this.log(`removed application ${name}`);
    });
  }

  /** Stops every application but keeps their definitions, so the next start brings them back. */
  async shutdown(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.apps.values()].map((app) => this.stop(app)));
  }

  /** Probes every application that declares a health path; never rejects. */
  async probeAll(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => this.probe(app)));
  }

  private register(name: string, definition: ApplicationDefinition): ManagedApplication {
    const app: ManagedApplication = { name, definition, state: 'starting', restarts: 0, stopping: false };
    this.apps.set(name, app);
    return app;
  }

  private status(app: ManagedApplication): ApplicationStatus {
    return {
      name: app.name,
      state: app.state,
      pid: app.child?.pid,
      port: app.definition.port,
      healthy: app.healthy,
      startedAt: app.startedAt?.toISOString(),
      exitCode: app.exitCode,
      restarts: app.restarts,
    };
  }

  private start(app: ManagedApplication): void {
    if (this.shuttingDown) {
      // A PUT that raced with SIGTERM: starting now would outlive the agent.
      app.state = 'stopped';
      return;
    }
    const { definition } = app;
    const port = definition.port === undefined ? '' : String(definition.port);
    const argv = definition.command.map((arg) =>
      arg.replaceAll('{{nodeIp}}', this.node.ip).replaceAll('{{port}}', port),
    );
    const env: NodeJS.ProcessEnv = { ...process.env, ...definition.env, NODE_IP: this.node.ip, NODE_NAME: this.node.name };
    if (port) env.PORT = port;

    let child: ChildProcess;
    try {
      const logFd = openSync(this.logPath(app.name), 'a', 0o600);
      try {
        writeSync(logFd, agentLine(`starting: ${argv.join(' ')}`));
        child = spawn(argv[0], argv.slice(1), {
          // Relative to the node's folder, its "home".
          cwd: path.resolve(this.stateDir, definition.cwd ?? '.'),
          env,
          stdio: ['ignore', logFd, logFd],
        });
      } finally {
        // The child holds its own copy of the descriptor.
        closeSync(logFd);
      }
    } catch (err) {
      app.state = 'exited';
      app.exitCode = null;
      this.log(`application ${app.name} could not start: ${(err as Error).message}`);
      return;
    }

    app.child = child;
    app.state = 'starting';
    app.healthy = definition.healthPath ? false : undefined;
    app.startedAt = new Date();
    app.exitCode = undefined;
    let markExited!: () => void;
    app.exited = new Promise((resolve) => (markExited = resolve));

    let gone = false;
    const onGone = (exitCode: number | null, why: string) => {
      if (gone) return;
      gone = true;
      app.child = undefined;
      app.exitCode = exitCode;
      app.healthy = app.definition.healthPath ? false : undefined;
      appendLogLine(this.logPath(app.name), why, this.log);
      markExited();
      this.afterExit(app);
    };
    // Without a health path, a process that started is as "running" as we can tell.
    child.once('spawn', () => {
      if (!definition.healthPath && app.child === child) app.state = 'running';
      else void this.probeUntilUp(app, child);
    });
    child.once('exit', (code, signal) => onGone(code, `exited with ${signal ? `signal ${signal}` : `code ${code}`}`));
    // 'error' without a pid means the process never started (e.g. command not found).
    child.on('error', (err) => {
      if (child.pid === undefined) onGone(null, `could not start: ${err.message}`);
      else this.log(`application ${app.name}: ${err.message}`);
    });
  }

  private afterExit(app: ManagedApplication): void {
    if (app.stopping || this.shuttingDown) {
      app.state = 'stopped';
      return;
    }
    if (app.restarts >= MAX_RESTARTS) {
      app.state = 'exited';
      this.log(`application ${app.name} exited; giving up after ${app.restarts} restarts`);
      return;
    }
    const delay = FIRST_RESTART_DELAY_MS * 2 ** app.restarts;
    app.restarts += 1;
    // It will run again, so report it as starting rather than a final 'exited'.
    app.state = 'starting';
    this.log(`application ${app.name} exited unexpectedly; restart ${app.restarts} in ${delay} ms`);
    app.restartTimer = setTimeout(() => {
      app.restartTimer = undefined;
      if (this.apps.get(app.name) === app && !this.shuttingDown) this.start(app);
    }, delay);
  }

  /** SIGTERM to the application and everything it started, SIGKILL after a grace period. */
  private async stop(app: ManagedApplication): Promise<void> {
    clearTimeout(app.restartTimer);
    app.restartTimer = undefined;
    const child = app.child;
    if (!child?.pid) {
      app.state = 'stopped';
      return;
    }
    app.stopping = true;
    const tree = processTree(child.pid, listProcesses()).map((p) => p.pid);
    const signalAll = (signal: NodeJS.Signals) => {
      for (const pid of tree) {
        try {
          process.kill(pid, signal);
        } catch {
          // Already gone.
        }
      }
    };
    signalAll('SIGTERM');
    const killTimer = setTimeout(() => signalAll('SIGKILL'), STOP_GRACE_MS);
    await app.exited;
    clearTimeout(killTimer);
    app.stopping = false;
  }

  /**
   * A starting application is probed often, so it counts as up (and its node as ready) as soon
   * as it answers, not at the next regular probe; after that the regular probes take over.
   */
  private async probeUntilUp(app: ManagedApplication, child: ChildProcess): Promise<void> {
    for (const deadline = Date.now() + STARTUP_PROBE_WINDOW_MS; app.child === child && app.state === 'starting' && Date.now() < deadline; ) {
      await this.probe(app);
      if (app.state === 'starting') await sleep(STARTUP_PROBE_EVERY_MS);
    }
  }

  private probe(app: ManagedApplication): Promise<void> {
    const { healthPath, port } = app.definition;
    const child = app.child;
    if (!healthPath || port === undefined || !child) return Promise.resolve();
    app.probing ??= probeHttp(this.node.ip, port, healthPath, PROBE_TIMEOUT_MS)
      .then((healthy) => {
        // The answer is about the process probed, not one started since.
        if (app.child !== child) return;
        app.healthy = healthy;
        if (healthy && app.state === 'starting') app.state = 'running';
      })
      .finally(() => (app.probing = undefined));
    return app.probing;
  }

  // Applications may print what they were given: their logs are the node user's alone.
  private async makeLogFolder(): Promise<void> {
    await mkdir(path.join(this.stateDir, 'apps'), { recursive: true, mode: 0o700 });
  }

  /**
   * Writes apps.json, readable by the node's user alone: it holds the applications' environment,
   * secrets among it. Writes are chained because PUTs of different applications run concurrently.
   */
  private persist(): Promise<void> {
    const write = async () => {
      const definitions = Object.fromEntries([...this.apps.values()].map((app) => [app.name, app.definition]));
      const tmp = `${this.definitionsPath}.tmp`;
      await writeFile(tmp, JSON.stringify(definitions, null, 2), { mode: 0o600 });
      await rename(tmp, this.definitionsPath);
    };
    const next = this.persisting.catch(() => undefined).then(write);
    this.persisting = next;
    return next;
  }

  private serialise<T>(name: string, task: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(name) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(task);
    this.queues.set(name, next);
    void next
      .catch(() => undefined)
      .finally(() => {
        if (this.queues.get(name) === next) this.queues.delete(name);
      });
    return next;
  }
}
