// A node's applications as containers on the host's Docker-compatible engine (Docker, or Podman
// serving the Docker API), through the Docker Engine API. Several nodes may share one engine, so
// every container and volume carries the node's labels and everything here finds its things by
// them; the spec's hash in a label makes ensure() idempotent (same hash: keep, else replace).
//
// Restarts are the engine's: Docker and Podman (4.3 too, without systemd: conmon's exit command
// applies the policy; at once, where Docker backs off) restart an exited container as its
// RestartPolicy says and count it in RestartCount, so the agent needs no restart loop of its own.
import { createHash } from 'node:crypto';
import { PassThrough, type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import Dockerode from 'dockerode';
import { demuxFrames, demuxLog, ignoring, statusOf } from './engine-api';
import type { ApplicationMetrics, ApplicationReport, ApplicationState, ContainerSpec, RestartPolicy } from './protocol';

/** What a command run in a container printed, and its exit code (null when the engine does not know it). */
export interface ExecResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
}

/** The image is neither on the host nor pullable: an application with a process form runs that instead. */
export class ImageUnavailableError extends Error {
  override name = 'ImageUnavailableError';
}

const LABEL_NODE = 'ocs.node';
const LABEL_APPLICATION = 'ocs.application';
const LABEL_UNIT_GROUP = 'ocs.unit-group';
const LABEL_SPEC_HASH = 'ocs.spec-hash';
/** An engine that does not answer this fast is not there (the agent starts without containers). */
const PING_TIMEOUT_MS = 1500;
/** As `docker stop`: SIGTERM, then SIGKILL after this many seconds. */
const STOP_TIMEOUT_S = 10;
/** Docker's on-failure retries, counted by the engine in RestartCount (the same as the agent's processes). */
const MAX_FAILURE_RESTARTS = 3;
const REMOVE_ATTEMPTS = 10;
const REMOVE_RETRY_MS = 200;
const DEFAULT_SOCKETS = ['/var/run/docker.sock', '/run/podman/podman.sock'];
/** The stream bytes of a multiplexed frame. */
const STDOUT = 1;
const STDERR = 2;
/** Docker's zero time (0001-01-01T00:00:00Z): StartedAt of a container that never ran. */
const ZERO_TIME_PREFIX = '0001-';

const RESTART_POLICIES: Record<RestartPolicy, Dockerode.HostRestartPolicy> = {
  always: { Name: 'always' },
  'on-failure': { Name: 'on-failure', MaximumRetryCount: MAX_FAILURE_RESTARTS },
  no: { Name: 'no' },
};

export interface ContainerNode {
  name: string;
  /** Ports are published on this address. */
  ip: string;
  unitGroup?: string;
}

/** The first engine that answers: `socketPath`, else DOCKER_HOST (unix:// only), else Docker's and then Podman's usual sockets. */
export async function detectContainerEngine(opts: { socketPath?: string } = {}): Promise<ContainerEngine | null> {
  const dockerHost = process.env.DOCKER_HOST;
  // The agent speaks to a local engine only; a tcp:// DOCKER_HOST (TLS, another machine) is not its business.
  const fromEnv = dockerHost?.startsWith('unix://') ? [dockerHost.slice('unix://'.length)] : [];
  for (const socketPath of opts.socketPath ? [opts.socketPath] : [...fromEnv, ...DEFAULT_SOCKETS]) {
    const probe = new Dockerode({ socketPath, timeout: PING_TIMEOUT_MS });
    try {
      await probe.ping();
      return new ContainerEngine(new Dockerode({ socketPath }), describeEngine(await probe.version()));
    } catch {
      // Nothing (or nothing Docker-like) answers there: try the next one.
    }
  }
  return null;
}

/** "Podman Engine 4.3.1" or "Docker 28.2.2". */
function describeEngine(version: Dockerode.DockerVersion): string {
  const podman = version.Components?.find((c) => c.Name === 'Podman Engine');
  return podman ? `${podman.Name} ${podman.Version}` : `Docker ${version.Version}`;
}

export class ContainerEngine {
  constructor(
    private readonly docker: Dockerode,
    readonly description: string,
  ) {}

  forNode(node: ContainerNode): NodeContainers {
    return new NodeContainers(this.docker, node);
  }
}

