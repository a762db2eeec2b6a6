// Metrics end to end: a real agent's snapshots become samples the charts' API serves; rollups keep
// the tables bounded over a simulated 100 days; /api/v1/metrics is Prometheus text for the token's
// organization only.
import os from 'node:os';
import { and, count, eq, isNull, max, min } from 'drizzle-orm';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as metricsRoute from '@/app/api/v1/metrics/route';
import * as unitGroupMetricsRoute from '@/app/api/v1/unit-groups/[id]/metrics/route';
import type { MetricsSnapshot } from '@/agent/protocol';
import type { Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { metricRollups, metricSamples, nodes, type Node } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { nodeRecords, organizationWithMember, setEnv, uniqueName, until } from '@/test/fixtures';
import type { UnitGroupMetrics } from './query';
import { unitGroupMetrics } from './query';
import { samplesOf } from './record';
import { rollUpMetrics } from './retention';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

let actor: Actor;
let organizationId: string;
let unitGroupId: string;
let token: string;
let restoreEnv: () => void;

const get = (handler: unknown, path: string, params: Record<string, string>, secret?: string) =>
  (handler as (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>)(
    new Request(`http://localhost/api/v1${path}`, { headers: secret === undefined ? {} : { authorization: `Bearer ${secret}` } }),
    { params: Promise.resolve(params) },
  );

beforeAll(async () => {
  // Agents send metrics every second here instead of every minute.
  restoreEnv = setEnv({ OCS_AGENT_METRICS_SECONDS: '1' });
  ({ actor, organizationId } = await organizationWithMember({ role: 'owner' }));
  const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('metrics'), provider: 'local', flavor: 'small', organizationId, parameters: { nodes: 1 } });
  unitGroupId = submitted.unitGroupId;
  await runBuild(db(), submitted.buildId);
  token = (await issueToken(db(), actor, organizationId, { userId: actor.userId, note: 'scrape', role: 'readonly' })).secret;
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId);
  restoreEnv?.();
  await closeQueue();
  await closeDb();
});

describe('metrics from a real agent', { timeout: 120_000 }, () => {
  it('reach the charts API per node and per application', async () => {
    const [node] = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    // Rates need two snapshots; wait for a few.
    await until('three samples with a CPU rate', async () => {
      const [row] = await db()
        .select({ n: count() })
        .from(metricSamples)
        .where(and(eq(metricSamples.nodeId, node!.id), eq(metricSamples.application, '')));
      return (row?.n ?? 0) >= 3;
    });
    const res = await get(unitGroupMetricsRoute.GET, `/unit-groups/${unitGroupId}/metrics?range=1h`, { id: unitGroupId }, token);
    expect(res.status).toBe(200);
    const body = (await res.json()) as UnitGroupMetrics;
    expect(body).toMatchObject({ range: '1h', bucketSeconds: 60 });
    expect(body.nodes).toHaveLength(1);
    const latest = body.nodes[0]!.points.at(-1)!;
    expect(body.nodes[0]!.node).toBe('web-1');
    // A local node is a process group on this machine: the machine's figures are its own.
    expect(latest.memoryTotalBytes).toBe(os.totalmem());
    expect(latest.memoryBytes).toBeGreaterThan(0);
    expect(latest.diskTotalBytes).toBeGreaterThan(latest.diskUsedBytes ?? Infinity);
    expect(latest.cpuCores).toBeGreaterThanOrEqual(0);
    expect(latest.cpuCores).toBeLessThanOrEqual(os.cpus().length);
    expect(latest.networkReceiveBytesPerSecond).toBeGreaterThanOrEqual(0);
    const app = body.applications.find((a) => a.node === 'web-1');
    expect(app, JSON.stringify(body.applications.map((a) => a.application))).toBeDefined();
    // The application's resident memory: a Node.js process holds megabytes.
    expect(app!.points.at(-1)!.memoryBytes).toBeGreaterThan(1024 * 1024);
  });

  it('refuses a bad range naming the field, and another organization', async () => {
    const bad = await get(unitGroupMetricsRoute.GET, `/unit-groups/${unitGroupId}/metrics?range=2w`, { id: unitGroupId }, token);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { fields: Record<string, string> } } }).error.details.fields.range).toMatch(/one of 1h, 6h/);
    const other = await organizationWithMember({ role: 'owner' });
    const otherToken = (await issueToken(db(), other.actor, other.organizationId, { userId: other.actor.userId, note: 'other', role: 'readonly' })).secret;
    expect((await get(unitGroupMetricsRoute.GET, `/unit-groups/${unitGroupId}/metrics`, { id: unitGroupId }, otherToken)).status).toBe(404);
  });
});

