// Reading end dates and extension requests: a unit group's (its readers), and the queue of
// requests for NII staff.
import { and, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { AppError } from '@/lib/errors';
import { can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { expiryExtensions, organizations, unitGroups, users, type ExpiryExtension } from '@/lib/db/schema';
import { decidesExtensions } from './decide-extension';
import { DAY_MS } from './fields';
import type { ExpiryView, ExtensionView, QueuedExtensionView } from './views';

const decider = alias(users, 'decider');
const keyset = { sort: expiryExtensions.createdAt, id: expiryExtensions.id };

const extensionColumns = {
  extension: expiryExtensions,
  requestedByName: users.name,
  requestedByEmail: users.email,
  decidedByName: decider.name,
  id: expiryExtensions.id,
  cursor: cursorColumn(keyset),
};

interface ExtensionRow {
  extension: ExpiryExtension;
  requestedByName: string;
  requestedByEmail: string;
  decidedByName: string | null;
}

function extensionView({ extension: x, requestedByName, requestedByEmail, decidedByName }: ExtensionRow): ExtensionView {
  return {
    id: x.id,
    unitGroupId: x.unitGroupId,
    state: x.state,
    fromExpiresAt: x.fromExpiresAt,
    untilExpiresAt: x.untilExpiresAt,
    reason: x.reason,
    requestedByName,
    requestedByEmail,
    autoApproved: x.state === 'approved' && !x.decidedBy,
    decidedByName,
    decidedAt: x.decidedAt,
    decisionNote: x.decisionNote,
    createdAt: x.createdAt,
  };
}

/** When a unit group that ends at `expiresAt` (or expired at `expiredAt`) is deleted. */
export function deletionTime(expiresAt: Date | null, expiredAt: Date | null, graceDays: number): Date | null {
  const from = expiredAt ?? expiresAt;
  return from ? new Date(from.getTime() + graceDays * DAY_MS) : null;
}

/** One extension request as the API shows it (after the caller's right to it was checked). */
export async function getExtension(db: Database, extensionId: string): Promise<ExtensionView> {
  const [row] = await db
    .select(extensionColumns)
    .from(expiryExtensions)
    .innerJoin(users, eq(expiryExtensions.requestedBy, users.id))
    .leftJoin(decider, eq(expiryExtensions.decidedBy, decider.id))
    .where(eq(expiryExtensions.id, extensionId));
  if (!row) throw new AppError('NOT_FOUND', 'No such extension request');
  return extensionView(row);
}

/** A unit group's end date, its organization's policy and its extension requests, newest first, a page at a time. */
export async function expiryOf(
  db: Database,
  actor: Actor,
  unitGroupId: string,
  page: PageQuery = { limit: 50 },
): Promise<{ expiry: ExpiryView; extensions: ExtensionView[]; nextCursor: string | null }> {
  const [row] = await db
    .select({ group: unitGroups, extensionAutoApproveDays: organizations.extensionAutoApproveDays, expiryGraceDays: organizations.expiryGraceDays })
    .from(unitGroups)
    .innerJoin(organizations, eq(unitGroups.organizationId, organizations.id))
    .where(eq(unitGroups.id, unitGroupId));
  if (!row || row.group.state === 'DELETED' || !can(actor, 'read', row.group.organizationId)) throw new AppError('NOT_FOUND', 'No such unit group');
  const { group, extensionAutoApproveDays, expiryGraceDays } = row;
  const rows = await db
    .select(extensionColumns)
    .from(expiryExtensions)
    .innerJoin(users, eq(expiryExtensions.requestedBy, users.id))
    .leftJoin(decider, eq(expiryExtensions.decidedBy, decider.id))
    .where(and(eq(expiryExtensions.unitGroupId, unitGroupId), afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return {
    expiry: {
      expiresAt: group.expiresAt,
      expiredAt: group.expiredAt,
      deletesAt: deletionTime(group.expiresAt, group.expiredAt, expiryGraceDays),
      extensionAutoApproveDays,
      expiryGraceDays,
      canChange: can(actor, 'build', group.organizationId),
    },
    extensions: items.map(extensionView),
    nextCursor,
  };
}

export interface ExtensionQueueQuery extends Partial<PageQuery> {
  /** pending unless asked. */
  state?: ExpiryExtension['state'];
}

/** NII staff's queue: requests in one state (pending unless asked) of unit groups not deleted, newest first, a page at a time. */
export async function listExtensionQueue(db: Database, actor: Actor, query: ExtensionQueueQuery = {}): Promise<{ extensions: QueuedExtensionView[]; nextCursor: string | null }> {
  if (!decidesExtensions(actor)) throw new AppError('FORBIDDEN', 'Only NII staff see the extension requests of every organization');
  const limit = query.limit ?? 50;
  const rows = await db
    .select({
      ...extensionColumns,
      unitGroupName: unitGroups.name,
      organizationId: organizations.id,
      organizationName: organizations.name,
      extensionAutoApproveDays: organizations.extensionAutoApproveDays,
    })
    .from(expiryExtensions)
    .innerJoin(users, eq(expiryExtensions.requestedBy, users.id))
    .leftJoin(decider, eq(expiryExtensions.decidedBy, decider.id))
    .innerJoin(unitGroups, eq(expiryExtensions.unitGroupId, unitGroups.id))
    .innerJoin(organizations, eq(unitGroups.organizationId, organizations.id))
    .where(and(eq(expiryExtensions.state, query.state ?? 'pending'), ne(unitGroups.state, 'DELETED'), afterCursor(keyset, query.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(limit + 1);
  const { items, nextCursor } = pageOf(rows, limit);
  return {
    extensions: items.map((r) => ({
      ...extensionView(r),
      unitGroupName: r.unitGroupName,
      organizationId: r.organizationId,
      organizationName: r.organizationName,
      extensionAutoApproveDays: r.extensionAutoApproveDays,
    })),
    nextCursor,
  };
}
