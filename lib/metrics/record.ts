// An agent's metrics snapshot becomes one raw sample for the node and one per application. Agents
// send cumulative counters (CPU seconds, network bytes); rates come from the previous snapshot, so
// a lost snapshot only widens an interval and a restarted counter (a reboot) gives no rate once.
import type { MetricsSnapshot } from '@/agent/protocol';
import type { Database } from '@/lib/db/client';
import { metricSamples } from '@/lib/db/schema';

type SampleRow = typeof metricSamples.$inferInsert;

/** The rate of a counter between two readings, or null where it cannot be told. */
function rate(current: number | undefined, previous: number | undefined, seconds: number): number | null {
  if (current === undefined || previous === undefined || seconds <= 0 || current < previous) return null;
  return (current - previous) / seconds;
}

function used(total: number | undefined, available: number | undefined): number | null {
  return total === undefined || available === undefined ? null : Math.max(0, total - available);
}

/** The samples a snapshot gives, `previous` being the node's snapshot before it (null for its first). */
export function samplesOf(nodeId: string, at: Date, current: MetricsSnapshot, previous: MetricsSnapshot | null): SampleRow[] {
  const seconds = previous ? (Date.parse(current.at) - Date.parse(previous.at)) / 1000 : 0;
  const gpus = current.gpus ?? [];
  const node: SampleRow = {
    nodeId,
    application: '',
    at,
    cpuCores: rate(current.cpuBusySeconds, previous?.cpuBusySeconds, seconds),
    load1: current.load1,
    memoryBytes: used(current.memoryTotalBytes, current.memoryAvailableBytes),
    memoryTotalBytes: current.memoryTotalBytes,
    diskUsedBytes: used(current.diskTotalBytes, current.diskAvailableBytes),
    diskTotalBytes: current.diskTotalBytes ?? null,
    networkReceiveBytesPerSecond: rate(current.networkReceiveBytes, previous?.networkReceiveBytes, seconds),
    networkTransmitBytesPerSecond: rate(current.networkTransmitBytes, previous?.networkTransmitBytes, seconds),
    gpuUtilization: gpus.length ? gpus.reduce((sum, g) => sum + g.utilizationPercent, 0) / gpus.length / 100 : null,
    gpuMemoryBytes: gpus.length ? gpus.reduce((sum, g) => sum + g.memoryUsedBytes, 0) : null,
  };
  const before = new Map((previous?.applications ?? []).map((a) => [a.name, a]));
  const applications = current.applications.map((app): SampleRow => {
    const prior = before.get(app.name);
    return {
      nodeId,
      application: app.name,
      at,
      cpuCores: rate(app.cpuSeconds, prior?.cpuSeconds, seconds),
      memoryBytes: Math.round(app.memoryBytes),
      networkReceiveBytesPerSecond: rate(app.networkReceiveBytes, prior?.networkReceiveBytes, seconds),
      networkTransmitBytesPerSecond: rate(app.networkTransmitBytes, prior?.networkTransmitBytes, seconds),
    };
  });
  return [node, ...applications];
}

/** Kept under the time the portal received it: two snapshots in one millisecond keep the first. */
export async function recordMetrics(db: Database, nodeId: string, current: MetricsSnapshot, previous: MetricsSnapshot | null, at: Date = new Date()): Promise<void> {
  await db.insert(metricSamples).values(samplesOf(nodeId, at, current, previous)).onConflictDoNothing();
}
