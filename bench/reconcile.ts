// How long one reconciler pass takes as open builds pile up: in the steady state (every build has
// its live job) and after Redis lost them all (every build queued again). The baseline is a pass
// with no open build, in the same run.
import { Queue } from 'bullmq';
import { inArray } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { submitBuild } from '@/lib/builds/submit-build';
import { db } from '@/lib/db/client';
import { builds } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { QUEUE_NAME } from '@/lib/jobs/definitions';
import { reconcileQueue } from '@/lib/jobs/reconcile';
import { summarize, timed } from './stats';

export async function benchReconcile(actor: Actor) {
  const inspect = new Queue(QUEUE_NAME, { prefix: env().OCS_QUEUE_PREFIX, connection: { url: env().REDIS_URL } });
  const results: ReturnType<typeof summarize>[] = [];
  const ids: string[] = [];
  const pass = async (label: string, rounds: number, before?: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      await before?.();
      samples.push(await timed(() => reconcileQueue(db())));
    }
    return summarize(label, samples);
  };
  try {
    const baseline = await pass('reconcile pass, no open build (baseline)', 20);
    results.push(baseline);
    for (const total of [100, 1000]) {
      // Recorded and queued, never run: no worker listens in the benchmark.
      while (ids.length < total)
        ids.push((await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: `bench-reconcile-${ids.length}-${Date.now()}`, provider: 'local', flavor: 'small', parameters: { nodes: 1 } })).buildId);
      results.push(await pass(`reconcile pass, ${total} open builds, all queued`, 10));
      results.push(await pass(`reconcile pass, ${total} open builds, Redis flushed`, 3, () => inspect.obliterate({ force: true })));
    }
    return { results, baselineP50: baseline.p50 };
  } finally {
    if (ids.length) await db().update(builds).set({ status: 'CANCELLED' }).where(inArray(builds.id, ids));
    await inspect.obliterate({ force: true });
    await inspect.close();
  }
}
