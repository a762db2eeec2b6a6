import { z } from 'zod';

// Every job the provisioning queue carries: a name and its payload (ids only; workers re-read
// state from PostgreSQL, which is the source of truth — Redis is only the transport).
export const QUEUE_NAME = 'provisioning';

export const JOBS = {
  'build.run': z.object({ buildId: z.uuid() }),
  'unitGroup.delete': z.object({ unitGroupId: z.uuid() }),
  /** Power one node off or on (lib/nodes/power.ts). */
  'node.power': z.object({ nodeId: z.uuid(), action: z.enum(['off', 'on']) }),
  /** Scheduled every few seconds: liveness of built nodes. */
  'nodes.check': z.object({}),
  /** Scheduled (OCS_LEAK_SWEEP_MINUTES): cloud machines no node accounts for (lib/leaks). */
  'leaks.sweep': z.object({}),
  /** Scheduled: mail the organization about nodes in error and failed builds (lib/alerts). */
  'alerts.scan': z.object({}),
  /** Scheduled: metrics summed into hourly rollups, and what is past keeping dropped (lib/metrics/retention.ts). */
  'metrics.rollup': z.object({}),
  /** Scheduled every few seconds: units whose size follows their Slurm queue (lib/burst/queue-scaling.ts). */
  'burst.scan': z.object({}),
  /** Scheduled: unit groups' end dates — reminders, power-off at the end, deletion after the grace period (lib/expiry). */
  'expiry.scan': z.object({}),
  /** Scheduled: units follow their class schedules (lib/schedules/apply-schedules.ts). */
  'schedules.scan': z.object({}),
  /** Scheduled, and run at every worker start: queues again what PostgreSQL says is unfinished. */
  'queue.reconcile': z.object({}),
  /** One attempt at sending a webhook delivery (lib/webhooks/deliver.ts). */
  'webhooks.deliver': z.object({ deliveryId: z.uuid() }),
  /** Scheduled: queues the webhook deliveries that are due (lib/webhooks/sweep.ts). */
  'webhooks.sweep': z.object({}),
} as const;

export const NODE_CHECK_EVERY_MS = 5000;
/** Jobs wait minutes before a burst: a quarter of a minute is soon enough to notice. */
export const BURST_SCAN_EVERY_MS = 15_000;
/** A node in error is told of within half a minute. */
export const ALERTS_SCAN_EVERY_MS = 30_000;
/** End dates are days apart: a minute late is on time. */
export const EXPIRY_SCAN_EVERY_MS = 60_000;
/** Timetables are in minutes, and warm-up starts nodes ahead of a period: a minute late is on time. */
export const SCHEDULES_SCAN_EVERY_MS = 60_000;
/** Hours are summed within minutes of ending; a day of raw samples is dropped hourly. */
export const METRICS_ROLLUP_EVERY_MS = 5 * 60_000;
/** Events leave within a quarter of a minute; retries wait 30 s or more anyway. */
export const WEBHOOKS_SWEEP_EVERY_MS = 15_000;
export const RECONCILE_JOB_ID = 'queue-reconcile';
export const LEAK_SWEEP_JOB_ID = 'leaks-sweep';

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]>;

/** Deterministic ids: enqueueing the same work twice leaves one job. */
export function jobId<N extends JobName>(name: N, payload: JobPayload<N>): string {
  switch (name) {
    case 'build.run':
      return `build-${(payload as JobPayload<'build.run'>).buildId}`;
    case 'unitGroup.delete':
      return `unit-group-delete-${(payload as JobPayload<'unitGroup.delete'>).unitGroupId}`;
    case 'node.power': {
      const { nodeId, action } = payload as JobPayload<'node.power'>;
      return `node-power-${action}-${nodeId}`;
    }
    case 'nodes.check':
      return 'nodes-check';
    case 'leaks.sweep':
      return LEAK_SWEEP_JOB_ID;
    case 'burst.scan':
      return 'burst-scan';
    case 'alerts.scan':
      return 'alerts-scan';
    case 'expiry.scan':
      return 'expiry-scan';
    case 'metrics.rollup':
      return 'metrics-rollup';
    case 'schedules.scan':
      return 'schedules-scan';
    case 'queue.reconcile':
      return RECONCILE_JOB_ID;
    case 'webhooks.deliver':
      return `webhook-delivery-${(payload as JobPayload<'webhooks.deliver'>).deliveryId}`;
    case 'webhooks.sweep':
      return 'webhooks-sweep';
    default:
      throw new Error(`no job id rule for ${name satisfies never}`);
  }
}

export const JOB_ATTEMPTS = 3;