describe('GET /api/v1/metrics', { timeout: 60_000 }, () => {
  it('serves Prometheus text of the organization\'s nodes to its token', async () => {
    const res = await get(metricsRoute.GET, '/metrics', {}, token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const families = parsePrometheusTextFormat(await res.text());
    const family = (name: string) => families.find((f) => f.name === name);
    const [node] = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    const up = family('ocs_node_up')!;
    expect(up.type).toBe('GAUGE');
    expect(up.metrics).toEqual([expect.objectContaining({ value: '1', labels: expect.objectContaining({ node: 'web-1', node_id: node!.id, unit_group_id: unitGroupId, provider: 'local', state: 'RUNNING' }) })]);
    expect(Number(family('ocs_node_memory_total_bytes')!.metrics[0]!.value)).toBe(os.totalmem());
    expect(family('ocs_node_cpu_busy_seconds_total')!.type).toBe('COUNTER');
    expect(Number(family('ocs_node_cpu_busy_seconds_total')!.metrics[0]!.value)).toBeGreaterThan(0);
    const appCpu = family('ocs_application_cpu_seconds_total')!;
    expect(appCpu.metrics.some((m) => 'labels' in m && m.labels?.node === 'web-1' && Number(m.value) > 0)).toBe(true);
  });

  it('is refused without a token, and across organizations', async () => {
    const anonymous = await get(metricsRoute.GET, '/metrics', {}, '');
    expect(anonymous.status).toBe(401);
    const other = await organizationWithMember({ role: 'owner' });
    const otherToken = (await issueToken(db(), other.actor, other.organizationId, { userId: other.actor.userId, note: 'other', role: 'readonly' })).secret;
    expect((await get(metricsRoute.GET, `/metrics?organization=${organizationId}`, {}, otherToken)).status).toBe(404);
    // Its own organization has no node of ours.
    const own = await get(metricsRoute.GET, '/metrics', {}, otherToken);
    expect(own.status).toBe(200);
    expect(await own.text()).not.toContain(unitGroupId);
  });
});

describe('retention', { timeout: 300_000 }, () => {
  let node: Node;
  const start = Date.UTC(2030, 0, 1);

  /** A node's snapshot at minute i: two cores busy in even minutes and one in odd ones, an application using 1 MiB more each hour. */
  const snapshot = (i: number): MetricsSnapshot => ({
    at: new Date(start + i * MINUTE).toISOString(),
    load1: 1,
    cpus: 4,
    memoryTotalBytes: 8e9,
    memoryAvailableBytes: 6e9,
    cpuBusySeconds: 60 * i + 60 * Math.floor(i / 2),
    applications: [{ name: 'web', cpuSeconds: i, memoryBytes: 1_048_576 * (1 + Math.floor(i / 60)) }],
  });

  beforeAll(async () => {
    [node] = await nodeRecords(1, { organization: { organizationId, actor } });
  });

  const counts = async () => {
    const [raw] = await db().select({ n: count(), oldest: min(metricSamples.at) }).from(metricSamples).where(eq(metricSamples.nodeId, node.id));
    const [rollups] = await db()
      .select({ n: count(), oldest: min(metricRollups.hour), newest: max(metricRollups.hour) })
      .from(metricRollups)
      .where(eq(metricRollups.nodeId, node.id));
    return { raw: raw!.n, rawOldest: raw!.oldest, rollups: rollups!.n, rollupsOldest: rollups!.oldest, rollupsNewest: rollups!.newest };
  };

  it('keeps a day of raw samples and 90 days of hourly rollups over a simulated 100 days', async () => {
    const perMinute = 2; // the node and its application
    let previous: MetricsSnapshot | null = null;
    // A round every six simulated hours: the job runs every few minutes, and a round sums every
    // hour still held raw, so rounds further apart keep the same bounds (and cost the test less).
    const ROUND_HOURS = 6;
    for (let hour = 0; hour < 100 * 24; hour += ROUND_HOURS) {
      // The hours' snapshots a minute apart, recorded as the agent channel records each.
      const rows = [];
      for (let minute = hour * 60; minute < (hour + ROUND_HOURS) * 60; minute++) {
        const current = snapshot(minute);
        rows.push(...samplesOf(node.id, new Date(start + minute * MINUTE), current, previous));
        previous = current;
      }
      await db().insert(metricSamples).values(rows);
      const now = start + (hour + ROUND_HOURS) * HOUR;
      await rollUpMetrics(db(), new Date(now));
      if ((hour + ROUND_HOURS) % 24 === 0) {
        const c = await counts();
        expect(c.raw, `day ${(hour + ROUND_HOURS) / 24}`).toBeLessThanOrEqual(24 * 60 * perMinute);
        expect(c.rollups).toBeLessThanOrEqual(90 * 24 * perMinute);
        expect(c.rawOldest!.getTime()).toBeGreaterThanOrEqual(now - DAY);
      }
    }
    const end = start + 100 * DAY;
    const c = await counts();
    // Every hour of the last 90 days is summed up, for the node and for its application; nothing older is kept.
    expect(c.rollups).toBe(90 * 24 * perMinute);
    expect(c.rollupsOldest!.getTime()).toBe(end - 90 * DAY);
    expect(c.rollupsNewest!.getTime()).toBe(end - HOUR);
    expect(c.raw).toBe(24 * 60 * perMinute);

    // The hour's means and its busiest minute.
    const [hour] = await db()
      .select()
      .from(metricRollups)
      .where(and(eq(metricRollups.nodeId, node.id), eq(metricRollups.application, ''), eq(metricRollups.hour, new Date(end - HOUR))));
    expect(hour).toMatchObject({ samples: 60, memoryBytes: 2e9, memoryTotalBytes: 8e9, cpuCoresMax: 2 });
    expect(hour!.cpuCores).toBeCloseTo(1.5, 5);

    // A second round changes nothing.
    expect(await rollUpMetrics(db(), new Date(end))).toEqual({ rawDeleted: 0, rollupsDeleted: 0 });
    expect(await counts()).toEqual(c);

    // The longest range charts the rollups, a day a point.
    const ninety = await unitGroupMetrics(db(), actor, node.unitGroupId, { range: '90d' }, new Date(end));
    expect(ninety.nodes[0]!.points).toHaveLength(90);
    expect(ninety.applications[0]!.points.at(-1)!.memoryBytes).toBeGreaterThan(2000 * 1_048_576);
    const day = await unitGroupMetrics(db(), actor, node.unitGroupId, { range: '24h' }, new Date(end));
    expect(day.nodes[0]!.points).toHaveLength(96);
  });
});
