// Keeps the metrics tables bounded: raw samples for a day, hourly rollups for 90 days. A round
// sums every complete hour still held raw into its rollup (the last two hours again, for a sample
// recorded just after a round), then drops what is past keeping. Rerunning a round changes nothing,
// and a round after the worker was away catches up on every hour still held raw.
import { lt, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { metricRollups, metricSamples } from '@/lib/db/schema';

const HOUR_MS = 3_600_000;
export const RAW_KEPT_MS = 24 * HOUR_MS;
export const ROLLUPS_KEPT_MS = 90 * 24 * HOUR_MS;
/** Hours this recent are summed anew each round; older ones once. */
const RECENT_HOURS = 2;

/** Hours start at whole UTC hours, whatever the database session's time zone. */
const hourOf = sql`date_bin('1 hour', ${metricSamples.at}, timestamptz '2000-01-01 00:00:00+00')`;

function startOfHour(t: Date): Date {
  return new Date(Math.floor(t.getTime() / HOUR_MS) * HOUR_MS);
}

function rollUp(db: Database, from: Date, to: Date, refresh: boolean) {
  const select = sql`
    select node_id, application, ${hourOf}, count(*)::int,
      avg(cpu_cores), avg(load1), round(avg(memory_bytes))::bigint, max(memory_total_bytes),
      round(avg(disk_used_bytes))::bigint, max(disk_total_bytes),
      avg(network_receive_bytes_per_second), avg(network_transmit_bytes_per_second),
      avg(gpu_utilization), round(avg(gpu_memory_bytes))::bigint, max(cpu_cores)
    from ${metricSamples}
    where ${metricSamples.at} >= ${from.toISOString()} and ${metricSamples.at} < ${to.toISOString()}
    group by 1, 2, 3`;
  const onConflict = refresh
    ? sql`do update set samples = excluded.samples, cpu_cores = excluded.cpu_cores, load1 = excluded.load1,
        memory_bytes = excluded.memory_bytes, memory_total_bytes = excluded.memory_total_bytes,
        disk_used_bytes = excluded.disk_used_bytes, disk_total_bytes = excluded.disk_total_bytes,
        network_receive_bytes_per_second = excluded.network_receive_bytes_per_second,
        network_transmit_bytes_per_second = excluded.network_transmit_bytes_per_second,
        gpu_utilization = excluded.gpu_utilization, gpu_memory_bytes = excluded.gpu_memory_bytes,
        cpu_cores_max = excluded.cpu_cores_max`
    : sql`do nothing`;
  return db.execute(sql`
    insert into ${metricRollups} (node_id, application, hour, samples, cpu_cores, load1, memory_bytes, memory_total_bytes,
      disk_used_bytes, disk_total_bytes, network_receive_bytes_per_second, network_transmit_bytes_per_second,
      gpu_utilization, gpu_memory_bytes, cpu_cores_max)
    ${select}
    on conflict (node_id, application, hour) ${onConflict}`);
}

export interface RetentionRound {
  rawDeleted: number;
  rollupsDeleted: number;
}

export async function rollUpMetrics(db: Database, now: Date = new Date()): Promise<RetentionRound> {
  const thisHour = startOfHour(now);
  const rawCutoff = new Date(thisHour.getTime() - RAW_KEPT_MS);
  const recent = new Date(thisHour.getTime() - RECENT_HOURS * HOUR_MS);
  // Raw samples are dropped at whole hours, so every hour summed here is still whole.
  await rollUp(db, rawCutoff, recent, false);
  await rollUp(db, recent, thisHour, true);
  const raw = await db.delete(metricSamples).where(lt(metricSamples.at, rawCutoff));
  const rollups = await db.delete(metricRollups).where(lt(metricRollups.hour, new Date(now.getTime() - ROLLUPS_KEPT_MS)));
  return { rawDeleted: raw.rowCount ?? 0, rollupsDeleted: rollups.rowCount ?? 0 };
}