export class NodeContainers {
  /** Stopped by stopAll (power off) rather than exited on their own; Docker's API does not tell the two apart. */
  private readonly poweredOff = new Set<string>();

  constructor(
    private readonly docker: Dockerode,
    private readonly node: ContainerNode,
  ) {}

  /** Runs `name` as `spec` says: a container of the same spec is kept (and started when its policy wants it running), any other replaced. */
  async ensure(name: string, spec: ContainerSpec): Promise<void> {
    const hash = specHash(spec, this.node.ip);
    const existing = await this.containersOf(name);
    const kept = existing.find((c) => c.Labels[LABEL_SPEC_HASH] === hash);
    for (const stale of existing.filter((c) => c !== kept)) await this.removeContainer(stale.Id);
    this.poweredOff.delete(name);
    if (kept) {
      const container = this.docker.getContainer(kept.Id);
      if (wantsStart(await container.inspect(), spec.restart)) await container.start();
      return;
    }
    await this.ensureImage(spec.image);
    const labels = this.labels(name);
    for (const volume of spec.volumes) await this.ensureVolume(volume.source, labels);
    const container = await this.docker.createContainer({
      name: `ocs-${this.node.name}-${name}`,
      Image: spec.image,
      ...(spec.command?.length ? { Cmd: spec.command } : {}),
      Env: Object.entries(spec.env).map(([key, value]) => `${key}=${value}`),
      Labels: { ...labels, [LABEL_SPEC_HASH]: hash },
      ExposedPorts: Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, {}])),
      HostConfig: {
        PortBindings: Object.fromEntries(spec.ports.map((port) => [`${port}/tcp`, [{ HostIp: this.node.ip, HostPort: String(port) }]])),
        Mounts: spec.volumes.map((v) => ({ Type: 'volume' as const, Source: this.volumeName(v.source), Target: v.target, ReadOnly: v.readOnly })),
        RestartPolicy: RESTART_POLICIES[spec.restart],
      },
    });
    await container.start();
  }

  /** Removes the application's container (running or not); its named volumes stay until removeAll. */
  async remove(name: string): Promise<void> {
    this.poweredOff.delete(name);
    for (const c of await this.containersOf(name)) await this.removeContainer(c.Id);
  }

  /** Every container of this node as the engine sees it (health is the agent's to probe). */
  async list(): Promise<ApplicationReport[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${this.node.name}`] } });
    const reports = await Promise.all(
      containers.map(async (c) => {
        try {
          return this.report(applicationOf(c), await this.docker.getContainer(c.Id).inspect());
        } catch (err) {
          // Removed since the listing (a replacement under way): not there any more.
          if (statusOf(err) === 404) return null;
          throw err;
        }
      }),
    );
    return reports.filter((r): r is ApplicationReport => r !== null);
  }

  /**
   * CPU, memory and network used so far by each running container of the node. One-shot stats:
   * the engine answers from its counters at once instead of sampling for a second.
   */
  async usage(): Promise<ApplicationMetrics[]> {
    const running = await this.docker.listContainers({ filters: { label: [`${LABEL_NODE}=${this.node.name}`], status: ['running'] } });
    const usage = await Promise.all(
      running.map(async (c) => {
        try {
          const stats = (await this.docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true })) as unknown as Dockerode.ContainerStats;
          const networks = Object.values(stats.networks ?? {});
          return {
            name: applicationOf(c),
            cpuSeconds: (stats.cpu_stats?.cpu_usage?.total_usage ?? 0) / 1e9,
            memoryBytes: stats.memory_stats?.usage ?? 0,
            ...(networks.length
              ? { networkReceiveBytes: networks.reduce((sum, n) => sum + n.rx_bytes, 0), networkTransmitBytes: networks.reduce((sum, n) => sum + n.tx_bytes, 0) }
              : {}),
          };
        } catch (err) {
          // Stopped or removed since the listing: it used nothing since.
          if (statusOf(err) === 404 || statusOf(err) === 409) return null;
          throw err;
        }
      }),
    );
    return usage.filter((u): u is NonNullable<typeof u> => u !== null);
  }

  /**
   * The application's log from its last `lines` lines on, as the engine writes it, until `signal`
   * aborts or the container is gone. Resolves false when the node has no such container.
   */
  async followLog(name: string, lines: number, onData: (chunk: Buffer) => void, signal: AbortSignal): Promise<boolean> {
    const [container] = await this.containersOf(name, signal);
    if (!container) return false;
    const stream = await this.docker.getContainer(container.Id).logs({ stdout: true, stderr: true, tail: lines, follow: true, abortSignal: signal });
    const out = new PassThrough();
    out.on('data', onData);
    this.docker.modem.demuxStream(stream, out, out);
    await new Promise<void>((resolve) => {
      stream.on('end', resolve);
      stream.on('error', () => resolve());
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    (stream as Readable).destroy();
    return true;
  }

  /** The last `lines` lines of the application's stdout and stderr, interleaved as written. */
  async logTail(name: string, lines: number): Promise<string> {
    const [container] = await this.containersOf(name);
    if (!container) return '';
    const raw = await this.docker.getContainer(container.Id).logs({ stdout: true, stderr: true, tail: lines, follow: false });
    return demuxLog(raw).split('\n').filter(Boolean).slice(-lines).join('\n');
  }

  /**
   * Runs a command in the application's running container, as `docker exec` does. `signal` bounds
   * every call to the engine (an engine may hang as well as the command). The engine cannot stop
   * the command: once `signal` aborts, the agent stops waiting and the command ends on its own.
   */
  async exec(name: string, argv: string[], opts: { env: Record<string, string>; signal: AbortSignal }): Promise<ExecResult> {
    const abortSignal = opts.signal;
    const container = (await this.containersOf(name, abortSignal)).find((c) => c.State === 'running');
    if (!container) throw new Error(`application ${name} has no running container`);
    const exec = await this.docker.getContainer(container.Id).exec({ Cmd: argv, Env: Object.entries(opts.env).map(([k, v]) => `${k}=${v}`), AttachStdout: true, AttachStderr: true, abortSignal });
    const stream = await exec.start({ hijack: true, stdin: false, abortSignal });
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      const abort = () => {
        (stream as Readable).destroy();
        reject(opts.signal.reason as Error);
      };
      if (opts.signal.aborted) return abort();
      opts.signal.addEventListener('abort', abort, { once: true });
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', reject);
      // An engine may close the connection without ending the stream; the exit code then tells.
      for (const event of ['end', 'close'])
        stream.on(event, () => {
          opts.signal.removeEventListener('abort', abort);
          resolve();
        });
    });
    const frames = demuxFrames(Buffer.concat(chunks));
    const text = (kind: number) => Buffer.concat(frames.filter((f) => f.stream === kind).map((f) => f.data)).toString('utf8');
    return { exitCode: (await exec.inspect({ abortSignal })).ExitCode, stdout: text(STDOUT), stderr: text(STDERR) };
  }

  /** Power off: stops every container of this node and keeps it. */
  async stopAll(): Promise<void> {
    const running = await this.docker.listContainers({ filters: { label: [`${LABEL_NODE}=${this.node.name}`] } });
    await Promise.all(
      running.map(async (c) => {
        this.poweredOff.add(applicationOf(c));
        await ignoring(304, this.docker.getContainer(c.Id).stop({ t: STOP_TIMEOUT_S }));
      }),
    );
  }

  /** Power on: starts every container of this node that is not running. */
  async startAll(): Promise<void> {
    const all = await this.docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${this.node.name}`] } });
    this.poweredOff.clear();
    await Promise.all(all.filter((c) => c.State !== 'running').map((c) => ignoring(304, this.docker.getContainer(c.Id).start())));
  }

  /** Delete: every container and named volume of this node. */
  async removeAll(): Promise<void> {
    const filters = { label: [`${LABEL_NODE}=${this.node.name}`] };
    this.poweredOff.clear();
    await Promise.all((await this.docker.listContainers({ all: true, filters })).map((c) => this.removeContainer(c.Id)));
    const { Volumes: volumes } = await this.docker.listVolumes({ filters });
    await Promise.all((volumes ?? []).map((v) => ignoring(404, this.docker.getVolume(v.Name).remove())));
  }

  /**
   * Force-removes a container; one already gone is fine. Podman (4.3) now and then refuses a
   * container caught between an exit and its policy's restart ("could not be stopped… container
   * state improper"); a moment later it can.
   */
  private async removeContainer(id: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await ignoring(404, this.docker.getContainer(id).remove({ force: true }));
      } catch (err) {
        if (statusOf(err) !== 500 || attempt === REMOVE_ATTEMPTS) throw err;
        await sleep(REMOVE_RETRY_MS);
      }
    }
  }

  private containersOf(name: string, abortSignal?: AbortSignal): Promise<Dockerode.ContainerInfo[]> {
    return this.docker.listContainers({ all: true, filters: { label: [`${LABEL_NODE}=${this.node.name}`, `${LABEL_APPLICATION}=${name}`] }, abortSignal });
  }

  private labels(name: string): Record<string, string> {
    return { [LABEL_NODE]: this.node.name, [LABEL_APPLICATION]: name, ...(this.node.unitGroup ? { [LABEL_UNIT_GROUP]: this.node.unitGroup } : {}) };
  }

  /** Volume names are the node's own, so two nodes on one host never share data. */
  private volumeName(source: string): string {
    return `ocs-${this.node.name}-${source}`;
  }

  private async ensureVolume(source: string, labels: Record<string, string>): Promise<void> {
    const name = this.volumeName(source);
    try {
      await this.docker.getVolume(name).inspect();
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
      // Created here rather than implicitly by the mount, so it carries the node's labels and delete finds it.
      await this.docker.createVolume({ Name: name, Labels: labels });
    }
  }

  /** The image, pulled only when the host does not have it. */
  private async ensureImage(image: string): Promise<void> {
    try {
      await this.docker.getImage(image).inspect();
      return;
    } catch (err) {
      if (statusOf(err) !== 404) throw err;
    }
    try {
      const progress = await this.docker.pull(image);
      // A failed pull still answers 200: the failure is a message in the progress stream.
      const events = await new Promise<{ error?: string }[]>((resolve, reject) => this.docker.modem.followProgress(progress, (err, out) => (err ? reject(err) : resolve(out))));
      const failure = events.find((e) => e.error);
      if (failure) throw new Error(failure.error);
    } catch (err) {
      throw new ImageUnavailableError(`image ${image} is not on this host and cannot be pulled: ${(err as Error).message}`, { cause: err });
    }
  }

  private report(name: string, info: Dockerode.ContainerInspectInfo): ApplicationReport {
    const state = stateOf(info.State.Status, this.poweredOff.has(name));
    const ended = state === 'exited' || state === 'stopped';
    const startedAt = info.State.StartedAt;
    return {
      name,
      kind: 'container',
      state,
      restarts: info.RestartCount,
      ...(ended ? { exitCode: info.State.ExitCode } : {}),
      ...(startedAt && !startedAt.startsWith(ZERO_TIME_PREFIX) ? { startedAt: new Date(startedAt).toISOString() } : {}),
    };
  }
}

/** SHA-256 of the spec with sorted keys, and of the address its ports are published on (a new address needs a new container too). */
export function specHash(spec: ContainerSpec, ip: string): string {
  return createHash('sha256').update(canonicalJson({ spec, ip })).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

function applicationOf(container: Dockerode.ContainerInfo): string {
  return container.Labels[LABEL_APPLICATION] ?? container.Id;
}

function stateOf(status: string, poweredOff: boolean): ApplicationState {
  if (status === 'running') return 'running';
  if (status === 'created' || status === 'restarting') return 'starting';
  // exited, dead, paused, and Podman's own "stopped"
  return poweredOff || status === 'paused' ? 'stopped' : 'exited';
}

/** Whether a kept container that is not running should be: never started, or ended and its policy says run again. */
function wantsStart(info: Dockerode.ContainerInspectInfo, restart: RestartPolicy): boolean {
  const { Status: status, ExitCode: exitCode } = info.State;
  if (status === 'created') return true;
  if (status !== 'exited' && status !== 'stopped') return false;
  return restart === 'always' || (restart === 'on-failure' && exitCode !== 0 && info.RestartCount < MAX_FAILURE_RESTARTS);
}
