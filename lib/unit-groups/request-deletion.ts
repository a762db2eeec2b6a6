import { eq, sql } from 'drizzle-orm';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { unitGroups } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { enqueueAfterCommit } from '@/lib/jobs/queue';

/** Marks a unit group DELETING and queues its teardown. Asking twice is harmless. */
export async function requestUnitGroupDeletion(db: Database, actor: Actor, unitGroupId: string, meta: RequestMeta = { ip: null }): Promise<void> {
  const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
  if (!group || group.state === 'DELETED') throw new AppError('NOT_FOUND', 'No such unit group');
  authorize(actor, 'build', group.organizationId, 'unit group');
  await db.update(unitGroups).set({ state: 'DELETING', stateReason: null, updatedAt: sql`now()` }).where(eq(unitGroups.id, unitGroupId));
  await enqueueAfterCommit('unitGroup.delete', { unitGroupId });
  await recordAudit(db, { actor, organizationId: group.organizationId, action: 'unitGroup.delete', targetType: 'unitGroup', targetId: unitGroupId, ipAddress: meta.ip, outcome: 'success', details: { name: group.name } });
}
