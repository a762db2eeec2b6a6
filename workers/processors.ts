import { UnrecoverableError, type Job } from 'bullmq';
import { sweepLiveness } from '@/lib/agent-channel/liveness';
import { scanAlerts } from '@/lib/alerts/scan-alerts';
import { rollUpMetrics } from '@/lib/metrics/retention';
import { scaleByWorkQueues } from '@/lib/burst/queue-scaling';
import { BuildFailedError, runBuild } from '@/lib/builds/run-build';
import { markBuildFailed } from '@/lib/builds/state';
import { isDatabaseUnavailable } from '@/lib/db/availability';
import { db } from '@/lib/db/client';
import { env } from '@/lib/env';
import { scanExpiry } from '@/lib/expiry/scan-expiry';
import { safeErrorMessage } from '@/lib/errors';
import { JOBS, type JobName } from '@/lib/jobs/definitions';
import { reconcileQueue, type ReconcileResult } from '@/lib/jobs/reconcile';
import { sweepLeaks, type SweepReport } from '@/lib/leaks/sweep-leaks';
import { runNodePower } from '@/lib/nodes/power';
import { applySchedules } from '@/lib/schedules/apply-schedules';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { LockLostError } from '@/lib/unit-groups/lock';
import { deliverWebhook } from '@/lib/webhooks/deliver';
import { DELIVERY_KEEP_DAYS, pruneDeliveries, queueDueDeliveries } from '@/lib/webhooks/sweep';

// Job name -> handler. The payload is parsed again here: never trust what came through Redis.
export async function processJob(job: Job): Promise<void> {
  const name = job.name as JobName;
  const schema = JOBS[name];
  if (!schema) {
    // A job left over from code that no longer exists: complete it rather than retry forever.
    console.warn(`[worker] no processor for job ${job.name} (${job.id}); dropping it`);
    return;
  }
  const attempt = { number: job.attemptsMade + 1, max: job.opts.attempts ?? 1 };
  switch (name) {
    case 'build.run': {
      const { buildId } = JOBS['build.run'].parse(job.data);
      try {
        await runBuild(db(), buildId, attempt);
      } catch (e) {
        if (e instanceof BuildFailedError) throw new UnrecoverableError(e.message);
        // The last attempt failed outside a step: the build must not stay RUNNING. A lost lock or
        // PostgreSQL away is no failure of the build: the reconciler queues it again later.
        if (attempt.number >= attempt.max && !(e instanceof LockLostError) && !isDatabaseUnavailable(e))
          await markBuildFailed(db(), buildId, `worker error: ${safeErrorMessage(e)}`).catch((err) => console.error(`[worker] could not mark build ${buildId} FAILED: ${safeErrorMessage(err)}`));
        throw e;
      }
      return;
    }
    case 'unitGroup.delete': {
      const { unitGroupId } = JOBS['unitGroup.delete'].parse(job.data);
      await deleteUnitGroup(db(), unitGroupId);
      return;
    }
    case 'node.power': {
      const { nodeId, action } = JOBS['node.power'].parse(job.data);
      await runNodePower(db(), nodeId, action);
      return;
    }
    case 'nodes.check': {
      const silent = await sweepLiveness(db(), env().OCS_AGENT_LIVENESS_SECONDS);
      if (silent.length) console.log(`[worker] liveness: ${silent.length} node(s) without heartbeat are HOST_ERROR`);
      return;
    }
    case 'leaks.sweep': {
      const { OCS_LEAK_GRACE_MINUTES, OCS_LEAK_DRY_RUN } = env();
      logSwept(await sweepLeaks(db(), { graceMs: OCS_LEAK_GRACE_MINUTES * 60_000, dryRun: OCS_LEAK_DRY_RUN }));
      return;
    }
    case 'alerts.scan': {
      const round = await scanAlerts(db());
      if (round.sent || round.failed) console.log(`[worker] alerts: ${round.sent} mailed, ${round.failed} could not be (tried again next round)`);
      return;
    }
    case 'metrics.rollup': {
      await rollUpMetrics(db());
      return;
    }
    case 'burst.scan': {
      for (const d of await scaleByWorkQueues(db())) if (d.action !== 'none') console.log(`[worker] cloud burst: unit ${d.unitId} ${d.action} ${d.nodes} node(s), build ${d.buildId}: ${d.reason}`);
      return;
    }
    case 'expiry.scan': {
      for (const s of await scanExpiry(db())) if (s.action !== 'wait') console.log(`[worker] expiry: unit group ${s.unitGroupId} ${s.action}: ${s.reason}`);
      return;
    }
    case 'schedules.scan': {
      // Refusals are shown on the unit group page (lastError), not logged every round.
      for (const s of await applySchedules(db())) if ('buildId' in s || s.action === 'failed') console.log(`[worker] class schedule: unit ${s.unitId} ${s.action}${'buildId' in s ? `, build ${s.buildId}` : `: ${s.reason}`}`);
      return;
    }
    case 'queue.reconcile': {
      logReconciled(await reconcileQueue(db()));
      return;
    }
    case 'webhooks.deliver': {
      // A failed attempt is recorded on the delivery (and shown with it), not logged.
      await deliverWebhook(db(), JOBS['webhooks.deliver'].parse(job.data).deliveryId);
      return;
    }
    case 'webhooks.sweep': {
      await queueDueDeliveries(db());
      const dropped = await pruneDeliveries(db());
      if (dropped) console.log(`[worker] webhooks: dropped ${dropped} finished deliveries older than ${DELIVERY_KEEP_DAYS} days`);
      return;
    }
  }
}

function logSwept(r: SweepReport): void {
  if (r.removed.length) console.log(`[worker] leak sweeper removed ${r.removed.length} machine(s) no node accounted for: ${r.removed.join(', ')}`);
  if (r.wouldRemove.length) console.log(`[worker] leak sweeper (dry run) would remove ${r.wouldRemove.join(', ')}`);
  for (const f of r.failures) console.error(`[worker] leak sweeper: account ${f.accountId}${f.resourceId ? ` (${f.resourceId})` : ''}: ${f.error}`);
}

export function logReconciled({ builds, deletions, powers }: ReconcileResult): void {
  if (builds.length || deletions.length || powers.length)
    console.log(`[worker] reconciled: queued again ${builds.length} build(s) ${builds.join(' ')}, ${deletions.length} deletion(s) ${deletions.join(' ')} and ${powers.length} power change(s) ${powers.join(', ')}`.replace(/ +/g, ' ').trimEnd());
}
