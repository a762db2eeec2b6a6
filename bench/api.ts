// Issue 12: the REST API under load on the real production portal (next build, served by
// scripts/portal-server.ts as npm start runs it), side by side with a constant route of the same
// app (GET /api/v1, the API's root) in the same run, so the ratio holds whatever the machine.
// /api/health (a PostgreSQL query and a new Redis connection per call) is shown beside them.
// Load by autocannon from this process, with an API token, at 10 and 100 connections. A unit group's
// read carries each unit's first page of nodes: a page of the big unit's nodes is measured beside it.
// The floor of any read is measured too: the same route with an id that is no id checks the token,
// then answers 404 without reading, so it costs what Next.js's parametrized routing and the token
// check cost, and the reads' distance from it is their own work.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { inArray, sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { db } from '@/lib/db/client';
import { applications, nodes, unitGroups, units } from '@/lib/db/schema';
import { nodeNoCursor } from '@/lib/api/pagination';
import { issueToken } from '@/lib/tokens/issue-token';
import { UNIT_NODES_PAGE } from '@/lib/unit-groups/views';
import { freePort } from '@/scripts/services/free-port';
import { buildPortalIfStale } from '@/scripts/services/next-build';

// autocannon ships no types (and only it may be added): the part of its API used here.
interface AutocannonResult {
  latency: { p50: number; p99: number };
  requests: { average: number; total: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
  /** Seconds before an answer counts as a timeout. */
  timeout: number;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (opts: AutocannonOptions) => PromiseLike<AutocannonResult>;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Issue 12's targets: a unit group's throughput against the constant route's, and its p99 at 10 connections. */
export const API_TARGET = { throughputRatio: 0.8, p99Ms: 50, p99AtConnections: 10 };
const CONNECTIONS = [10, 100] as const;
const SIZES = [10, 1000] as const;
/** Rounds of every case; a case reports the median of its rounds. */
const ROUNDS = 3;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface ProductionPortal {
  url: string;
  pid: number;
  stop: () => Promise<void>;
}

/** Builds the portal when its sources changed, then runs it as npm start does, on a free port. */
export async function startProductionPortal(): Promise<ProductionPortal> {
  buildPortalIfStale(ROOT);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', PORT: String(port), NEXTAUTH_URL: url, NEXTAUTH_SECRET: randomBytes(32).toString('base64url') };
  // stdout only says it listens; errors (stderr) show in the bench's output.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'portal-server.ts'), '--port', String(port)], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const running = () => child.exitCode === null && child.signalCode === null;
  // Should this process end without stopping it (a crash), the portal must not outlive it.
  const abandon = () => running() && child.kill('SIGKILL');
  process.once('exit', abandon);
  const stop = async () => {
    process.off('exit', abandon);
    if (!running()) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const hard = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(hard);
  };
  try {
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (!running()) throw new Error(`the production portal exited with ${child.exitCode ?? child.signalCode} before answering`);
      const ok = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`the production portal did not answer ${url}/api/health within 120 s`);
      await sleep(300);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, pid: child.pid!, stop };
}

/** A running unit group of `count` node records in one unit, inserted in batches (no machines). */
async function unitGroupOf(organizationId: string, ownerId: string, count: number): Promise<{ unitGroupId: string; unitId: string }> {
  const [group] = await db().insert(unitGroups).values({ organizationId, ownerId, name: `bench-api-${count}-${randomUUID().slice(0, 8)}`, state: 'RUNNING' }).returning({ id: unitGroups.id });
  const [unit] = await db().insert(units).values({ unitGroupId: group!.id, name: 'web', role: 'web', state: 'RUNNING', provider: 'local', flavor: 'small', numNodes: count, image: 'ocs/base:1.0' }).returning({ id: units.id });
  for (let from = 0; from < count; from += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - from) }, (_, i) => ({
      unitId: unit!.id,
      unitGroupId: group!.id,
      nodeNo: from + i + 1,
      name: `ocs-${randomUUID()}`,
      state: 'RUNNING' as const,
      provider: 'local',
      flavor: 'small',
      ipAddress: `10.${(from + i) >> 16}.${((from + i) >> 8) & 255}.${(from + i) & 255}`,
    }));
    const made = await db().insert(nodes).values(rows).returning({ id: nodes.id, ipAddress: nodes.ipAddress });
    // Every node runs its application, as a built one does: the answer carries it.
    await db()
      .insert(applications)
      .values(made.map((n) => ({ nodeId: n.id, name: 'web', image: 'ocs/web-hello:1.0', port: 8080, url: `http://${n.ipAddress}:8080/`, state: 'RUNNING' as const })));
  }
  return { unitGroupId: group!.id, unitId: unit!.id };
}

