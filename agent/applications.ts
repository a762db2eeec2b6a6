// Runs a node's process-form applications. Each runs detached, in a process group of its own,
// with its pid and start time in <stateDir>/apps/<name>.pid: a restarted agent adopts the ones
// still running instead of restarting them, and the node's owner can stop them without the agent
// (agent/node-processes.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { agentLine, appendLogLine, applicationLogPath } from './application-logs';
import { probeHttp, probeTcp } from './health-probe';
import { forgetApplicationPid, readApplicationPid, stopProcessGroup, writeApplicationPid, type RecordedPid } from './node-processes';
import { ProcessContext, type NodeIdentity, type ProcessSpec } from './process-context';
import { isAlive } from './process-tree';
import { processSpecSchema, type ApplicationReport, type ApplicationState } from './protocol';

/** Restarts allowed by the on-failure policy; "always" has no limit but backs off up to a cap. */
const MAX_FAILURE_RESTARTS = 3;
const FIRST_RESTART_DELAY_MS = 500;
const MAX_RESTART_DELAY_MS = 30_000;
const PROBE_TIMEOUT_MS = 1000;
/** While an application starts, it is probed this often, for at most this long. */
const STARTUP_PROBE_EVERY_MS = 100;
const STARTUP_PROBE_WINDOW_MS = 30_000;

/** Probed over HTTP when it has a health path, over TCP when it asks for that; else "running" is all we know. */
const hasHealthCheck = (spec: ProcessSpec) => spec.port !== undefined && (!!spec.healthPath || !!spec.healthTcp);

interface ManagedApplication {
  name: string;
  spec: ProcessSpec;
  state: ApplicationState;
  /** The running process: spawned by this agent (child) or adopted from an earlier one. */
  process?: RecordedPid;
  child?: ChildProcess;
  startedAt?: Date;
  exitCode?: number | null;
  restarts: number;
  healthy?: boolean;
  /** Why its process could not be started at all (e.g. its files or the node's run folder could not be made). */
  problem?: string;
  /** Set while the agent itself stops the process, so its exit is not treated as a crash. */
  stopping: boolean;
  restartTimer?: NodeJS.Timeout;
  /** Resolves once the current process has exited. */
  exited?: Promise<void>;
  markExited?: (exitCode: number | null, why: string) => void;
  probing?: Promise<void>;
}

export class ApplicationManager {
  private readonly apps = new Map<string, ManagedApplication>();
  /** Serialises put/remove per application so concurrent calls cannot start two processes. */
  private readonly queues = new Map<string, Promise<unknown>>();
  private persisting: Promise<void> = Promise.resolve();
  private readonly context: ProcessContext;

  constructor(
    private readonly node: NodeIdentity,
    private readonly stateDir: string,
    private readonly log: (message: string) => void,
    /** Told whenever an application's state or health changes, so the portal hears of it at once. */
    private readonly onChange: () => void = () => {},
  ) {
    this.context = new ProcessContext(node, stateDir);
  }

  logPath(name: string): string {
    return applicationLogPath(this.stateDir, name);
  }

  private get specsPath(): string {
    return path.join(this.stateDir, 'apps.json');
  }

