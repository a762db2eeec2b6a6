// npm run bench: how fast the local provider builds and tears down unit groups, and how fast
// the unit group page's query answers, as percentiles and ratios, then the other parts below. Uses
// DATABASE_URL / REDIS_URL when set, else embedded services started for the run.
// Parts, in the order they run: local (builds on the local provider, the unit group query, and
// the same nodes started directly), workers (a worker's start, beside node and tsx alone),
// reconcile, onpremises, clouds, overlay, sweeper, heartbeats, api and lists (issue 12: the REST
// API under load on the production portal, and lists at scale).
// Name some to run only those, e.g. `npm run bench -- clouds sweeper`; none named runs them all.
// onpremises, clouds and overlay make network namespaces: as root, or inside test/hosts/sandbox.sh.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { loadActor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { runMigrations } from '@/lib/db/migrate';
import { institutions, memberships, organizations, users } from '@/lib/db/schema';
import { DEMO_LAB_ADMIN, seedDemo } from '@/lib/db/seed';
import { closeQueue } from '@/lib/jobs/queue';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { getUnitGroupDetail } from '@/lib/unit-groups/detail';
import { freePort } from '@/scripts/services/free-port';
import { startEmbeddedPostgres } from '@/scripts/services/postgres';
import { startLocalRedis } from '@/scripts/services/redis';
import { startAgentPortal } from '@/test/agent-portal';
import { benchApi, printApi, startProductionPortal, type ApiResult } from './api';
import { benchClouds, OVERHEAD_TARGET } from './clouds';
import { benchDirect } from './direct';
import { benchHeartbeats } from './heartbeats';
import { benchLists, printLists, type ListsResult } from './lists';
import { benchOnPremises } from './onpremises';
import { benchOverlay } from './overlay';
import { benchReconcile } from './reconcile';
import { benchSweeper } from './sweeper';
import { summarize, timed } from './stats';
import { benchWorkerStart } from './worker-start';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'ocs-bench-'));
chmodSync(scratch, 0o755);
const stops: (() => Promise<void>)[] = [];

async function services() {
  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'pg'), port: await freePort(), database: 'ocs_bench', persistent: false });
    stops.push(pg.stop);
    process.env.DATABASE_URL = pg.url;
  }
  if (!process.env.REDIS_URL) {
    const redis = await startLocalRedis({ dataDir: path.join(scratch, 'redis'), port: await freePort() });
    stops.push(redis.stop);
    process.env.REDIS_URL = redis.url;
  }
  process.env.OCS_QUEUE_PREFIX = `ocs-bench-${process.pid}`;
  process.env.OCS_SECRET_KEY ??= randomBytes(32).toString('base64');
  process.env.OCS_LOCAL_STATE_DIR = path.join(scratch, 'nodes');
  process.env.OCS_LOCAL_SUBNET = '127.75.0.0/16';
  // The nodes' agents dial home to the portal's real agent endpoints, served in this process.
  const portal = await startAgentPortal();
  stops.push(portal.close);
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  await runMigrations(process.env.DATABASE_URL);
  await seedDemo(db());
}

async function benchOrganization() {
  const institution = await db().query.institutions.findFirst({ where: eq(institutions.slug, 'demo-univ') });
  const [org] = await db().insert(organizations).values({ institutionId: institution!.id, name: `bench-${Date.now()}`, kind: 'lab', maxNodes: 5000 }).returning();
  const [user] = await db().insert(users).values({ email: `bench-${Date.now()}@demo-univ.ac.jp`, name: 'Bench' }).returning();
  await db().insert(memberships).values({ organizationId: org!.id, userId: user!.id, role: 'owner' });
  return { organizationId: org!.id, actor: (await loadActor(db(), user!.id))! };
}

const PARTS = ['local', 'workers', 'reconcile', 'onpremises', 'clouds', 'overlay', 'sweeper', 'heartbeats', 'api', 'lists'] as const;
type Part = (typeof PARTS)[number];

/** The parts named on the command line (npm run bench -- clouds sweeper), else all of them. */
function partsToRun(args: string[]): Set<Part> {
  const unknown = args.filter((a) => !(PARTS as readonly string[]).includes(a));
  if (unknown.length) throw new Error(`unknown bench part(s) ${unknown.join(', ')}: choose among ${PARTS.join(', ')}`);
  return new Set(args.length ? (args as Part[]) : PARTS);
}

