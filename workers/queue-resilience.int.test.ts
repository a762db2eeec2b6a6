import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, buildSteps, nodes } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { requestUnitGroupDeletion } from '@/lib/unit-groups/request-deletion';
import { freePort } from '@/scripts/services/free-port';
import { startLocalRedis, type RunningRedis } from '@/scripts/services/redis';
import { localResourcesOf, organizationWithMember, uniqueName, until } from '@/test/fixtures';

// Redis only carries work; PostgreSQL is the source of truth. These tests kill workers at random,
// flush Redis and kill node agents, and check that every build still ends as it should. They run
// on a Redis of their own, since they flush it.
const root = path.resolve(import.meta.dirname, '..');
const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];
/** The running workers and when each was started: one younger than WORKER_READY_MS holds no job yet. */
const workers = new Map<ChildProcess, number>();
const WORKER_READY_MS = 3000;
const unitGroupIds: string[] = [];
let redis: RunningRedis;
let scratch: string;
let actor: Actor;

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      // A short lock: a killed worker's job is taken over within seconds.
      WORKER_LOCK_MS: '2000',
      WORKER_CONCURRENCY: '4',
      // Fewer pooled connections than jobs at once: unit group locks must not starve the pool.
      PG_POOL_MAX: '2',
      OCS_RECONCILE_MS: '1000',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[worker ${child.pid}] ${d}`));
  workers.set(child, Date.now());
  child.once('exit', () => workers.delete(child));
  return child;
}

async function killWorker(child: ChildProcess): Promise<void> {
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}


async function submit(prefix: string, nodeCount: number): Promise<string> {
  const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName(prefix), provider: 'local', flavor: 'small', parameters: { nodes: nodeCount } });
  unitGroupIds.push(unitGroupId);
  return buildId;
}

async function statuses(ids: string[]) {
  return db().select({ id: builds.id, status: builds.status, error: builds.error, unitGroupId: builds.unitGroupId }).from(builds).where(inArray(builds.id, ids));
}

const allFinished = (ids: string[]) => async () => {
  const rows = await statuses(ids);
  return rows.every((b) => TERMINAL.includes(b.status)) && rows;
};

async function stepRunning(buildIds: string[]): Promise<boolean> {
  const [row] = await db().select({ id: buildSteps.id }).from(buildSteps).where(and(inArray(buildSteps.buildId, buildIds), eq(buildSteps.status, 'RUNNING'))).limit(1);
  return row !== undefined;
}

/** Node names of the agent processes running on this machine for this test run's state folder. */
function agentProcessNodeNames(): string[] {
  const stateDir = process.env.OCS_LOCAL_STATE_DIR!;
  const names: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const dir = argv[argv.indexOf('--state-dir') + 1];
      if (argv.includes('--state-dir') && dir?.startsWith(stateDir + path.sep)) names.push(path.basename(dir));
    } catch {
      /* the process ended while we looked */
    }
  }
  return names;
}

/** Each unit group has exactly the nodes it records, and the provider holds exactly those. */
async function expectExactNodes(ids: string[], wanted: Map<string, number>): Promise<void> {
  for (const b of await statuses(ids)) {
    const rows = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, b.unitGroupId!), isNull(nodes.deletedAt)));
    expect(rows, `nodes of build ${b.id}`).toHaveLength(wanted.get(b.id)!);
    const held = await localResourcesOf(b.unitGroupId!);
    expect(new Set(held.map((r) => r.ipAddress))).toEqual(new Set(rows.map((n) => n.ipAddress)));
  }
  const known = new Set((await db().select({ name: nodes.name }).from(nodes).where(isNull(nodes.deletedAt))).map((n) => n.name));
  const unknown = agentProcessNodeNames().filter((name) => !known.has(name));
  expect(unknown, 'agent processes the database does not know').toEqual([]);
}

beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), 'ocs-resilience-'));
  redis = await startLocalRedis({ dataDir: scratch, port: await freePort() });
  process.env.REDIS_URL = redis.url;
  process.env.OCS_QUEUE_PREFIX = `${process.env.OCS_QUEUE_PREFIX}-resilience`;
  // An organization of its own, with room for every node these tests make.
  ({ actor } = await organizationWithMember({ maxNodes: 100 }));
});

afterAll(async () => {
  try {
    for (const w of [...workers.keys()]) await killWorker(w);
    // Tear down what the tests built, through the queue as the portal does, and check nothing is left.
    startWorker();
    for (const id of unitGroupIds) await requestUnitGroupDeletion(db(), actor, id).catch(() => {});
    await until('every unit group to be torn down', async () => (await Promise.all(unitGroupIds.map((id) => localResourcesOf(id)))).every((r) => r.length === 0), 90_000);
  } finally {
    for (const w of [...workers.keys()]) await killWorker(w);
    await closeQueue();
    await closeDb();
    await redis.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}, 180_000);

describe('work survives Redis losing its data', () => {
  it('builds submitted while no worker runs, then FLUSHALL, all succeed once a worker starts', async () => {
    const ids = [await submit('flushed', 1), await submit('flushed', 2), await submit('flushed', 1)];
    const flusher = new Redis(redis.url);
    await flusher.flushall();
    await flusher.quit();
    startWorker();
    const done = await until('the flushed builds to finish', allFinished(ids), 60_000);
    expect(done.map((b) => b.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
  });

  it('FLUSHALL while builds are queued and running: every build still reaches SUCCEEDED', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push(await submit('flush-running', (i % 3) + 1));
    await until('a build to be running', async () => (await statuses(ids)).some((b) => b.status === 'RUNNING'), 30_000, 50);
    const flusher = new Redis(redis.url);
    await flusher.flushall();
    await flusher.quit();
    const done = await until('every build to finish', allFinished(ids), 120_000);
    expect(done.filter((b) => b.status !== 'SUCCEEDED')).toEqual([]);
    await expectExactNodes(ids, new Map(ids.map((id, i) => [id, (i % 3) + 1])));
  });
});

describe('worker chaos', () => {
  it('finishes 20 builds of 1–3 nodes while workers are SIGKILLed at random moments', async () => {
    for (const w of [...workers.keys()]) await killWorker(w);
    startWorker();
    startWorker();
    const sizes = Array.from({ length: 20 }, (_, i) => (i % 3) + 1);
    const ids: string[] = [];
    for (const n of sizes) ids.push(await submit('chaos', n));

    let kills = 0;
    const deadline = Date.now() + 150_000;
    // Every 0.2–1 s while builds are unfinished, kill a random worker that holds work (one started
    // long enough ago to have taken jobs, while a step runs), always starting a replacement: a kill
    // landing on a worker still starting would prove nothing.
    while (kills < 8 && Date.now() < deadline && !(await allFinished(ids)())) {
      await sleep(200 + Math.random() * 800);
      const victims = [...workers].filter(([, startedAt]) => Date.now() - startedAt >= WORKER_READY_MS).map(([w]) => w);
      const victim = victims[Math.floor(Math.random() * victims.length)];
      if (!victim || !(await stepRunning(ids))) continue;
      await killWorker(victim);
      kills++;
      startWorker();
    }
    const done = await until('every chaos build to finish', allFinished(ids), 150_000, 500);
    const retriedSteps = (await db().select().from(buildSteps).where(inArray(buildSteps.buildId, ids))).filter((s) => s.attempts > 1);
    const lost = done.filter((b) => b.status !== 'SUCCEEDED');
    console.log(`[chaos] builds ${ids.length}, worker kills ${kills}, steps resumed after a kill ${retriedSteps.length} (in ${new Set(retriedSteps.map((s) => s.buildId)).size} builds), lost ${lost.length}`);
    expect(lost).toEqual([]);
    expect(kills, 'workers killed while holding work').toBe(8);
    expect(retriedSteps.length, 'steps a killed worker held, resumed by another').toBeGreaterThan(0);
    await expectExactNodes(ids, new Map(ids.map((id, i) => [id, sizes[i]!])));
    // Its own waits give up with a reason (150 s each); 40 nodes on 2 cores take about 90 s, the default limit.
  }, 330_000);
});

describe('node liveness through the running workers', () => {
  it('shows a node whose agent was SIGKILLed as HOST_ERROR with a reason within 10 s', async () => {
    if (!workers.size) startWorker();
    const buildId = await submit('liveness', 1);
    await until('the build to succeed', async () => (await statuses([buildId]))[0]?.status === 'SUCCEEDED', 60_000);
    const [build] = await statuses([buildId]);
    const [node] = await db().select().from(nodes).where(eq(nodes.unitGroupId, build!.unitGroupId!));
    expect(node!.state).toBe('RUNNING');
    const pid = Number(readFileSync(path.join(process.env.OCS_LOCAL_STATE_DIR!, node!.name, 'agent.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const down = await until('the node to be HOST_ERROR', async () => {
      const [row] = await db().select().from(nodes).where(eq(nodes.id, node!.id));
      return row?.state === 'HOST_ERROR' && row;
    }, 15_000, 100);
    expect(Date.now() - killedAt).toBeLessThan(10_000);
    expect(down.stateReason).toMatch(/^no heartbeat from its agent since /);
  });
});
