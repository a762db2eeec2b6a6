// The contract between the node agent and the portal. The agent dials home: it registers once
// with a one-time bootstrap token bound to its node, then keeps one long-poll "sync" call open
// that carries its reports and heartbeats out and brings the node's desired state back.
//
//   POST /api/agent/v1/register   body RegisterRequest                      -> RegisterResponse
//   POST /api/agent/v1/sync?wait=S  Authorization: Bearer <credential>, body SyncRequest -> SyncResponse
//        (answers at once when the desired version differs from the one the agent applied,
//         else when it changes or after S seconds)
//   GET  /api/agent/v1/agent.mjs  the agent itself, with X-OCS-Agent-Version and X-OCS-Agent-SHA256
//
// Both ends validate every message with these schemas.
import { z } from 'zod';

/** Set in the bundle (lib/agent-bundle.ts); "dev" when run from the sources. */
export const AGENT_VERSION = process.env.OCS_AGENT_VERSION ?? 'dev';

export const AGENT_API_PATH = '/api/agent/v1';

/** Application names become file and container names, so keep them to a safe alphabet. */
export const applicationNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** What to do when an application exits: as Docker's restart policies. */
export const restartPolicySchema = z.enum(['always', 'on-failure', 'no']);

/**
 * Placeholders the agent fills in, as only the node knows them (e.g. where its folder is).
 * nodeRunDir: a short private folder of the node's for unix sockets and daemons' spools, whose
 * paths must fit in 107 bytes however deep the node's folder is (agent/node-config.ts nodeRunDir).
 */
export const NODE_PLACEHOLDERS = { nodeIp: '{{nodeIp}}', port: '{{port}}', nodeDir: '{{nodeDir}}', nodeRunDir: '{{nodeRunDir}}', nodeUser: '{{nodeUser}}' } as const;

/** A path inside the node's folder: relative, without "." or "..", so a spec cannot write elsewhere. */
export function isNodeRelativePath(p: string): boolean {
  return p.split('/').every((part) => part !== '' && part !== '.' && part !== '..');
}

export const NODE_RELATIVE_PATH_MESSAGE = 'expected a relative path inside the node\'s folder, without ".."';

const nodeRelativePath = z.string().min(1).max(200).refine(isNodeRelativePath, NODE_RELATIVE_PATH_MESSAGE);

/** A file the agent writes before it starts the application (configuration, keys, start scripts). */
export const applicationFileSchema = z.strictObject({
  path: nodeRelativePath,
  /** The NODE_PLACEHOLDERS in it are replaced by the agent. */
  content: z.string().max(256 * 1024),
  mode: z.number().int().min(0).max(0o777).default(0o644),
});

/** An application run as a process of the node (a template's `local:` form). */
export const processSpecSchema = z.strictObject({
  /** argv; the NODE_PLACEHOLDERS in any element, and in env values, are replaced by the agent. */
  command: z.array(z.string()).min(1),
  /** Relative to the node's folder. */
  cwd: nodeRelativePath.optional(),
  env: z.record(z.string(), z.string()).optional(),
  /** Written, with their folders, before every start; removed with the application. */
  files: z.array(applicationFileSchema).optional(),
  /** TCP port the application listens on, on the node's own address. */
  port: z.number().int().min(1).max(65535).optional(),
  /** HTTP path answering 2xx/3xx when the application is healthy. */
  healthPath: z.string().startsWith('/').optional(),
  /** Without a health path: healthy once the port accepts a TCP connection. */
  healthTcp: z.boolean().optional(),
  restart: restartPolicySchema.default('on-failure'),
});

/** An application run as a container through the host's Docker Engine API (Docker or Podman). */
export const containerSpecSchema = z.strictObject({
  image: z.string().min(1),
  /** Overrides the image's command when given. */
  command: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).default({}),
  /** Published on the node's address under the same number. */
  ports: z.array(z.number().int().min(1).max(65535)).default([]),
  /** Named volumes (created with the node's labels, so delete finds them) mounted at target. */
  volumes: z
    .array(z.strictObject({ source: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/), target: z.string().startsWith('/'), readOnly: z.boolean().default(false) }))
    .default([]),
  /** Probed on the node's address: an HTTP GET of path, or a TCP connect when there is no path. */
  health: z.strictObject({ port: z.number().int().min(1).max(65535), path: z.string().startsWith('/').optional() }).optional(),
  restart: restartPolicySchema.default('always'),
});