async function main() {
  const parts = partsToRun(process.argv.slice(2));
  await services();
  const results: ReturnType<typeof summarize>[] = [];
  const ratios: Record<string, number> = {};
  const written: Record<string, unknown> = { parts: [...parts] };

  if (parts.has('local')) {
    const user = await db().query.users.findFirst({ where: eq(users.email, DEMO_LAB_ADMIN.email) });
    const actor = (await loadActor(db(), user!.id))!;
    const p50s: Record<number, number> = {};
    for (const [nodes, rounds] of [[1, 5], [4, 3], [10, 3]] as const) {
      const build: number[] = [];
      const teardown: number[] = [];
      const read: number[] = [];
      for (let i = 0; i < rounds; i++) {
        let unitGroupId = '';
        build.push(
          await timed(async () => {
            const ids = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: `bench-${nodes}-${i}-${Date.now()}`, provider: 'local', flavor: 'small', parameters: { nodes } });
            unitGroupId = ids.unitGroupId;
            await runBuild(db(), ids.buildId);
          }),
        );
        for (let r = 0; r < 50; r++) read.push(await timed(() => getUnitGroupDetail(db(), actor, unitGroupId)));
        teardown.push(await timed(() => deleteUnitGroup(db(), unitGroupId)));
      }
      const b = summarize(`build ${nodes} node(s): submit → SUCCEEDED`, build);
      p50s[nodes] = b.p50;
      results.push(b, summarize(`teardown ${nodes} node(s)`, teardown), summarize(`unit group detail query (${nodes} node(s))`, read));
    }
    // The floor under builds: the same nodes started directly, in this same run.
    const direct = { 1: await benchDirect(path.join(scratch, 'direct'), 1, 5), 10: await benchDirect(path.join(scratch, 'direct'), 10, 3) };
    results.push(direct[1], direct[10]);
    // 1.0× would mean more nodes cost no more time than one: perfectly parallel provisioning.
    Object.assign(ratios, {
      'build p50, 10 nodes / 1 node': p50s[10]! / p50s[1]!,
      'build p50, 4 nodes / 1 node': p50s[4]! / p50s[1]!,
      'build p50 / direct start p50, 1 node': p50s[1]! / direct[1].p50,
      'build p50 / direct start p50, 10 nodes': p50s[10]! / direct[10].p50,
    });
  }

  if (parts.has('workers')) {
    const start = await benchWorkerStart(scratch);
    results.push(...start.results);
    ratios['worker start p50 / node + tsx floor p50'] = start.ratio;
  }

  if (parts.has('reconcile')) {
    // The reconciler's pass needs room for 1000 one-node builds: an organization of its own.
    const reconcile = await benchReconcile((await benchOrganization()).actor);
    results.push(...reconcile.results);
    const p50Of = (name: string) => reconcile.results.find((r) => r.name === name)!.p50;
    Object.assign(ratios, {
      'reconcile p50, 1000 queued builds / none': p50Of('reconcile pass, 1000 open builds, all queued') / reconcile.baselineP50,
      'reconcile p50, 1000 builds after a flush / 1000 queued': p50Of('reconcile pass, 1000 open builds, Redis flushed') / p50Of('reconcile pass, 1000 open builds, all queued'),
    });
  }

  if (parts.has('onpremises')) {
    // On the lab's own servers (network namespaces: root, or npm run bench inside test/hosts/sandbox.sh).
    const lab = await benchOrganization();
    const onPremises = await benchOnPremises(lab.organizationId, lab.actor, 3);
    results.push(...onPremises);
    ratios['onpremises build p50 / by hand over SSH p50, 2 nodes'] = onPremises[0]!.p50 / onPremises[2]!.p50;
  }

  // The emulated clouds: build time against the machines' own time, 1 and 10 nodes.
  const clouds = parts.has('clouds') ? await benchClouds(await benchOrganization(), { 1: 3, 10: 2 }) : null;
  if (clouds) {
    results.push(...clouds.results);
    Object.assign(written, { cloudOverhead: clouds.overhead, cloudOverheadTarget: { ...OVERHEAD_TARGET, byProvider: clouds.target, unmeasured: clouds.unmeasured } });
  }

  // Unit groups' private network across two sites, against the hosts' own network.
  const overlay = parts.has('overlay') ? await benchOverlay(await benchOrganization(), 3) : null;
  if (overlay) {
    results.push(...overlay.results);
    written.overlay = { mbps: overlay.mbps, ratios: overlay.ratios };
  }

  // The leak sweeper on one account of 1,000 instances, against listing them.
  const sweeper = parts.has('sweeper') ? await benchSweeper(await benchOrganization(), 5) : null;
  if (sweeper) {
    results.push(...sweeper.results);
    written.sweeper = { ratio: sweeper.ratio, callsPerSweep: sweeper.callsPerSweep, callsRemoving: sweeper.callsRemoving };
  }

  // 5,000 agents' long polls on one portal process, against the same process idle.
  let heartbeats: Awaited<ReturnType<typeof benchHeartbeats>> | null = null;
  if (parts.has('heartbeats')) {
    const load = await benchOrganization();
    heartbeats = await benchHeartbeats(load.organizationId, load.actor.userId, 5000);
    written.heartbeats = heartbeats;
  }

  // The production portal (next build, then as npm start runs it): part api loads it, part lists
  // also times a list through it. Stopped when they end, however they end.
  const portal = parts.has('api') ? await startProductionPortal() : null;
  let api: ApiResult | null = null;
  let lists: ListsResult | null = null;
  try {
    if (portal) written.api = api = await benchApi(portal, await benchOrganization());
    if (parts.has('lists')) written.lists = lists = await benchLists(portal);
  } finally {
    await portal?.stop();
  }

  // Only api and lists run: they print tables of their own below, this one would be empty.
  if (results.length) console.log('\nmetric'.padEnd(52) + 'n'.padStart(5) + 'p50 ms'.padStart(10) + 'p95 ms'.padStart(10) + 'max ms'.padStart(10));
  for (const r of results) console.log(r.name.padEnd(51) + String(r.n).padStart(5) + r.p50.toFixed(1).padStart(10) + r.p95.toFixed(1).padStart(10) + r.max.toFixed(1).padStart(10));
  for (const [k, v] of Object.entries(ratios)) console.log(`${k}: ${v.toFixed(2)}×`);
  if (clouds) {
    for (const [k, v] of Object.entries(clouds.overhead)) console.log(`${k}: ${(v * 100).toFixed(1)} %`);
    const goal = `under ${OVERHEAD_TARGET.share * 100} % at ${OVERHEAD_TARGET.nodes} nodes`;
    for (const [provider, { overhead, met }] of Object.entries(clouds.target)) console.log(`${provider} orchestration overhead ${(overhead * 100).toFixed(1)} %: ${met ? 'meets' : 'MISSES'} issue 9's target (${goal})`);
    for (const [provider, reason] of Object.entries(clouds.unmeasured)) console.log(`${provider}: not measured against issue 9's target: ${reason}`);
  }
  if (overlay) {
    for (const [k, v] of Object.entries(overlay.mbps)) console.log(`TCP throughput, ${k}: ${v.toFixed(0)} Mbit/s`);
    for (const [k, v] of Object.entries(overlay.ratios)) console.log(`${k}: ${v.toFixed(2)}×`);
  }
  if (sweeper) console.log(`leak sweep p50 / listing p50, 1000 instances: ${sweeper.ratio.toFixed(2)}×; EC2 calls per sweep ${sweeper.callsPerSweep}, to terminate 100 leaks ${sweeper.callsRemoving}`);
  if (heartbeats) {
    const h = heartbeats;
    console.log(
      `\nheartbeats: ${h.agents} agents syncing every ${h.heartbeatSeconds} s (${h.syncsPerSecond.toFixed(0)} syncs/s) on one portal process: ` +
        `CPU ${h.loaded.cpuPercent.toFixed(1)}% (idle ${h.idle.cpuPercent.toFixed(1)}%), memory ${h.loaded.rssMb.toFixed(0)} MB (idle ${h.idle.rssMb.toFixed(0)} MB, ` +
        `${(((h.loaded.rssMb - h.idle.rssMb) * 1024) / h.agents).toFixed(1)} KB per agent); missing heartbeat → HOST_ERROR in ${h.missingHeartbeatToHostErrorSeconds.toFixed(1)} s (window ${h.livenessSeconds} s, sweep every 5 s)`,
    );
  }

  if (api) printApi(api);
  if (lists) printLists(lists);

  mkdirSync('bench/results', { recursive: true });
  const file = path.join('bench/results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, results, ratios, ...written }, null, 2));
  console.log(`\nwritten to ${file}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(async () => {
    await closeQueue();
    await closeDb();
    for (const stop of stops.reverse()) await stop();
    rmSync(scratch, { recursive: true, force: true });
  });
