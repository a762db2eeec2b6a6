// A unit group's metrics for its charts: per node and per application, over a time range, in
// buckets sized so that every range draws about a hundred points. The last day comes from raw
// samples; longer ranges from the hourly rollups, whose means are weighted by their samples.
import { and, asc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { metricRollups, metricSamples, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';

const MINUTE = 60;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const METRIC_RANGES = {
  '1h': { seconds: HOUR, bucketSeconds: MINUTE, source: 'raw' },
  '6h': { seconds: 6 * HOUR, bucketSeconds: 5 * MINUTE, source: 'raw' },
  '24h': { seconds: DAY, bucketSeconds: 15 * MINUTE, source: 'raw' },
  '7d': { seconds: 7 * DAY, bucketSeconds: 2 * HOUR, source: 'rollup' },
  '30d': { seconds: 30 * DAY, bucketSeconds: 6 * HOUR, source: 'rollup' },
  '90d': { seconds: 90 * DAY, bucketSeconds: DAY, source: 'rollup' },
} as const;
export type MetricRange = keyof typeof METRIC_RANGES;

export const ZMetricsQuery = z.object({
  range: z.enum(Object.keys(METRIC_RANGES) as [MetricRange, ...MetricRange[]], { error: `must be one of ${Object.keys(METRIC_RANGES).join(', ')}` }).default('1h'),
});

const ZMetricPoint = z
  .object({
    at: ZTimestamp.describe('The start of the bucket.'),
    cpuCores: z.number().nullable().describe('CPU in use, in cores.'),
    memoryBytes: z.number().nullable(),
    memoryTotalBytes: z.number().nullable(),
    diskUsedBytes: z.number().nullable(),
    diskTotalBytes: z.number().nullable(),
    networkReceiveBytesPerSecond: z.number().nullable(),
    networkTransmitBytesPerSecond: z.number().nullable(),
    gpuUtilization: z.number().nullable().describe('0–1.'),
    gpuMemoryBytes: z.number().nullable(),
    load1: z.number().nullable(),
  })
  .meta({ id: 'MetricPoint', description: 'Means over a bucket; null where nothing was measured.' });

const ZMetricSeries = z
  .object({
    nodeId: z.uuid(),
    node: z.string().describe('"<unit>-<node no>", as the unit group page names nodes.'),
    application: z.string().nullable().describe('null for the node itself.'),
    points: z.array(ZMetricPoint),
  })
  .meta({ id: 'MetricSeries' });

export const ZUnitGroupMetrics = z
  .object({
    range: ZMetricsQuery.shape.range.unwrap(),
    from: ZTimestamp,
    to: ZTimestamp,
    bucketSeconds: z.number().int(),
    nodes: z.array(ZMetricSeries).describe('A series per node.'),
    applications: z.array(ZMetricSeries).describe('A series per node and application.'),
  })
  .meta({ id: 'UnitGroupMetrics' });

export type MetricPoint = z.input<typeof ZMetricPoint>;
export type MetricSeries = z.input<typeof ZMetricSeries>;
export type UnitGroupMetrics = z.input<typeof ZUnitGroupMetrics>;

const COLUMNS = [
  'cpu_cores',
  'memory_bytes',
  'memory_total_bytes',
  'disk_used_bytes',
  'disk_total_bytes',
  'network_receive_bytes_per_second',
  'network_transmit_bytes_per_second',
  'gpu_utilization',
  'gpu_memory_bytes',
  'load1',
] as const;
const FIELDS: Record<(typeof COLUMNS)[number], keyof Omit<MetricPoint, 'at'>> = {
  cpu_cores: 'cpuCores',
  memory_bytes: 'memoryBytes',
  memory_total_bytes: 'memoryTotalBytes',
  disk_used_bytes: 'diskUsedBytes',
  disk_total_bytes: 'diskTotalBytes',
  network_receive_bytes_per_second: 'networkReceiveBytesPerSecond',
  network_transmit_bytes_per_second: 'networkTransmitBytesPerSecond',
  gpu_utilization: 'gpuUtilization',
  gpu_memory_bytes: 'gpuMemoryBytes',
  load1: 'load1',
};

/** Each column's mean over a bucket: plain for raw samples, weighted by their samples for rollups. */
function means(source: 'raw' | 'rollup'): SQL {
  return sql.join(
    COLUMNS.map((c) =>
      source === 'raw'
        ? sql`avg(${sql.identifier(c)})::float8 as ${sql.identifier(c)}`
        : sql`(sum(${sql.identifier(c)} * samples) / nullif(sum(case when ${sql.identifier(c)} is not null then samples end), 0))::float8 as ${sql.identifier(c)}`,
    ),
    sql`, `,
  );
}

type BucketRow = { node_id: string; application: string; bucket: Date | string } & Record<(typeof COLUMNS)[number], number | null>;

async function bucketed(db: Database, source: 'raw' | 'rollup', bucketSeconds: number, nodeIds: string[], from: Date): Promise<BucketRow[]> {
  const table = source === 'raw' ? metricSamples : metricRollups;
  const time = source === 'raw' ? metricSamples.at : metricRollups.hour;
  const { rows } = await db.execute<BucketRow>(sql`
    select node_id, application, date_bin(${`${bucketSeconds} seconds`}::interval, ${time}, timestamptz '2000-01-01 00:00:00+00') as bucket, ${means(source)}
    from ${table}
    where ${inArray(table.nodeId, nodeIds)} and ${time} >= ${from.toISOString()}
    group by 1, 2, 3
    order by 3`);
  return rows;
}

export async function unitGroupMetrics(db: Database, actor: Actor, unitGroupId: string, rawQuery: unknown, now: Date = new Date()): Promise<UnitGroupMetrics> {
  const { range } = parseOrThrow(ZMetricsQuery, rawQuery);
  const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
  if (!group || group.state === 'DELETED' || !can(actor, 'read', group.organizationId)) throw new AppError('NOT_FOUND', 'No such unit group');
  const { seconds, bucketSeconds, source } = METRIC_RANGES[range];
  const from = new Date(now.getTime() - seconds * 1000);
  const nodeRows = await db
    .select({ id: nodes.id, nodeNo: nodes.nodeNo, unit: units.name })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)))
    .orderBy(asc(units.name), asc(nodes.nodeNo));
  const label = new Map(nodeRows.map((n) => [n.id, `${n.unit}-${n.nodeNo}`]));
  const series = new Map<string, MetricSeries>();
  for (const row of label.size ? await bucketed(db, source, bucketSeconds, [...label.keys()], from) : []) {
    const key = `${row.node_id}/${row.application}`;
    let s = series.get(key);
    if (!s) series.set(key, (s = { nodeId: row.node_id, node: label.get(row.node_id)!, application: row.application || null, points: [] }));
    const point = { at: new Date(row.bucket) } as MetricPoint;
    for (const c of COLUMNS) point[FIELDS[c]] = row[c] === null ? null : Number(row[c]);
    s.points.push(point);
  }
  const all = [...series.values()];
  const order = [...label.keys()];
  const byNode = (a: MetricSeries, b: MetricSeries) => order.indexOf(a.nodeId) - order.indexOf(b.nodeId) || (a.application ?? '').localeCompare(b.application ?? '');
  return {
    range,
    from,
    to: now,
    bucketSeconds,
    nodes: all.filter((s) => s.application === null).sort(byNode),
    applications: all.filter((s) => s.application !== null).sort(byNode),
  };
}
