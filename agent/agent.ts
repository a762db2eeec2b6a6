// The agent's life: register once, then sync forever. Each sync carries a report when something
// changed (and metrics now and then) and brings back the node's desired state, which the agent
// converges to: processes here, containers through the host's Docker API.
import { readFile, rename, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import { readLogTail, storableText } from './application-logs';
import type { ApplicationManager } from './applications';
import { ImageUnavailableError, type NodeContainers } from './containers';
import { PortalClient, PortalError } from './channel';
import { probeHttp, probeTcp } from './health-probe';
import { LoginKeeper } from './login';
import { metricsSnapshot } from './metrics';
import { NetworkTraffic } from './network-traffic';
import { NodeSessions } from './sessions';
import type { Overlay } from './overlay/overlay';
import { forgetCredential, readBootstrapToken, readCredential, saveCredential, type Credential, type NodeConfig } from './node-config';
import { AGENT_VERSION, desiredStateSchema, type AgentReport, type ApplicationReport, type Capabilities, type ContainerSpec, type DesiredState, type MetricsSnapshot } from './protocol';
import { containerRunner, processRunner, WORK_QUEUE_EVERY_MS, WorkQueueReadings, type CommandRunner } from './work-queue';

const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 5000;
/** Until the portal says otherwise (an older portal never does). */
const DEFAULT_METRICS_SECONDS = 60;
const LOG_TAIL_LINES = 5;
const PROBE_TIMEOUT_MS = 1000;

export interface AgentOptions {
  stateDir: string;
  node: NodeConfig;
  processes: ApplicationManager;
  containers: NodeContainers | null;
  containerEngine?: string;
  overlay: Overlay;
  log: (message: string) => void;
  /** A reading of an application's work queue ends within this (default SLURM_COMMAND_TIMEOUT_MS). */
  workQueueTimeoutMs?: number;
}

export class Agent {
  private readonly client: PortalClient;
  private readonly startedAt = new Date();
  private appliedVersion = 0;
  /** Why an application of the desired state could not be run at all, by name. */
  private readonly problems = new Map<string, string>();
  private readonly containerHealth = new Map<string, boolean>();
  private containerSpecs = new Map<string, ContainerSpec>();
  /** Applications whose desired spec names a work queue (Slurm's, the only one so far): the agent reports their queues. */
  private workQueueApplications = new Set<string>();
  private readonly workQueues: WorkQueueReadings;
  private readonly login: LoginKeeper;
  private readonly traffic: NetworkTraffic;
  private workQueuesDueAt = 0;
  private readingWorkQueues = false;
  private lastSent: Omit<AgentReport, 'metrics'> | null = null;
  private metricsDueAt = 0;
  private metricsSeconds = DEFAULT_METRICS_SECONDS;
  private pendingSync?: AbortController;
  /**
   * Set while the sync under way carries a report. Such a sync is never cut short: the portal may
   * be recording it already, and the next sync's newer report could then be recorded before it,
   * leaving the portal with the older state for good (lastSent says the newer one was sent).
   */
  private sendingReport = false;
  private stopped = false;
  private readonly sessions: NodeSessions;
  /**
   * Power off took the members' keys out; they come back from the portal's answer, not from the
   * saved state, where a member removed meanwhile would still be.
   */
  private loginFromPortal = false;

  constructor(private readonly o: AgentOptions) {
    this.client = new PortalClient(o.node.portalUrl);
    this.workQueues = new WorkQueueReadings(o.workQueueTimeoutMs);
    const onChange = () => void this.noticeChanges().catch((e: unknown) => o.log(`cannot tell the portal of a change yet: ${(e as Error).message}`));
    this.login = new LoginKeeper({ nodeName: o.node.name, nodeIp: o.node.ip, log: o.log, onChange });
    this.traffic = new NetworkTraffic(o.log);
    this.sessions = new NodeSessions({
      portalUrl: o.node.portalUrl,
      stateDir: o.stateDir,
      containers: () => this.o.containers,
      // A container's application may run its process form instead (no image, no engine).
      runsAsContainer: (name) => this.containerSpecs.has(name) && !this.o.processes.reports().some((a) => a.name === name && a.state === 'running'),
      log: o.log,
    });
  }

  private get capabilities(): Capabilities {
    return { processes: true, containers: this.o.containers !== null, ...(this.o.containerEngine ? { containerEngine: this.o.containerEngine } : {}) };
  }

  /** What the previous run of the agent applied: it stands until the portal says otherwise, also while it cannot be reached. */
  async restore(): Promise<void> {
    let saved: DesiredState;
    try {
      saved = desiredStateSchema.parse(JSON.parse(await readFile(this.desiredFile, 'utf8')));
    } catch {
      return;
    }
    this.appliedVersion = saved.version;
    for (const app of saved.applications) if (app.kind === 'container') this.containerSpecs.set(app.name, app.container);
    this.workQueueApplications = workQueueApplicationsOf(saved);
    const credential = await readCredential(this.o.stateDir);
    if (!credential) return;
    // Containers the engine keeps stopped (a power off, a reboot) start again as their specs say,
    // and the private network that carries their traffic comes back (converging sets it up first).
    if (this.o.containers) await this.converge(saved, credential.nodeId);
    else await this.o.overlay.apply(saved.network, credential.nodeId);
  }

  private get desiredFile(): string {
    return path.join(this.o.stateDir, 'desired.json');
  }

  /** An engine found after the start (one started later, or slow to answer): reported as soon as it is there. */
  useContainers(containers: NodeContainers, engine: string): void {
    this.o.containers = containers;
    this.o.containerEngine = engine;
    void this.noticeChanges();
  }

  stop(): void {
    this.stopped = true;
    this.login.stop();
    this.pendingSync?.abort();
  }

  /** Called after every probe round: a changed report cuts the waiting sync short so the portal hears at once. */
  async noticeChanges(): Promise<void> {
    if (!this.pendingSync || this.sendingReport || !this.lastSent) return;
    const report = await this.report();
    // Asked again: the loop may have moved on to a sync that carries a report meanwhile.
    if (this.pendingSync && !this.sendingReport && !isDeepStrictEqual(report, this.lastSent)) this.pendingSync.abort();
  }

  async probeContainers(): Promise<void> {
    await Promise.all(
      [...this.containerSpecs].map(async ([name, spec]) => {
        if (!spec.health) return;
        const { port, path } = spec.health;
        const ip = this.o.node.ip;
        this.containerHealth.set(name, path ? await probeHttp(ip, port, path, PROBE_TIMEOUT_MS) : await probeTcp(ip, port, PROBE_TIMEOUT_MS));
      }),
    );
  }

  /**
   * Reads the queue of every application that has one, at most every WORK_QUEUE_EVERY_MS and one
   * round at a time (Slurm's commands may take seconds); a changed queue goes to the portal at once.
   * Each reading ends within its deadline, so a hanging engine or command cannot stop the rounds.
   */
  async readWorkQueues(): Promise<void> {
    if (this.readingWorkQueues || Date.now() < this.workQueuesDueAt) return;
    this.readingWorkQueues = true;
    let changed: boolean;
    try {
      changed = await this.workQueues.read(this.workQueueTargets());
    } finally {
      this.readingWorkQueues = false;
      this.workQueuesDueAt = Date.now() + WORK_QUEUE_EVERY_MS;
    }
    // Outside the round: making the report asks the engine too.
    if (changed) await this.noticeChanges();
  }

  /**
   * Each application with a work queue, with where its commands run as it runs now: beside its
   * running process, else in its running container (without one, the reading says so). A
   * container's application may run its process form instead (no image, or no engine when the
   * agent started): its desired kind does not tell.
   */
  private workQueueTargets(): { name: string; run: CommandRunner }[] {
    const { processes, containers } = this.o;
    const asProcesses = new Set(processes.reports().flatMap((a) => (a.state === 'running' ? [a.name] : [])));
    return [...this.workQueueApplications].flatMap((name) => {
      const context = asProcesses.has(name) ? processes.commandContext(name) : undefined;
      if (context) return [{ name, run: processRunner(context) }];
      return containers ? [{ name, run: containerRunner(containers, name) }] : [];
    });
  }

  async run(): Promise<void> {
    let failures = 0;
    let waitSeconds = 0;
    while (!this.stopped) {
      // Set first: a change noticed while the report is made cuts this very sync short.
      this.pendingSync = new AbortController();
      try {
        const credential = await this.credential();
        const report = await this.report();
        const changed = !isDeepStrictEqual(report, this.lastSent);
        // Metrics ride on every report that is sent anyway, and at least every metricsSeconds.
        const withMetrics = changed || Date.now() >= this.metricsDueAt;
        const sent = withMetrics ? { ...report, metrics: await this.metrics() } : undefined;
        // A report just sent is answered at once: the portal may have news for it.
        this.sendingReport = sent !== undefined;
        const res = await this.client.sync(credential.nodeId, credential.credential, { report: sent, appliedVersion: this.appliedVersion }, sent ? 0 : waitSeconds, this.pendingSync.signal);
        if (sent) this.lastSent = report;
        this.metricsSeconds = res.metricsSeconds ?? DEFAULT_METRICS_SECONDS;
        if (withMetrics) this.metricsDueAt = Date.now() + this.metricsSeconds * 1000;
        // The wait ends in time for the next metrics.
        waitSeconds = Math.max(0, Math.min(res.heartbeatSeconds, (this.metricsDueAt - Date.now()) / 1000));
        failures = 0;
        this.o.overlay.renewRelayTicket(res.desired.network?.relay);
        if (res.sessions) this.sessions.offer(res.sessions, credential.nodeId, credential.credential);
        if (!this.loginFromPortal) {
          await this.login.apply(res.desired.login);
          this.loginFromPortal = true;
        }
        if (res.desired.version !== this.appliedVersion) await this.converge(res.desired, credential.nodeId);
      } catch (err) {
        if (this.stopped) break;
        if (this.pendingSync?.signal.aborted) continue; // our own cut: sync again with the news
        failures += 1;
        await this.onSyncError(err);
        await sleep(Math.min(RETRY_MIN_MS * 2 ** failures, RETRY_MAX_MS));
      } finally {
        this.pendingSync = undefined;
        this.sendingReport = false;
      }
    }
  }

  private async onSyncError(err: unknown): Promise<void> {
    if (err instanceof PortalError && err.status === 401) {
      // The portal no longer knows this credential (the node was created anew): register again.
      this.o.log(`the portal refused this node's credential (${err.message}); registering again`);
      await forgetCredential(this.o.stateDir);
    } else if (err instanceof PortalError && err.status === 404) {
      this.o.log(`the portal says: ${err.message}`);
    } else {
      this.o.log(`cannot reach the portal at ${this.o.node.portalUrl}: ${(err as Error).message}; retrying`);
    }
  }

  /** The node's credential; first registers with the bootstrap token, retrying until that works. */
  private async credential(): Promise<Credential> {
    for (let attempt = 0; ; attempt++) {
      const saved = await readCredential(this.o.stateDir);
      if (saved) return saved;
      const token = await readBootstrapToken(this.o.stateDir);
      if (!token) throw new Error('this node has neither a credential nor a bootstrap token; the portal writes one when it creates the node');
      try {
        const res = await this.client.register({ token, agentVersion: AGENT_VERSION, hostname: os.hostname() });
        await saveCredential(this.o.stateDir, { nodeId: res.nodeId, credential: res.credential });
        this.o.log(`registered with the portal as node ${res.nodeName} (${res.nodeId})`);
        return { nodeId: res.nodeId, credential: res.credential };
      } catch (err) {
        // A refused token may be replaced by the portal (a new creation writes a new one): read it again.
        if (!(err instanceof PortalError)) throw err;
        if (attempt === 0) this.o.log(`registration refused: ${err.message}`);
        await sleep(RETRY_MAX_MS);
      }
    }
  }

  private async converge(desired: DesiredState, nodeId: string): Promise<void> {
    this.o.log(`applying desired state version ${desired.version} (${desired.applications.map((a) => a.name).join(', ') || 'no applications'})`);
    await this.o.overlay.apply(desired.network, nodeId);
    await this.login.apply(desired.login);
    const byName = new Map(desired.applications.map((a) => [a.name, a]));
    const containers = this.o.containers;
    // A process stays while its application may run as one (a container's fallback is decided below).
    for (const name of this.o.processes.names()) if (!byName.get(name)?.process) await this.o.processes.remove(name);
    for (const name of this.containerSpecs.keys()) if (byName.get(name)?.kind !== 'container') await containers?.remove(name);
    this.containerSpecs = new Map();
    this.workQueueApplications = workQueueApplicationsOf(desired);
    this.problems.clear();
    await Promise.all(
      desired.applications.map(async (app) => {
        try {
          if (app.kind === 'process') return await this.o.processes.put(app.name, app.process);
          if (!containers) {
            if (app.process) return await this.o.processes.put(app.name, app.process);
            throw new Error('this host has no Docker-compatible container engine (Docker, or Podman serving the Docker API)');
          }
          // As a process gets them: which node it is on, and its address.
          const spec = { ...app.container, env: { NODE_NAME: this.o.node.name, NODE_IP: this.o.node.ip, ...app.container.env } };
          this.containerSpecs.set(app.name, spec);
          try {
            await containers.ensure(app.name, spec);
          } catch (err) {
            if (!(err instanceof ImageUnavailableError) || !app.process) throw err;
            // Nothing was created without the image: the process form stands in for the container.
            this.containerSpecs.delete(app.name);
            this.o.log(`application ${app.name}: ${err.message}; running its process form instead`);
            return await this.o.processes.put(app.name, app.process);
          }
          await this.o.processes.remove(app.name);
        } catch (err) {
          this.problems.set(app.name, (err as Error).message);
          this.o.log(`application ${app.name}: ${(err as Error).message}`);
        }
      }),
    );
    this.appliedVersion = desired.version;
    // The applications' environment is in it (secrets among it): the node user's alone, written whole.
    await writeFile(`${this.desiredFile}.tmp`, JSON.stringify(desired), { mode: 0o600 });
    await rename(`${this.desiredFile}.tmp`, this.desiredFile);
  }

  private metrics(): Promise<MetricsSnapshot> {
    return metricsSnapshot({ pids: this.o.processes.runningPids(), containers: this.o.containers, diskPath: this.o.stateDir, traffic: this.traffic, log: this.o.log });
  }

  private async report(): Promise<Omit<AgentReport, 'metrics'>> {
    const { processes, containers } = this.o;
    const fromContainers = containers ? (await containers.list()).filter((c) => this.containerSpecs.has(c.name)) : [];
    const all: ApplicationReport[] = [
      ...processes.reports(),
      ...fromContainers.map((c) => {
        const healthy = this.containerHealth.get(c.name);
        return { ...c, ...(healthy === undefined ? {} : { healthy }) };
      }),
    ];
    for (const name of this.problems.keys()) if (!all.some((a) => a.name === name)) all.push({ name, kind: 'container', state: 'stopped', restarts: 0 });
    const applications = await Promise.all(
      all.map(async (app) => {
        // The agent's (it could not run the application at all), else the process's (it could not start).
        const problem = this.problems.get(app.name) ?? app.problem;
        const troubled = app.state === 'exited' || (app.state === 'running' && app.healthy === false);
        const logTail = troubled ? await this.logTail(app) : undefined;
        // A queue read before the application stopped says nothing of the cluster now.
        const workQueue = app.state === 'running' && this.workQueueApplications.has(app.name) ? this.workQueues.get(app.name) : undefined;
        return {
          ...app,
          ...(problem ? { problem: storableText(problem.slice(0, 1000)) } : {}),
          ...(logTail ? { logTail: storableText(logTail.slice(-4000)) } : {}),
          ...(workQueue ? { workQueue } : {}),
        };
      }),
    );
    const overlay = this.o.overlay.report();
    const login = this.login.report();
    return {
      agentVersion: AGENT_VERSION,
      startedAt: this.startedAt.toISOString(),
      hostname: os.hostname(),
      appliedVersion: this.appliedVersion,
      capabilities: this.capabilities,
      applications: applications.sort((a, b) => a.name.localeCompare(b.name)),
      ...(overlay ? { overlay } : {}),
      ...(login ? { login } : {}),
    };
  }

  private async logTail(app: ApplicationReport): Promise<string | undefined> {
    try {
      if (app.kind === 'container') return (await this.o.containers?.logTail(app.name, LOG_TAIL_LINES)) || undefined;
      return (await readLogTail(this.o.processes.logPath(app.name), LOG_TAIL_LINES)) ?? undefined;
    } catch {
      return undefined;
    }
  }
}

function workQueueApplicationsOf(desired: DesiredState): Set<string> {
  return new Set(desired.applications.filter((a) => a.workQueue).map((a) => a.name));
}