/** A route at a number of connections: the median of its rounds (each round's own numbers in `rounds`). */
export interface ApiCase {
  route: string;
  connections: number;
  p50: number;
  p99: number;
  reqPerSec: number;
  requests: number;
  /** Answers with another status than the route's own (2xx, or the floor's 404). */
  non2xx: number;
  errors: number;
  /** A unit group case's (and the floor's) req/s over the constant route's in the same round: the median of the rounds. */
  ratioToConstant?: number;
  /** The same over /api/health's, the baseline the issue's own numbers were taken against. */
  ratioToHealth?: number;
  /** A unit group case's req/s over the floor's (the same route reading nothing): what its own work costs. */
  ratioToFloor?: number;
  rounds: { p50: number; p99: number; reqPerSec: number; ratioToConstant?: number; ratioToHealth?: number; ratioToFloor?: number }[];
}
export interface ApiVerdict {
  text: string;
  met: boolean;
}
export interface ApiResult {
  seconds: number;
  warmupSeconds: number;
  rounds: number;
  cases: ApiCase[];
  verdicts: ApiVerdict[];
}

/**
 * Waits until the portal has worked off what a load left in flight (autocannon drops its
 * connections, the portal still answers them): else the next case starts behind that backlog.
 */
async function drained(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const start = performance.now();
    await fetch(`${url}/api/v1`, { signal: AbortSignal.timeout(30_000) }).catch(() => undefined);
    if (performance.now() - start < 50) return;
    await sleep(200);
  }
}

