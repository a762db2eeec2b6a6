import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { markBuildCancelled } from '@/lib/builds/state';
import type { Database } from '@/lib/db/client';
import { builds, nodes, unitGroups, units } from '@/lib/db/schema';
import { eachLimited } from '@/lib/each-limited';
import { releaseNode } from '@/lib/nodes/release-node';
import { withUnitGroupLock } from './lock';

/**
 * Tears a unit group down: every node the providers hold for it — found by its recorded id and
 * by its tags, so a node created just before a worker died is not missed — then the records.
 * Safe to run again until everything is gone.
 */
export async function deleteUnitGroup(db: Database, unitGroupId: string): Promise<void> {
  await withUnitGroupLock(unitGroupId, async (hold) => {
    const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
    if (!group || group.state === 'DELETED') return;
    if (group.state !== 'DELETING')
      await db.update(unitGroups).set({ state: 'DELETING', updatedAt: sql`now()` }).where(eq(unitGroups.id, unitGroupId));
    const open = await db.select({ id: builds.id }).from(builds).where(and(eq(builds.unitGroupId, unitGroupId), inArray(builds.status, ['QUEUED', 'RUNNING'])));
    for (const b of open) await markBuildCancelled(db, b.id, 'its unit group was deleted');

    await db.update(units).set({ state: 'DELETING', updatedAt: sql`now()` }).where(eq(units.unitGroupId, unitGroupId));
    const rows = await db
      .select({ node: nodes, provider: units.provider })
      .from(nodes)
      .innerJoin(units, eq(nodes.unitId, units.id))
      .where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    const failures = await eachLimited(rows, 4, async ({ node, provider }) => {
      hold.assertHeld();
      await db.update(nodes).set({ state: 'DELETING', updatedAt: sql`now()` }).where(eq(nodes.id, node.id));
      await releaseNode(db, node, provider);
    });
    // Nodes still held stay DELETING with their records; the job is retried until all are gone.
    if (failures.length) throw new Error(`${failures.length} node(s) could not be deleted yet: ${(failures[0] as Error).message}`);
    hold.assertHeld();
    await db.transaction(async (tx) => {
      await tx.update(units).set({ state: 'DELETED', updatedAt: sql`now()` }).where(eq(units.unitGroupId, unitGroupId));
      await tx.update(unitGroups).set({ state: 'DELETED', deletedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(unitGroups.id, unitGroupId));
    });
    console.log(`[unit group ${unitGroupId.slice(0, 8)}] deleted ${rows.length} node(s)`);
  });
}