/**
 * A batch scheduler the application runs, whose queue the agent reports (cloud burst reads it).
 * Its commands run as the application sees the cluster: with the process's environment (e.g. its
 * SLURM_CONF), or inside the container.
 */
export const workQueueSpecSchema = z.strictObject({ scheduler: z.literal('slurm') });

export const desiredApplicationSchema = z.discriminatedUnion('kind', [
  z.strictObject({ name: z.string().regex(applicationNamePattern), kind: z.literal('process'), process: processSpecSchema, workQueue: workQueueSpecSchema.optional() }),
  z.strictObject({
    name: z.string().regex(applicationNamePattern),
    kind: z.literal('container'),
    container: containerSpecSchema,
    /** Run instead when the image is neither on the host nor pullable (e.g. Slurm from the host's own packages). */
    process: processSpecSchema.optional(),
    workQueue: workQueueSpecSchema.optional(),
  }),
]);

/** A WireGuard public key: 32 bytes in base64. */
const wireguardKey = z.string().regex(/^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw480]=$/, 'expected a WireGuard public key (32 bytes in base64)');
/** "host:port", IPv4 only (the overlay and the relay speak UDP over IPv4). */
const udpEndpoint = z.string().regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, 'expected host:port');

/** Another node of the unit group's private network, as this node's agent should see it. */
export const overlayPeerSchema = z.strictObject({
  nodeId: z.uuid(),
  name: z.string(),
  publicKey: wireguardKey,
  /** Its address on the overlay (a /32 route to it). */
  address: z.string(),
  /** Where it may be reached directly, best first (its own addresses with its WireGuard port). */
  endpoints: z.array(udpEndpoint),
});

/**
 * The unit group's private network (WireGuard): this node's address on it, its peers, and the
 * relay that carries what two nodes cannot send each other directly. The node's private key never
 * leaves it: the agent makes it and reports only the public key.
 */
export const desiredNetworkSchema = z.strictObject({
  /** e.g. 100.64.3.5/24 */
  address: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/),
  peers: z.array(overlayPeerSchema),
  relay: z.strictObject({ endpoint: udpEndpoint, ticket: z.string().min(1) }).optional(),
});

/** Who may log in to the node over SSH: kept in the authorized_keys of the account the agent runs as. */
export const desiredLoginSchema = z.strictObject({
  /** authorized_keys lines of the members allowed to log in: `<type> <base64> ocs:<e-mail>`. */
  keys: z.array(z.string().regex(/^[^\r\n]+$/, 'expected one line')),
});

/** What should run on a node. The portal bumps `version` on every change. */
// What the portal sends is read leniently (unknown fields dropped): an agent keeps working with a
// newer portal until it is replaced. What agents send stays strict.
export const desiredStateSchema = z.object({
  version: z.number().int().min(0),
  applications: z.array(desiredApplicationSchema),
  network: desiredNetworkSchema.optional(),
  /** Absent for nodes on the portal's own machine: a login there would be a shell on the portal's machine. */
  login: desiredLoginSchema.optional(),
});

/** How the agent reaches a peer: directly, through the relay, or not (yet). */
export const peerPathSchema = z.enum(['direct', 'relay', 'none']);

export const overlayReportSchema = z.strictObject({
  /** up: the interface carries the address; error: it could not be set up (problem says why). */
  state: z.enum(['up', 'error']),
  problem: z.string().max(1000).optional(),
  /** kernel WireGuard or userspace wireguard-go. */
  implementation: z.enum(['kernel', 'userspace']).optional(),
  publicKey: wireguardKey.optional(),
  /** This node's candidate endpoints for direct traffic: its addresses with its WireGuard port. */
  endpoints: z.array(udpEndpoint),
  relayRegistered: z.boolean(),
  peers: z.array(z.strictObject({ nodeId: z.uuid(), path: peerPathSchema })),
});

export const applicationStateSchema = z.enum(['starting', 'running', 'exited', 'stopped']);

/** At most this many pending jobs (the oldest) and nodes are listed in a work queue report. */
export const WORK_QUEUE_LIST_MAX = 200;

export const pendingJobSchema = z.strictObject({
  /** As the scheduler names it: "42", or "43_[1-10]" for the pending tasks of an array job. */
  jobId: z.string().min(1),
  /** ISO time: how long the job has waited is measured from here. */
  submittedAt: z.iso.datetime(),
  /** Nodes it asks for. */
  nodes: z.number().int().min(0),
  /** Why it waits, as the scheduler says (Resources, Priority, …). */
  reason: z.string(),
});

