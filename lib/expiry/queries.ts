// Reading end dates and extension requests: a unit group's (its readers), and the queue of
// requests waiting for NII staff.
import { and, desc, eq, ne } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { AppError } from '@/lib/errors';
import { can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { expiryExtensions, organizations, unitGroups, users, type ExpiryExtension } from '@/lib/db/schema';
import { parseOrThrow } from '@/lib/zod-fields';
import { decidesExtensions } from './decide-extension';
import { DAY_MS, ZExtensionStateFilter } from './fields';

export interface ExpiryView {
  expiresAt: Date | null;
  expiredAt: Date | null;
  /** When the unit group is deleted unless its end date moves: its grace period after expiry. */
  deletesAt: Date | null;
  extensionAutoApproveDays: number;
  expiryGraceDays: number;
  /** Whether the caller may set the date and ask for extensions. */
  canChange: boolean;
}

export type ExtensionView = ExpiryExtension & { requestedByName: string; requestedByEmail: string; decidedByName: string | null };

export type QueuedExtension = ExtensionView & { unitGroupName: string; organizationId: string; organizationName: string; extensionAutoApproveDays: number };

const decider = alias(users, 'decider');

const extensionColumns = {
  extension: expiryExtensions,
  requestedByName: users.name,
  requestedByEmail: users.email,
  decidedByName: decider.name,
};

/** When a unit group that ends at `expiresAt` (or expired at `expiredAt`) is deleted. */
export function deletionTime(expiresAt: Date | null, expiredAt: Date | null, graceDays: number): Date | null {
  const from = expiredAt ?? expiresAt;
  return from ? new Date(from.getTime() + graceDays * DAY_MS) : null;
}

/** A unit group's end date, its organization's policy and its extension requests, newest first. */
export async function expiryOf(db: Database, actor: Actor, unitGroupId: string): Promise<{ expiry: ExpiryView; extensions: ExtensionView[] }> {
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
    .where(eq(expiryExtensions.unitGroupId, unitGroupId))
    .orderBy(desc(expiryExtensions.createdAt));
  return {
    expiry: {
      expiresAt: group.expiresAt,
      expiredAt: group.expiredAt,
      deletesAt: deletionTime(group.expiresAt, group.expiredAt, expiryGraceDays),
      extensionAutoApproveDays,
      expiryGraceDays,
      canChange: can(actor, 'build', group.organizationId),
    },
    extensions: rows.map(({ extension, ...who }) => ({ ...extension, ...who })),
  };
}

/** NII staff's queue: requests in one state (pending unless asked) of unit groups not deleted, oldest first for pending ones. */
export async function listExtensionQueue(db: Database, actor: Actor, raw: unknown): Promise<QueuedExtension[]> {
  if (!decidesExtensions(actor)) throw new AppError('FORBIDDEN', 'Only NII staff see the extension requests of every organization');
  const { state } = parseOrThrow(ZExtensionStateFilter, raw);
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
    .where(and(eq(expiryExtensions.state, state), ne(unitGroups.state, 'DELETED')))
    .orderBy(state === 'pending' ? expiryExtensions.createdAt : desc(expiryExtensions.createdAt))
    .limit(500);
  return rows.map(({ extension, ...rest }) => ({ ...extension, ...rest }));
}
