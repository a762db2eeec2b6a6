import { bigint, index, integer, pgTable, primaryKey, real, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { nodes } from './unit-groups';

// What the agents' metrics snapshots become (lib/metrics): rates and gauges, per node and per
// application on it. Raw samples are kept a day and hourly rollups 90 days, so the tables stay bounded.
const readings = {
  /** CPU in use, in cores, over the interval since the agent's previous snapshot. */
  cpuCores: real(),
  /** Load average over a minute (the node only). */
  load1: real(),
  /** In use: the machine's total less what is available; an application's resident memory. */
  memoryBytes: bigint({ mode: 'number' }),
  memoryTotalBytes: bigint({ mode: 'number' }),
  /** The filesystem of the node's folder (the node only). */
  diskUsedBytes: bigint({ mode: 'number' }),
  diskTotalBytes: bigint({ mode: 'number' }),
  networkReceiveBytesPerSecond: real(),
  networkTransmitBytesPerSecond: real(),
  /** Mean utilisation of the node's GPUs (0–1) and their memory in use, where it has any. */
  gpuUtilization: real(),
  gpuMemoryBytes: bigint({ mode: 'number' }),
};

/** '' is the node itself; otherwise the application's name. */
const application = text().notNull().default('');

export const metricSamples = pgTable(
  'metric_samples',
  {
    nodeId: uuid()
      .notNull()
      .references(() => nodes.id, { onDelete: 'cascade' }),
    application,
    /** When the portal received it: agents' clocks may be off. */
    at: timestamp({ withTimezone: true }).notNull(),
    ...readings,
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.application, t.at] }), index('metric_samples_at').on(t.at)],
);

export const metricRollups = pgTable(
  'metric_rollups',
  {
    nodeId: uuid()
      .notNull()
      .references(() => nodes.id, { onDelete: 'cascade' }),
    application,
    /** The hour it sums up (its start). */
    hour: timestamp({ withTimezone: true }).notNull(),
    samples: integer().notNull(),
    /** Readings are the hour's means; the busiest minute is kept too, since a mean hides spikes. */
    ...readings,
    cpuCoresMax: real(),
  },
  (t) => [primaryKey({ columns: [t.nodeId, t.application, t.hour] }), index('metric_rollups_hour').on(t.hour)],
);

export type MetricSample = typeof metricSamples.$inferSelect;
export type MetricRollup = typeof metricRollups.$inferSelect;
