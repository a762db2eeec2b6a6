// An organization's nodes in Prometheus text, for the lab's own Prometheus to scrape with an API
// token (docs/grafana/ocs-portal.json charts it). Counters stay counters (CPU seconds, network
// bytes), so Prometheus computes rates over its own scrape interval; each node's latest snapshot
// is served as the agent sent it.
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { Counter, Gauge, Registry } from 'prom-client';
import { z } from 'zod';
import type { MetricsSnapshot } from '@/agent/protocol';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { nodes, organizations, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';

export const PROMETHEUS_CONTENT_TYPE = new Registry().contentType;

export const ZPrometheusQuery = z.object({ organization: z.uuid({ error: 'must be an organization id' }).optional() });

const NODE_LABELS = ['organization', 'unit_group', 'unit_group_id', 'unit', 'node', 'node_id', 'provider'] as const;
const APP_LABELS = [...NODE_LABELS, 'application'] as const;

/** The organization asked for: an API token's own, else the one named, else the caller's only one. */
function organizationOf(actor: Actor, asked: string | undefined): string {
  const id = asked ?? actor.token?.organizationId ?? (actor.memberships.length === 1 ? actor.memberships[0].organizationId : undefined);
  if (!id) throw new AppError('INVALID_INPUT', 'Name the organization whose nodes to serve', { fields: { organization: 'is required for a member of several organizations' } });
  authorize(actor, 'read', id, 'organization');
  return id;
}

function registry() {
  const registers = [new Registry()];
  const gauge = (name: string, help: string, labelNames: readonly string[] = NODE_LABELS) => new Gauge({ name, help, labelNames, registers });
  const counter = (name: string, help: string, labelNames: readonly string[] = NODE_LABELS) => new Counter({ name, help, labelNames, registers });
  return {
    registry: registers[0],
    up: gauge('ocs_node_up', 'Whether the node is RUNNING (1) or not (0).', [...NODE_LABELS, 'state']),
    reportTime: gauge('ocs_node_metrics_timestamp_seconds', 'When the node\'s agent took the metrics served here (Unix time).'),
    load1: gauge('ocs_node_load1', 'Load average over a minute.'),
    cpus: gauge('ocs_node_cpus', 'Processors of the machine.'),
    cpuBusy: counter('ocs_node_cpu_busy_seconds_total', 'CPU seconds the machine\'s processors spent busy since it booted.'),
    memoryTotal: gauge('ocs_node_memory_total_bytes', 'Memory of the machine.'),
    memoryAvailable: gauge('ocs_node_memory_available_bytes', 'Memory available for new work.'),
    diskTotal: gauge('ocs_node_disk_total_bytes', 'Size of the filesystem holding the node\'s folder.'),
    diskAvailable: gauge('ocs_node_disk_available_bytes', 'Space left on that filesystem.'),
    networkReceive: counter('ocs_node_network_receive_bytes_total', 'Bytes received on the machine\'s interfaces other than loopback.'),
    networkTransmit: counter('ocs_node_network_transmit_bytes_total', 'Bytes sent on the machine\'s interfaces other than loopback.'),
    gpuUtilization: gauge('ocs_node_gpu_utilization_ratio', 'Utilisation of a GPU (0-1).', [...NODE_LABELS, 'gpu']),
    gpuMemoryUsed: gauge('ocs_node_gpu_memory_used_bytes', 'GPU memory in use.', [...NODE_LABELS, 'gpu']),
    appCpu: counter('ocs_application_cpu_seconds_total', 'CPU seconds used by an application (all its processes, or its container).', APP_LABELS),
    appMemory: gauge('ocs_application_memory_bytes', 'Resident memory of an application.', APP_LABELS),
    appReceive: counter('ocs_application_network_receive_bytes_total', 'Bytes received by an application\'s container.', APP_LABELS),
    appTransmit: counter('ocs_application_network_transmit_bytes_total', 'Bytes sent by an application\'s container.', APP_LABELS),
  };
}

/** prom-client refuses to count down: a counter an agent got wrong (negative) is left out, not the whole answer. */
function count(counter: Counter, labels: Record<string, string>, value: number | undefined): void {
  if (value !== undefined && value >= 0) counter.inc(labels, value);
}

function serve(m: ReturnType<typeof registry>, labels: Record<(typeof NODE_LABELS)[number], string>, snapshot: MetricsSnapshot): void {
  m.reportTime.set(labels, Date.parse(snapshot.at) / 1000);
  m.load1.set(labels, snapshot.load1);
  m.cpus.set(labels, snapshot.cpus);
  m.memoryTotal.set(labels, snapshot.memoryTotalBytes);
  m.memoryAvailable.set(labels, snapshot.memoryAvailableBytes);
  count(m.cpuBusy, labels, snapshot.cpuBusySeconds);
  if (snapshot.diskTotalBytes !== undefined) m.diskTotal.set(labels, snapshot.diskTotalBytes);
  if (snapshot.diskAvailableBytes !== undefined) m.diskAvailable.set(labels, snapshot.diskAvailableBytes);
  count(m.networkReceive, labels, snapshot.networkReceiveBytes);
  count(m.networkTransmit, labels, snapshot.networkTransmitBytes);
  (snapshot.gpus ?? []).forEach((gpu, i) => {
    m.gpuUtilization.set({ ...labels, gpu: String(i) }, gpu.utilizationPercent / 100);
    m.gpuMemoryUsed.set({ ...labels, gpu: String(i) }, gpu.memoryUsedBytes);
  });
  for (const app of snapshot.applications) {
    const appLabels = { ...labels, application: app.name };
    count(m.appCpu, appLabels, app.cpuSeconds);
    m.appMemory.set(appLabels, app.memoryBytes);
    count(m.appReceive, appLabels, app.networkReceiveBytes);
    count(m.appTransmit, appLabels, app.networkTransmitBytes);
  }
}

/** Every metric name the endpoint serves (the Grafana dashboard may chart only these). */
export function servedMetricNames(): string[] {
  return registry()
    .registry.getMetricsAsArray()
    .map((m) => m.name);
}

/** Prometheus text for the live nodes of one organization the caller may read. */
export async function organizationMetricsText(db: Database, actor: Actor, rawQuery: unknown): Promise<string> {
  const organizationId = organizationOf(actor, parseOrThrow(ZPrometheusQuery, rawQuery).organization);
  const [organization] = await db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, organizationId));
  const rows = await db
    .select({ node: nodes, unit: units.name, group: { id: unitGroups.id, name: unitGroups.name } })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(eq(unitGroups.organizationId, organizationId), ne(unitGroups.state, 'DELETED'), isNull(nodes.deletedAt)))
    .orderBy(asc(unitGroups.name), asc(units.name), asc(nodes.nodeNo));
  const m = registry();
  for (const { node, unit, group } of rows) {
    const labels = {
      organization: organization?.name ?? organizationId,
      unit_group: group.name,
      unit_group_id: group.id,
      unit,
      node: `${unit}-${node.nodeNo}`,
      node_id: node.id,
      provider: node.provider,
    };
    m.up.set({ ...labels, state: node.state }, node.state === 'RUNNING' ? 1 : 0);
    if (node.metrics) serve(m, labels, node.metrics);
  }
  return m.registry.metrics();
}
