import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, buildSteps, nodes } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { requestUnitGroupDeletion } from '@/lib/unit-groups/request-deletion';
import { localResourcesOf, seededLabAdmin, uniqueName, until } from '@/test/fixtures';

const root = path.resolve(import.meta.dirname, '..');
// A queue of its own: builds other test files submitted without running must not reach this worker.
process.env.OCS_QUEUE_PREFIX = `${process.env.OCS_QUEUE_PREFIX}-recovery`;
const workers: ChildProcess[] = [];
let actor: Actor;

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'workers', 'main.ts')], {
    cwd: root,
    // A short lock so a killed worker's job is taken over within seconds, not the default 30 s.
    env: { ...process.env, WORKER_LOCK_MS: '2000', WORKER_CONCURRENCY: '2' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', () => {});
  child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[worker] ${d}`));
  workers.push(child);
  return child;
}


beforeAll(async () => {
  actor = await seededLabAdmin();
});

afterAll(async () => {
  for (const w of workers) if (w.exitCode === null) w.kill('SIGKILL');
  await closeQueue();
  await closeDb();
});

describe('the worker pool', () => {
  it('finishes a build with exactly N nodes after its worker is killed mid-build, then tears it down', async () => {
    const first = startWorker();
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('killed'), provider: 'local', flavor: 'small', parameters: { nodes: 3 } });

    await until('the worker to start creating nodes', async () => {
      const [step] = await db().select().from(buildSteps).where(eq(buildSteps.buildId, buildId)).orderBy(buildSteps.position).limit(1);
      return step?.status === 'RUNNING';
    }, 60_000, 20);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));

    startWorker();
    const build = await until('the build to finish', async () => {
      const b = await db().query.builds.findFirst({ where: eq(builds.id, buildId) });
      return b && ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(b.status) ? b : null;
    }, 90_000, 250);
    expect(build.error).toBeNull();
    expect(build.status).toBe('SUCCEEDED');
    const createStep = (await db().select().from(buildSteps).where(eq(buildSteps.buildId, buildId))).find((s) => s.key === 'create-nodes');
    expect(createStep?.attempts).toBeGreaterThanOrEqual(2);

    const rows = await db().select().from(nodes).where(eq(nodes.unitGroupId, unitGroupId));
    expect(rows).toHaveLength(3);
    const resources = await localResourcesOf(unitGroupId);
    expect(resources).toHaveLength(3);
    expect(new Set(resources.map((r) => r.ipAddress))).toEqual(new Set(rows.map((n) => n.ipAddress)));
    for (const r of rows) expect((await fetch(`http://${r.ipAddress}:8080/healthz`)).status).toBe(200);

    // Deletion goes through the queue too, as the UI and API do it.
    await requestUnitGroupDeletion(db(), actor, unitGroupId);
    await until('the unit group to be deleted', async () => (await localResourcesOf(unitGroupId)).length === 0, 60_000, 250);
    await until('the records to say DELETED', async () => {
      const g = await db().query.unitGroups.findFirst({ where: (t, { eq: e }) => e(t.id, unitGroupId) });
      return g?.state === 'DELETED';
    }, 60_000, 20);
  });
});
