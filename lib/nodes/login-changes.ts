// Changes of who may log in to nodes (keys added or removed, members joining, leaving or changing
// role) bump the desired version of the nodes concerned, in the caller's transaction, so their
// agents install the new set at once.
import { and, eq, inArray, isNull } from 'drizzle-orm';
import { bumpDesiredVersions } from '@/lib/agent-channel/desired-state';
import type { Transaction } from '@/lib/db/client';
import { memberships, nodes, unitGroups, userSshKeys } from '@/lib/db/schema';
import { onPortalMachine } from '@/lib/providers/catalog';
import { LOGIN_ROLES } from './ssh-login';

/** Tells the agents of the organizations' live nodes (those that get logins) that their logins changed. */
async function bumpLoginNodes(tx: Transaction, organizationIds: string[]): Promise<void> {
  if (!organizationIds.length) return;
  const live = await tx
    .select({ id: nodes.id, provider: nodes.provider })
    .from(nodes)
    .innerJoin(unitGroups, eq(unitGroups.id, nodes.unitGroupId))
    .where(and(inArray(unitGroups.organizationId, organizationIds), isNull(nodes.deletedAt)));
  await bumpDesiredVersions(tx, live.filter((n) => !onPortalMachine(n.provider)).map((n) => n.id));
}

/** After a member joined, left or changed role in the organization: their keys come or go, if they have any. */
export async function memberLoginChanged(tx: Transaction, organizationId: string, userId: string): Promise<void> {
  const [key] = await tx.select({ id: userSshKeys.id }).from(userSshKeys).where(eq(userSshKeys.userId, userId)).limit(1);
  if (key) await bumpLoginNodes(tx, [organizationId]);
}

/** After the user's keys changed: the nodes of every organization where they may log in. */
export async function userKeysChanged(tx: Transaction, userId: string): Promise<void> {
  const rows = await tx
    .select({ organizationId: memberships.organizationId })
    .from(memberships)
    .where(and(eq(memberships.userId, userId), inArray(memberships.role, LOGIN_ROLES)));
  await bumpLoginNodes(tx, rows.map((r) => r.organizationId));
}