export const workQueueNodeSchema = z.strictObject({
  name: z.string().min(1),
  /** Where the scheduler reaches it (Slurm's NodeAddr): the portal knows its nodes by it. */
  address: z.string(),
  /** As the scheduler says it: idle, allocated, mixed, drained, down*, idle~ … */
  state: z.string().min(1),
});

/**
 * The scheduler's queue as the application saw it, or why it could not be read. `at` is when this
 * content was first seen (the report is sent only when something changed, so it is not the time
 * of the last reading).
 */
export const workQueueReportSchema = z.union([
  z.strictObject({
    at: z.iso.datetime(),
    /** Every pending job, of which `pendingJobs` lists the oldest. */
    pendingJobCount: z.number().int().min(0),
    pendingJobs: z.array(pendingJobSchema).max(WORK_QUEUE_LIST_MAX),
    nodes: z.array(workQueueNodeSchema).max(WORK_QUEUE_LIST_MAX),
  }),
  z.strictObject({ at: z.iso.datetime(), problem: z.string().max(1000) }),
]);

export const applicationReportSchema = z.strictObject({
  name: z.string(),
  kind: z.enum(['process', 'container']),
  state: applicationStateSchema,
  /** Result of the last health probe; absent when the application has no health check. */
  healthy: z.boolean().optional(),
  restarts: z.number().int().min(0),
  exitCode: z.number().int().nullable().optional(),
  startedAt: z.string().optional(),
  /** The last lines of its log, sent while it is not healthy, so the portal can say why. */
  logTail: z.string().max(4000).optional(),
  /** Why the agent could not run it at all (e.g. the image cannot be pulled). */
  problem: z.string().max(1000).optional(),
  /** Its scheduler's queue, while it runs and its desired spec names a work queue. */
  workQueue: workQueueReportSchema.optional(),
});

export const capabilitiesSchema = z.strictObject({
  processes: z.boolean(),
  /** A Docker-compatible engine answers on the host. */
  containers: z.boolean(),
  /** e.g. "Docker 28.2.2" or "Podman Engine 4.3.1". */
  containerEngine: z.string().optional(),
});

/** Counters are cumulative (the portal turns them into rates); an older agent sends only the first fields. */
const applicationMetricsSchema = z.strictObject({
  name: z.string(),
  /** CPU seconds used so far by the application (every process it started, or its container). */
  cpuSeconds: z.number(),
  memoryBytes: z.number(),
  /** A container's own network, where it has one. */
  networkReceiveBytes: z.number().optional(),
  networkTransmitBytes: z.number().optional(),
});

export const gpuMetricsSchema = z.strictObject({
  name: z.string(),
  /** 0–100 */
  utilizationPercent: z.number(),
  memoryUsedBytes: z.number(),
  memoryTotalBytes: z.number(),
});

export const metricsSnapshotSchema = z.strictObject({
  at: z.string(),
  /** Load average over a minute, and the machine's processors, memory and the agent's own use. */
  load1: z.number(),
  cpus: z.number().int(),
  memoryTotalBytes: z.number(),
  memoryAvailableBytes: z.number(),
  /** CPU seconds the machine's processors spent busy since it booted. */
  cpuBusySeconds: z.number().optional(),
  /** The filesystem holding the node's folder. */
  diskTotalBytes: z.number().optional(),
  diskAvailableBytes: z.number().optional(),
  /** Bytes through the machine's interfaces other than loopback since they came up. */
  networkReceiveBytes: z.number().optional(),
  networkTransmitBytes: z.number().optional(),
  gpus: z.array(gpuMetricsSchema).optional(),
  applications: z.array(applicationMetricsSchema),
});

/** How people log in to the node over SSH: the account whose authorized_keys the agent keeps, and the host's keys. */
export const nodeLoginSchema = z.strictObject({
  user: z.string(),
  /** As `ssh-keygen -l` prints them: SHA256:… per key type. */
  hostKeys: z.array(z.strictObject({ type: z.string(), fingerprint: z.string() })),
  /** Members' keys the agent has installed. */
  keysInstalled: z.number().int().min(0),
  /** Why the keys could not be installed, or the host keys not read. */
  problem: z.string().max(1000).optional(),
});

