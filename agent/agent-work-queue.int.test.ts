// The agent as the portal hears it: the real Agent, its processes and its NodeContainers, dialling
// the portal's real agent endpoints (test/agent-portal.ts, PostgreSQL behind them); what it
// reports lands in the node's applications rows, as workers and cloud burst read it. Where
// containers are wanted, the engine is a wire-level stand-in for the Docker Engine API
// (test/docker-api-stub.ts) that can hang at each step of `docker exec`. Slurm's squeue and sinfo
// are stand-in scripts in the node's folder (the real Slurm's queue is agent/work-queue.int.test.ts's).
// What it reports of work queues and of applications it cannot start. The portal listens on
// 127.93.1.1 and the node is 127.93.1.2 only.
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { putDesiredApplication } from '@/lib/agent-channel/desired-state';
import { workQueueOf } from '@/lib/burst/work-queue';
import { closeDb, db } from '@/lib/db/client';
import { applications, nodes, type Node } from '@/lib/db/schema';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { startDockerApiStub, type DockerApiStub } from '@/test/docker-api-stub';
import { nodeRecords } from '@/test/fixtures';
import { Agent } from './agent';
import { ApplicationManager } from './applications';
import { detectContainerEngine, type NodeContainers } from './containers';
import { nodeRunDir, type NodeConfig } from './node-config';
import { stopNodeApplications } from './node-processes';
import { Overlay } from './overlay/overlay';
import { desiredApplicationSchema, type ApplicationReport } from './protocol';

const PORTAL_IP = '127.93.1.1';
const NODE_IP = '127.93.1.2';
const SQUEUE_OUT = '7|2026-12-01T10:48:30|2|Resources\n';
const SINFO_OUT = 'n1|127.93.1.3|allocated\n';
const QUEUE = { pendingJobCount: 1, pendingJobs: [{ jobId: '7', submittedAt: '2026-12-01T10:48:30.000Z', nodes: 2, reason: 'Resources' }], nodes: [{ name: 'n1', address: '127.93.1.3', state: 'allocated' }] };

/** Slurm's process form, with stand-ins for its commands: squeue prints the node folder's "queue" file. */
const SLURM_PROCESS = {
  command: ['sleep', '60'],
  env: { PATH: '{{nodeDir}}/bin:/usr/bin:/bin' },
  files: [
    { path: 'bin/squeue', content: '#!/bin/sh\ncat "$NODE_DIR/queue"\n', mode: 0o755 },
    { path: 'bin/sinfo', content: `#!/bin/sh\necho '${SINFO_OUT.trim()}'\n`, mode: 0o755 },
  ],
  restart: 'no' as const,
};

let portal: AgentPortal;
let node: Node;
let config: NodeConfig;
let stateDir: string;
const done: (() => Promise<unknown>)[] = [];

/** Sets one application of the node's desired state, as workers do. */
async function putDesired(app: unknown): Promise<void> {
  const spec = desiredApplicationSchema.parse(app);
  await putDesiredApplication(db(), node.id, { spec, image: spec.kind === 'container' ? spec.container.image : 'process', port: null, url: null });
}

/** The application as the portal keeps its last report. */
async function reportOf(name: string): Promise<ApplicationReport | null | undefined> {
  const [row] = await db()
    .select({ report: applications.report })
    .from(applications)
    .where(and(eq(applications.nodeId, node.id), eq(applications.name, name)));
  return row?.report;
}

async function nodeRow(): Promise<Node> {
  const [row] = await db().select().from(nodes).where(eq(nodes.id, node.id));
  return row!;
}

/** A wire-level engine, gone after the test. */
async function engine(opts: Parameters<typeof startDockerApiStub>[0]): Promise<{ stub: DockerApiStub; containers: NodeContainers; description: string }> {
  const stub = await startDockerApiStub(opts);
  done.push(() => stub.close());
  const found = await detectContainerEngine({ socketPath: stub.socketPath });
  if (!found) throw new Error(`no engine answers on ${stub.socketPath}`);
  return { stub, containers: found.forNode({ name: config.name, ip: config.ip }), description: found.description };
}

/**
 * Starts the agent on the node's folder as main.ts does: its processes taken back, its desired
 * state restored, then syncing with the portal. Its applications outlive it, as on a node.
 */
async function startAgent(opts: { containers?: NodeContainers; engine?: string; workQueueTimeoutMs?: number } = {}): Promise<{ agent: Agent; stop: () => Promise<void> }> {
  let agent: Agent | undefined;
  const processes = new ApplicationManager({ name: config.name, ip: config.ip }, stateDir, () => {}, () => void agent?.noticeChanges().catch(() => {}));
  agent = new Agent({
    stateDir,
    node: config,
    processes,
    containers: opts.containers ?? null,
    containerEngine: opts.engine,
    overlay: new Overlay({ stateDir, nodeName: config.name, nodeIp: config.ip, log: () => {} }),
    log: () => {},
    workQueueTimeoutMs: opts.workQueueTimeoutMs,
  });
  await processes.restore();
  await agent.restore();
  const running = agent.run();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    agent.stop();
    await running;
  };
  done.unshift(stop);
  return { agent, stop };
}

beforeAll(async () => {
  portal = await startAgentPortal({ host: PORTAL_IP });
});

afterAll(async () => {
  await portal?.close();
  await closeDb();
});

/** A node record of its own with a bootstrap token in a fresh folder: its agent registers on its first sync. */
beforeEach(async () => {
  [node] = (await nodeRecords(1)) as [Node];
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'ocs-agent-wq-'));
  config = { name: node.name, ip: NODE_IP, portalUrl: portal.url, tags: {} };
  await writeFile(path.join(stateDir, 'bootstrap-token'), await issueBootstrapToken(db(), node.id), { mode: 0o600 });
  await writeFile(path.join(stateDir, 'queue'), SQUEUE_OUT);
  done.push(
    () => stopNodeApplications(stateDir),
    () => rm(stateDir, { recursive: true, force: true }),
    () => rm(nodeRunDir(node.name), { recursive: true, force: true }),
  );
});