  /** Takes back the applications of a previous run of the agent: adopts the live ones, starts the others. */
  async restore(): Promise<void> {
    let raw: string;
    try {
      raw = await readFile(this.specsPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const saved = z.record(z.string(), processSpecSchema).parse(JSON.parse(raw));
    await this.makeLogFolder();
    for (const [name, spec] of Object.entries(saved)) {
      const app = this.register(name, spec);
      const running = await readApplicationPid(this.stateDir, name);
      if (running) {
        this.log(`application ${name} still runs (pid ${running.pid}); adopting it`);
        this.adopt(app, running);
        // Probed before the first report, so a healthy application is never reported as starting.
        await this.probe(app);
      } else {
        this.log(`restoring application ${name}`);
        this.start(app);
      }
    }
  }

  names(): string[] {
    return [...this.apps.keys()];
  }

  reports(): ApplicationReport[] {
    return [...this.apps.values()].map((app) => ({
      name: app.name,
      kind: 'process',
      state: app.state,
      ...(app.healthy === undefined ? {} : { healthy: app.healthy }),
      restarts: app.restarts,
      ...(app.exitCode === undefined ? {} : { exitCode: app.exitCode }),
      ...(app.startedAt ? { startedAt: app.startedAt.toISOString() } : {}),
      ...(app.problem ? { problem: app.problem } : {}),
    }));
  }

  /** pid of each running application, for metrics. */
  runningPids(): Map<string, number> {
    const pids = new Map<string, number>();
    for (const app of this.apps.values()) if (app.process) pids.set(app.name, app.process.pid);
    return pids;
  }

  /** Runs the application as specified; the same spec again leaves a running process alone. */
  put(name: string, input: z.input<typeof processSpecSchema>): Promise<void> {
    const spec = processSpecSchema.parse(input);
    return this.serialise(name, async () => {
      const existing = this.apps.get(name);
      const active = existing && (existing.state === 'running' || existing.state === 'starting');
      if (existing && active && isDeepStrictEqual(existing.spec, spec)) return;
      if (existing) await this.stop(existing);
      const app = this.register(name, spec);
      await this.persist();
      await this.makeLogFolder();
      this.log(`starting application ${name}`);
      this.start(app);
    });
  }

  remove(name: string): Promise<void> {
    return this.serialise(name, async () => {
      const app = this.apps.get(name);
      if (!app) return;
      await this.stop(app);
      this.apps.delete(name);
      await this.persist();
      await Promise.all((app.spec.files ?? []).map((file) => rm(path.join(this.stateDir, file.path), { force: true })));
      this.log(`removed application ${name}`);
    });
  }

  /** Probes every application that has a health path and notices adopted processes that exited; never rejects. */
  async probeAll(): Promise<void> {
    for (const app of this.apps.values()) {
      if (app.process && !app.child && !isAlive(app.process.pid)) app.markExited?.(null, 'exited (it was started by an earlier run of the agent, so its exit code is unknown)');
    }
    await Promise.all([...this.apps.values()].map((app) => this.probe(app)));
  }

  private register(name: string, spec: ProcessSpec): ManagedApplication {
    const app: ManagedApplication = { name, spec, state: 'starting', restarts: 0, stopping: false };
    this.apps.set(name, app);
    return app;
  }

  /** Where and with what environment a command runs to see the node as the application does (e.g. its Slurm cluster). */
  commandContext(name: string): { env: NodeJS.ProcessEnv; cwd: string } | undefined {
    const app = this.apps.get(name);
    return app && this.context.environment(app.spec);
  }

  private start(app: ManagedApplication): void {
    const { spec } = app;
    const argv = this.context.argv(spec);
    const { env, cwd } = this.context.environment(spec);

    let child: ChildProcess;
    try {
      this.context.writeFiles(spec);
      const logFd = openSync(this.logPath(app.name), 'a', 0o600);
      try {
        writeSync(logFd, agentLine(`starting: ${argv.join(' ')}`));
        // Detached: it outlives a restart of the agent, and its group holds everything it starts.
        child = spawn(argv[0], argv.slice(1), { cwd, env, stdio: ['ignore', logFd, logFd], detached: true });
      } finally {
        // The child holds its own copy of the descriptor.
        closeSync(logFd);
      }
    } catch (err) {
      app.state = 'exited';
      app.exitCode = null;
      app.problem = (err as Error).message;
      this.log(`application ${app.name} could not start: ${(err as Error).message}`);
      appendLogLine(this.logPath(app.name), `could not start: ${(err as Error).message}`, this.log);
      return;
    }
    child.unref();
    app.child = child;
    this.track(app);
    child.once('spawn', () => {
      const recorded = writeApplicationPid(this.stateDir, app.name, child.pid!);
      if (recorded) app.process = recorded;
      this.afterSpawn(app);
    });
    child.once('exit', (code, signal) => app.markExited?.(code, `exited with ${signal ? `signal ${signal}` : `code ${code}`}`));
    // 'error' without a pid means the process never started (e.g. command not found).
    child.on('error', (err) => {
      if (child.pid === undefined) app.markExited?.(null, `could not start: ${err.message}`);
      else this.log(`application ${app.name}: ${err.message}`);
    });
  }

  private adopt(app: ManagedApplication, running: RecordedPid): void {
    app.process = running;
    this.track(app);
    this.afterSpawn(app);
  }

  /** Fresh per-process bookkeeping; markExited runs once when the process is gone. */
  private track(app: ManagedApplication): void {
    app.state = 'starting';
    app.healthy = hasHealthCheck(app.spec) ? false : undefined;
    app.startedAt = new Date();
    app.exitCode = undefined;
    app.problem = undefined;
    let resolveExited!: () => void;
    app.exited = new Promise((resolve) => (resolveExited = resolve));
    let gone = false;
    app.markExited = (exitCode, why) => {
      if (gone) return;
      gone = true;
      app.child = undefined;
      app.process = undefined;
      app.exitCode = exitCode;
      app.healthy = hasHealthCheck(app.spec) ? false : undefined;
      forgetApplicationPid(this.stateDir, app.name);
      appendLogLine(this.logPath(app.name), why, this.log);
      resolveExited();
      this.afterExit(app);
    };
  }

  /** Without a health path, a process that started is as "running" as we can tell. */
  private afterSpawn(app: ManagedApplication): void {
    if (!hasHealthCheck(app.spec)) {
      app.state = 'running';
      this.onChange();
    } else void this.probeUntilUp(app, app.process ?? app.child);
  }

  private afterExit(app: ManagedApplication): void {
    this.decideAfterExit(app);
    // Told once the new state is set, so what the portal hears is current.
    this.onChange();
  }

  private decideAfterExit(app: ManagedApplication): void {
    if (app.stopping) {
      app.state = 'stopped';
      return;
    }
    const { restart } = app.spec;
    const failed = app.exitCode !== 0;
    if (restart === 'no' || (restart === 'on-failure' && (!failed || app.restarts >= MAX_FAILURE_RESTARTS))) {
      app.state = 'exited';
      this.log(`application ${app.name} exited; restart policy "${restart}"${restart === 'on-failure' && failed ? ` gave up after ${app.restarts} restarts` : ''}`);
      return;
    }
    const delay = Math.min(FIRST_RESTART_DELAY_MS * 2 ** app.restarts, MAX_RESTART_DELAY_MS);
    app.restarts += 1;
    // It will run again, so report it as starting rather than a final 'exited'.
    app.state = 'starting';
    this.log(`application ${app.name} exited; restart ${app.restarts} in ${delay} ms`);
    app.restartTimer = setTimeout(() => {
      app.restartTimer = undefined;
      if (this.apps.get(app.name) === app) this.start(app);
    }, delay);
  }

  /** SIGTERM to the application's process group, SIGKILL after a grace period. */
  private async stop(app: ManagedApplication): Promise<void> {
    clearTimeout(app.restartTimer);
    app.restartTimer = undefined;
    if (!app.process) {
      app.state = 'stopped';
      return;
    }
    app.stopping = true;
    await stopProcessGroup(app.process);
    // An adopted process is no child of ours: no exit event tells us it is gone.
    app.markExited?.(null, 'stopped by the agent');
    await app.exited;
    app.stopping = false;
  }

  /**
   * A starting application is probed often, so it counts as up (and its node as ready) as soon
   * as it answers, not at the next regular probe; after that the regular probes take over.
   */
  private async probeUntilUp(app: ManagedApplication, which: unknown): Promise<void> {
    const current = () => app.process ?? app.child;
    for (const deadline = Date.now() + STARTUP_PROBE_WINDOW_MS; current() === which && app.state === 'starting' && Date.now() < deadline; ) {
      await this.probe(app);
      if (app.state === 'starting') await sleep(STARTUP_PROBE_EVERY_MS);
    }
  }

  private probe(app: ManagedApplication): Promise<void> {
    const { healthPath, port } = app.spec;
    const probed = app.process;
    if (!hasHealthCheck(app.spec) || port === undefined || !probed) return Promise.resolve();
    app.probing ??= (healthPath ? probeHttp(this.node.ip, port, healthPath, PROBE_TIMEOUT_MS) : probeTcp(this.node.ip, port, PROBE_TIMEOUT_MS))
      .then((healthy) => {
        // The answer is about the process probed, not one started since.
        if (app.process !== probed) return;
        const before = `${app.state}/${app.healthy}`;
        app.healthy = healthy;
        if (healthy && app.state === 'starting') app.state = 'running';
        if (`${app.state}/${app.healthy}` !== before) this.onChange();
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
   * secrets among it. Writes are chained because puts of different applications run concurrently.
   */
  private persist(): Promise<void> {
    const write = async () => {
      const specs = Object.fromEntries([...this.apps.values()].map((app) => [app.name, app.spec]));
      const tmp = `${this.specsPath}.tmp`;
      await writeFile(tmp, JSON.stringify(specs, null, 2), { mode: 0o600 });
      await rename(tmp, this.specsPath);
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