export const agentReportSchema = z.strictObject({
  agentVersion: z.string(),
  /** When this agent process started. */
  startedAt: z.string(),
  hostname: z.string(),
  /** The desired version the agent has converged to. */
  appliedVersion: z.number().int().min(0),
  capabilities: capabilitiesSchema,
  applications: z.array(applicationReportSchema),
  metrics: metricsSnapshotSchema.optional(),
  /** Present once the portal gave the node a private network. */
  overlay: overlayReportSchema.optional(),
  /** Present while the desired state has a login. */
  login: nodeLoginSchema.optional(),
});

export const registerRequestSchema = z.strictObject({
  token: z.string().min(1),
  agentVersion: z.string(),
  hostname: z.string(),
});

export const registerResponseSchema = z.strictObject({
  nodeId: z.string(),
  nodeName: z.string(),
  /** Presented on every later call; the portal keeps only its hash. */
  credential: z.string(),
});

export const syncRequestSchema = z.strictObject({
  /** Sent when anything in it changed since the last acknowledged sync, and on the first one. */
  report: agentReportSchema.optional(),
  /** The version the agent holds, so the portal answers at once when it is behind. */
  appliedVersion: z.number().int().min(0),
});

/** A browser session the portal relays through the agent, which dials in for it (lib/node-sessions). */
export const sessionOfferSchema = z.discriminatedUnion('kind', [
  z.strictObject({ id: z.uuid(), kind: z.literal('terminal'), columns: z.number().int().positive(), rows: z.number().int().positive() }),
  z.strictObject({ id: z.uuid(), kind: z.literal('logs'), application: z.string() }),
]);

/** What goes on a session's WebSocket besides raw bytes (terminal input and output are binary frames). */
export const sessionControlSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('resize'), columns: z.number().int().positive(), rows: z.number().int().positive() }),
  z.strictObject({ type: z.literal('exit'), code: z.number().int().nullable() }),
  z.strictObject({ type: z.literal('error'), message: z.string() }),
]);

export const syncResponseSchema = z.object({
  desired: desiredStateSchema,
  /** How long the agent may wait between syncs; the portal declares it dead after a few of these. */
  heartbeatSeconds: z.number().positive(),
  /** How often the agent sends metrics (absent from an older portal: once a minute). */
  metricsSeconds: z.number().positive().optional(),
  /** The agent version the portal serves; an agent of another version may update itself. */
  agentVersion: z.string(),
  /** Sessions waiting for the agent to dial in (absent from an older portal). */
  sessions: z.array(sessionOfferSchema).optional(),
});

export type RestartPolicy = z.infer<typeof restartPolicySchema>;
export type ProcessSpec = z.input<typeof processSpecSchema>;
export type ApplicationFile = z.input<typeof applicationFileSchema>;
export type ContainerSpec = z.infer<typeof containerSpecSchema>;
export type DesiredApplication = z.infer<typeof desiredApplicationSchema>;
export type WorkQueueSpec = z.infer<typeof workQueueSpecSchema>;
export type PendingJob = z.infer<typeof pendingJobSchema>;
export type WorkQueueNode = z.infer<typeof workQueueNodeSchema>;
export type WorkQueueReport = z.infer<typeof workQueueReportSchema>;
export type DesiredState = z.infer<typeof desiredStateSchema>;
export type DesiredNetwork = z.infer<typeof desiredNetworkSchema>;
export type DesiredLogin = z.infer<typeof desiredLoginSchema>;
export type OverlayPeer = z.infer<typeof overlayPeerSchema>;
export type OverlayReport = z.infer<typeof overlayReportSchema>;
export type PeerPath = z.infer<typeof peerPathSchema>;
export type ApplicationState = z.infer<typeof applicationStateSchema>;
export type ApplicationReport = z.infer<typeof applicationReportSchema>;
export type Capabilities = z.infer<typeof capabilitiesSchema>;
export type MetricsSnapshot = z.infer<typeof metricsSnapshotSchema>;
export type ApplicationMetrics = z.infer<typeof applicationMetricsSchema>;
export type GpuMetrics = z.infer<typeof gpuMetricsSchema>;
export type AgentReport = z.infer<typeof agentReportSchema>;
export type NodeLogin = z.infer<typeof nodeLoginSchema>;
export type SessionOffer = z.infer<typeof sessionOfferSchema>;
export type SessionControl = z.infer<typeof sessionControlSchema>;
export type RegisterRequest = z.infer<typeof registerRequestSchema>;
export type RegisterResponse = z.infer<typeof registerResponseSchema>;
export type SyncRequest = z.infer<typeof syncRequestSchema>;
export type SyncResponse = z.infer<typeof syncResponseSchema>;
