import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db, pool } from '@/lib/db/client';
import { builds, buildSteps, nodes } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { deleteUnitGroup } from './delete-unit-group';
import { LockLostError, withUnitGroupLock, withUnitGroupLockIfFree } from './lock';

/** Ends this test database's connections that hold an advisory lock, as a failover or an admin would. */
async function dropLockConnections(): Promise<number> {
  const { rows } = await pool().query<{ ok: boolean }>(
    "select pg_terminate_backend(pid) as ok from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid() and database = (select oid from pg_database where datname = current_database())",
  );
  return rows.length;
}

const made: string[] = [];

afterAll(async () => {
  // Nodes outlive a failed assertion: tear down whatever this file built.
  for (const id of made) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

describe('unit group locks', () => {
  it('tells the holder when its lock connection drops, and the lock is free again', async () => {
    const id = randomUUID();
    const seen = await withUnitGroupLock(id, async (hold) => {
      hold.assertHeld();
      expect(await withUnitGroupLockIfFree(id, async () => 'second')).toBeNull();
      expect(await dropLockConnections()).toBe(1);
      for (let i = 0; i < 50 && !hold.signal.aborted; i++) await sleep(20);
      return () => hold.assertHeld();
    });
    expect(seen).toThrow(LockLostError);
    expect(await withUnitGroupLockIfFree(id, async () => 'free')).toBe('free');
  });

  it('a build whose lock connection dropped stops, and a later run finishes it with exactly its nodes', async () => {
    const { actor } = await organizationWithMember({ maxNodes: 10 });
    const { buildId, unitGroupId } = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('lock-lost'), provider: 'local', flavor: 'small', parameters: { nodes: 3 } });
    made.push(unitGroupId);
    // Its failure is taken at once: the lock may be lost before the assertion below awaits it.
    const outcome = runBuild(db(), buildId).then(
      () => null,
      (e: unknown) => e,
    );
    for (let i = 0; i < 500; i++) {
      const [step] = await db().select().from(buildSteps).where(and(eq(buildSteps.buildId, buildId), eq(buildSteps.key, 'create-nodes')));
      if (step?.status === 'RUNNING') break;
      await sleep(10);
    }
    expect(await dropLockConnections()).toBe(1);
    expect(await outcome).toBeInstanceOf(LockLostError);
    expect((await db().query.builds.findFirst({ where: eq(builds.id, buildId) }))?.status).toBe('RUNNING');

    await runBuild(db(), buildId);
    expect((await db().query.builds.findFirst({ where: eq(builds.id, buildId) }))?.status).toBe('SUCCEEDED');
    expect(await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)))).toHaveLength(3);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(3);
    await deleteUnitGroup(db(), unitGroupId);
    expect(await localResourcesOf(unitGroupId)).toHaveLength(0);
  });
});
