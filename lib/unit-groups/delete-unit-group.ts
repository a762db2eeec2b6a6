import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { markBuildCancelled } from '@/lib/builds/state';
import type { Database } from '@/lib/db/client';
import { builds, nodes, unitGroups, units } from '@/lib/db/schema';
import { eachLimited } from '@/lib/each-limited';
import { NEVER_REACHED, releaseNode } from '@/lib/nodes/release-node';
import { dropOverlay } from '@/lib/overlay/membership';
import { getProvider } from '@/lib/providers/registry';
import { ProviderError } from '@/lib/providers/types';
import { withUnitGroupLock } from './lock';

/**
 * The teardown's last check: whatever the providers still hold tagged with the unit group (a
 * machine whose node record was lost, say) is deleted too, and the check repeated; the group is
 * gone only when none is left.
 */
async function removeTaggedLeftovers(unitGroupId: string, providerIds: string[]): Promise<void> {
  for (const id of providerIds) {
    const provider = await getProvider(id);
    const left = await provider.listResources({ 'ocs.unitGroupId': unitGroupId }).catch((e: unknown) => {
      // A server that cannot be reached was already judged node by node (releaseNode): nothing of ours got onto it.
      if (e instanceof ProviderError && NEVER_REACHED.includes(e.code)) {
        console.warn(`[unit group ${unitGroupId.slice(0, 8)}] cannot check ${id} for leftovers: ${e.message}`);
        return [];
      }
      throw e;
    });
    for (const r of left) {
      console.warn(`[unit group ${unitGroupId.slice(0, 8)}] ${id} still held ${r.resourceId} (${r.name}), tagged with the unit group: deleting it`);
      await provider.deleteNode(r.resourceId);
    }
    const still = left.length ? await provider.listResources({ 'ocs.unitGroupId': unitGroupId }) : [];
    if (still.length) throw new Error(`${id} still holds ${still.length} resource(s) of the unit group: ${still.map((r) => r.resourceId).join(', ')}`);
  }
}

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

    await db.update(units).set({ state: 'DELETING', updatedAt: sql`now()` }).where(and(eq(units.unitGroupId, unitGroupId), ne(units.state, 'DELETED')));
    const rows = await db
      .select()
      .from(nodes)
      .where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    const failures = await eachLimited(rows, 4, async (node) => {
      hold.assertHeld();
      await db.update(nodes).set({ state: 'DELETING', updatedAt: sql`now()` }).where(eq(nodes.id, node.id));
      await releaseNode(db, node);
    });
    // Nodes still held stay DELETING with their records; the job is retried until all are gone.
    if (failures.length) throw new Error(`${failures.length} node(s) could not be deleted yet: ${(failures[0] as Error).message}`);
    hold.assertHeld();
    // Every provider a node of the group was ever on (a burst node's cloud too).
    await removeTaggedLeftovers(unitGroupId, [...new Set((await db.selectDistinct({ provider: nodes.provider }).from(nodes).where(eq(nodes.unitGroupId, unitGroupId))).map((n) => n.provider))]);
    await db.transaction(async (tx) => {
      await tx.update(units).set({ state: 'DELETED', updatedAt: sql`now()` }).where(and(eq(units.unitGroupId, unitGroupId), ne(units.state, 'DELETED')));
      await tx.update(unitGroups).set({ state: 'DELETED', deletedAt: sql`now()`, updatedAt: sql`now()` }).where(eq(unitGroups.id, unitGroupId));
      await dropOverlay(tx, unitGroupId);
    });
    console.log(`[unit group ${unitGroupId.slice(0, 8)}] deleted ${rows.length} node(s)`);
  });
}