afterEach(async () => {
  for (const step of done.splice(0)) await step();
});

describe('the agent with the portal', { timeout: 60_000 }, () => {
  it('reads the queue of a container\'s application that runs its process form after a restart without an engine, also once an engine is found', async () => {
    await putDesired({ name: 'slurmctld', kind: 'container', container: { image: 'ocs/slurm:absent' }, process: SLURM_PROCESS, workQueue: { scheduler: 'slurm' } });
    // The first run had no engine: the process form runs, and the desired state is kept in the folder.
    const first = await startAgent();
    await vi.waitFor(async () => expect(await reportOf('slurmctld')).toMatchObject({ kind: 'process', state: 'running' }), { timeout: 15_000, interval: 100 });
    await first.stop();

    // Restarted, still without an engine: it takes the process back and reads the queue beside it.
    const { agent } = await startAgent();
    await vi.waitFor(
      async () => {
        await agent.readWorkQueues();
        expect(await reportOf('slurmctld')).toMatchObject({ kind: 'process', state: 'running', workQueue: { at: expect.any(String), ...QUEUE } });
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(await workQueueOf(db(), node.unitGroupId)).toMatchObject({ nodeId: node.id, application: 'slurmctld', queue: QUEUE });

    // An engine found later has no container of it: the queue is still read beside the process.
    const found = await engine({ containers: [] });
    agent.useContainers(found.containers, found.description);
    await writeFile(path.join(stateDir, 'queue'), '');
    await vi.waitFor(
      async () => {
        await agent.readWorkQueues();
        expect(await reportOf('slurmctld')).toMatchObject({ kind: 'process', state: 'running', workQueue: { at: expect.any(String), pendingJobCount: 0, pendingJobs: [], nodes: QUEUE.nodes } });
      },
      { timeout: 15_000, interval: 100 },
    );
    expect((await nodeRow()).capabilities).toMatchObject({ containers: true, containerEngine: found.description });
    expect(found.stub.asked).not.toContain('create');
  });

  it('reports a container\'s queue whose engine hangs as a problem within the deadline, and reads it again the next round', async () => {
    const found = await engine({ hangAt: 'start', answer: (argv) => ({ stdout: argv[0] === 'squeue' ? SQUEUE_OUT : SINFO_OUT }) });
    await putDesired({ name: 'slurmctld', kind: 'container', container: { image: 'ocs/slurm:1' }, workQueue: { scheduler: 'slurm' } });
    const { agent } = await startAgent({ containers: found.containers, engine: found.description, workQueueTimeoutMs: 200 });
    await vi.waitFor(async () => expect(await reportOf('slurmctld')).toMatchObject({ kind: 'container', state: 'running' }), { timeout: 15_000, interval: 100 });

    // The round ends (well) within the test's patience, whatever the engine does.
    const round = agent.readWorkQueues().then(() => 'ended');
    expect(await Promise.race([round, sleep(2000).then(() => 'still reading after 2 s')])).toBe('ended');
    await vi.waitFor(
      async () => expect(await reportOf('slurmctld')).toMatchObject({ kind: 'container', state: 'running', workQueue: { at: expect.any(String), problem: 'squeue and sinfo did not answer within 0.2 s' } }),
      { timeout: 10_000, interval: 100 },
    );
    // Both commands' connections were given up, not left to the engine.
    await vi.waitFor(() => expect(found.stub.dropped).toEqual(['start', 'start']));

    found.stub.hangAt = undefined;
    await vi.waitFor(
      async () => {
        await agent.readWorkQueues();
        expect((await reportOf('slurmctld'))?.workQueue).toEqual({ at: expect.any(String), ...QUEUE });
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(await workQueueOf(db(), node.unitGroupId)).toMatchObject({ application: 'slurmctld', queue: QUEUE });
  });

  it('reports an application whose run folder another user took over as its problem, and goes on syncing', async () => {
    // Made before the agent got to it: a link to a folder of the other user's choosing.
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'ocs-elsewhere-'));
    done.push(() => rm(elsewhere, { recursive: true, force: true }));
    await symlink(elsewhere, nodeRunDir(node.name));
    // Its socket goes in the run folder, as MUNGE's does in OpenHPC's template.
    await putDesired({ name: 'munge', kind: 'process', process: { command: ['sleep', '60'], env: { SOCKET: '{{nodeRunDir}}/munge.socket' }, restart: 'no' } });

    await startAgent();
    const problem = `the node's run folder ${nodeRunDir(node.name)} cannot be used: it is a symbolic link`;
    await vi.waitFor(async () => expect(await reportOf('munge')).toMatchObject({ kind: 'process', state: 'exited', problem }), { timeout: 15_000, interval: 100 });
    const applied = await nodeRow();
    expect(applied.appliedVersion).toBe(applied.desiredVersion);

    // Still syncing: a change to the desired state is applied and reported.
    await putDesired({ name: 'slurmd', kind: 'process', process: { command: ['sleep', '60'], env: { SPOOL: '{{nodeRunDir}}/spool' }, restart: 'no' } });
    await vi.waitFor(
      async () => {
        const row = await nodeRow();
        expect(row.desiredVersion).toBeGreaterThan(applied.desiredVersion);
        expect(row.appliedVersion).toBe(row.desiredVersion);
        expect(await reportOf('slurmd')).toMatchObject({ kind: 'process', state: 'exited', problem });
      },
      { timeout: 15_000, interval: 100 },
    );
  });
});