export async function benchApi(portal: ProductionPortal, organization: { organizationId: string; actor: Actor }, seconds = 5): Promise<ApiResult> {
  const { organizationId, actor } = organization;
  const warmupSeconds = 3;
  // Read-only, as a script reading unit groups would be given.
  const { secret } = await issueToken(db(), actor, organizationId, { userId: actor.userId, note: 'bench api (issue 12)', role: 'readonly' });
  const headers = { authorization: `Bearer ${secret}` };
  const groupIds: string[] = [];
  try {
    // `nodes`: how many nodes the answer carries (a unit group's read, each unit's first page).
    // `status`: the answer every call must get (200 unless said).
    type Route = { route: string; path: string; nodes: number; nodeCount?: number; status?: number };
    const constant: Route = { route: 'GET /api/v1 (constant)', path: '/api/v1', nodes: 0 };
    const health: Route = { route: 'GET /api/health', path: '/api/health', nodes: 0 };
    const floor: Route = { route: 'GET unit group, no id (404)', path: '/api/v1/unit-groups/not-an-id', nodes: 0, status: 404 };
    const routes = [constant, health, floor];
    for (const size of SIZES) {
      const { unitGroupId, unitId } = await unitGroupOf(organizationId, actor.userId, size);
      groupIds.push(unitGroupId);
      routes.push({ route: `GET unit group, ${size} nodes`, path: `/api/v1/unit-groups/${unitGroupId}`, nodes: Math.min(size, UNIT_NODES_PAGE), nodeCount: size });
      // How a client reads the rest of a big unit: a page from its middle.
      if (size > UNIT_NODES_PAGE) routes.push({ route: `GET unit's nodes, page of ${size}`, path: `/api/v1/units/${unitId}/nodes?cursor=${nodeNoCursor(size / 2)}`, nodes: UNIT_NODES_PAGE });
    }
    // As autovacuum would soon after a unit group grows: plans from statistics of the rows there are.
    await db().execute(sql`vacuum analyze ${unitGroups}, ${units}, ${nodes}, ${applications}`);
    // One call each first: a wrong answer (401, 404, a node missing) would make the load meaningless.
    for (const r of routes) {
      const res = await fetch(`${portal.url}${r.path}`, { headers });
      const body = (await res.json()) as { unitGroup?: { units: { nodes: unknown[]; nodeCount: number }[] }; nodes?: unknown[] };
      if (!r.nodes && res.status !== (r.status ?? 200)) throw new Error(`${r.route} answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
      if (!r.nodes) continue;
      const got = body.nodes?.length ?? body.unitGroup?.units.reduce((n, u) => n + u.nodes.length, 0) ?? 0;
      const count = body.unitGroup?.units.reduce((n, u) => n + u.nodeCount, 0);
      if (!res.ok || got !== r.nodes || count !== r.nodeCount) throw new Error(`${r.route} answered ${res.status} with ${got} node(s) of ${count}: ${JSON.stringify(body).slice(0, 300)}`);
    }

    // The machine's speed drifts by tens of percent from minute to minute: every route is warmed up
    // first (the JIT, the pools), then each round loads every route once, one after the other, and
    // a unit group's throughput is compared with the constant route's of the same round.
    const load = (path: string, connections: number, duration: number) => autocannon({ url: `${portal.url}${path}`, connections, duration, headers, timeout: 30 });
    for (const r of routes) {
      await load(r.path, CONNECTIONS[0], warmupSeconds);
      await drained(portal.url);
    }
    const runs = new Map<string, ApiCase['rounds']>();
    const totals = new Map<string, { requests: number; non2xx: number; errors: number }>();
    for (let round = 0; round < ROUNDS; round++) {
      for (const connections of CONNECTIONS) {
        let constantReqPerSec = 0;
        let healthReqPerSec = 0;
        let floorReqPerSec = 0;
        for (const r of routes) {
          const out = await load(r.path, connections, seconds);
          await drained(portal.url);
          const key = `${r.route}|${connections}`;
          if (r === constant) constantReqPerSec = out.requests.average;
          if (r === health) healthReqPerSec = out.requests.average;
          if (r === floor) floorReqPerSec = out.requests.average;
          const ratioToConstant = (r.nodes || r === floor) && constantReqPerSec ? out.requests.average / constantReqPerSec : undefined;
          const ratioToHealth = r.nodes && healthReqPerSec ? out.requests.average / healthReqPerSec : undefined;
          const ratioToFloor = r.nodes && floorReqPerSec ? out.requests.average / floorReqPerSec : undefined;
          runs.set(key, [...(runs.get(key) ?? []), { p50: out.latency.p50, p99: out.latency.p99, reqPerSec: out.requests.average, ratioToConstant, ratioToHealth, ratioToFloor }]);
          const total = totals.get(key) ?? { requests: 0, non2xx: 0, errors: 0 };
          // Answers other than the route's own status.
          const unexpected = r.status ? Object.entries(out.statusCodeStats).reduce((n, [code, { count }]) => (Number(code) === r.status ? n : n + count), 0) : out.non2xx;
          totals.set(key, { requests: total.requests + out.requests.total, non2xx: total.non2xx + unexpected, errors: total.errors + out.errors + out.timeouts });
        }
      }
    }
    const cases: ApiCase[] = [];
    for (const connections of CONNECTIONS) {
      for (const r of routes) {
        const key = `${r.route}|${connections}`;
        const rounds = runs.get(key)!;
        const ratios = rounds.flatMap((x) => (x.ratioToConstant === undefined ? [] : [x.ratioToConstant]));
        const healthRatios = rounds.flatMap((x) => (x.ratioToHealth === undefined ? [] : [x.ratioToHealth]));
        const floorRatios = rounds.flatMap((x) => (x.ratioToFloor === undefined ? [] : [x.ratioToFloor]));
        cases.push({
          route: r.route,
          connections,
          p50: median(rounds.map((x) => x.p50)),
          p99: median(rounds.map((x) => x.p99)),
          reqPerSec: median(rounds.map((x) => x.reqPerSec)),
          ...totals.get(key)!,
          ...(ratios.length ? { ratioToConstant: median(ratios) } : {}),
          ...(healthRatios.length ? { ratioToHealth: median(healthRatios) } : {}),
          ...(floorRatios.length ? { ratioToFloor: median(floorRatios) } : {}),
          rounds,
        });
      }
    }

    const verdicts: ApiVerdict[] = [];
    for (const c of cases) {
      // The floor is no read: it tells how much of the target the route leaves a read.
      if (c.route === floor.route && c.ratioToConstant !== undefined)
        verdicts.push({ met: true, text: `${c.route}, ${c.connections} connections: ${c.ratioToConstant.toFixed(2)}× the constant route's req/s: the floor a read of this route starts from` });
      if (!c.route.startsWith('GET unit group') || c.route === floor.route) continue;
      if (!c.requests || c.ratioToConstant === undefined) {
        verdicts.push({ met: false, text: `${c.route}, ${c.connections} connections: no answer within ${seconds} s: MISSES issue 12's targets` });
        continue;
      }
      const ratioMet = c.ratioToConstant >= API_TARGET.throughputRatio;
      const overFloor = c.ratioToFloor === undefined ? '' : ` (${c.ratioToFloor.toFixed(2)}× the floor's)`;
      verdicts.push({ met: ratioMet, text: `${c.route}, ${c.connections} connections: ${c.ratioToConstant.toFixed(2)}× the constant route's req/s${overFloor}: ${ratioMet ? 'meets' : 'MISSES'} issue 12's target (≥ ${API_TARGET.throughputRatio}×)` });
      if (c.connections === API_TARGET.p99AtConnections) {
        const p99Met = c.p99 <= API_TARGET.p99Ms;
        verdicts.push({ met: p99Met, text: `${c.route}, ${c.connections} connections: p99 ${c.p99} ms: ${p99Met ? 'meets' : 'MISSES'} issue 12's target (≤ ${API_TARGET.p99Ms} ms)` });
      }
    }
    // Errors under load make the numbers mean something else: said, not hidden.
    for (const c of cases) if (c.non2xx || c.errors) verdicts.push({ met: false, text: `${c.route}, ${c.connections} connections: ${c.non2xx} answers of another status and ${c.errors} errors/timeouts` });
    return { seconds, warmupSeconds, rounds: ROUNDS, cases, verdicts };
  } finally {
    // Units and nodes go with their unit groups (on delete cascade).
    if (groupIds.length) await db().delete(unitGroups).where(inArray(unitGroups.id, groupIds));
  }
}

export function printApi(result: ApiResult): void {
  console.log(`\nAPI under load: production portal, bearer token, autocannon; every route warmed up ${result.warmupSeconds} s, then ${result.rounds} rounds of ${result.seconds} s per case (medians; ratios are to the constant route and to /api/health of the same round; rounds: the lowest and highest of the rounds' ratios; errors: answers of another status, failed calls and timeouts; no id (404): the floor of a read, the token checked and nothing read)`);
  console.log('case'.padEnd(34) + 'conns'.padStart(6) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'req/s'.padStart(9) + '× const'.padStart(10) + 'rounds'.padStart(12) + '× health'.padStart(10) + 'errors'.padStart(9));
  for (const c of result.cases) {
    const ratio = (value?: number) => (value === undefined ? '' : `${value.toFixed(2)}×`);
    // The machine's drift shows in how far the rounds' ratios spread around their median.
    const ratios = c.rounds.flatMap((r) => (r.ratioToConstant === undefined ? [] : [r.ratioToConstant]));
    const spread = ratios.length ? `${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}` : '';
    // No answer at all has no latency: a dash, not a 0 that reads as fast.
    const ms = (v: number) => (c.requests ? v.toFixed(0) : '–');
    console.log(c.route.padEnd(34) + String(c.connections).padStart(6) + ms(c.p50).padStart(9) + ms(c.p99).padStart(9) + c.reqPerSec.toFixed(0).padStart(9) + ratio(c.ratioToConstant).padStart(10) + spread.padStart(12) + ratio(c.ratioToHealth).padStart(10) + String(c.non2xx + c.errors).padStart(9));
  }
  for (const v of result.verdicts) console.log(v.text);
}
