import { and, asc, eq, ne } from 'drizzle-orm';
import { authorize, type Actor, type Permission } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { hosts, type Host } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/** A host as the API shows it: removed hosts are never shown, so no removedAt. */
export type HostView = Omit<Host, 'removedAt'> & {
  /** How many more nodes it can take. */
  freeCapacity: number;
};

/** Hosts that have not been removed. */
export const liveHost = ne(hosts.state, 'removed');

export function hostView({ removedAt: _removedAt, ...host }: Host): HostView {
  // No node is placed on a host yet (the placement step comes later): all of it is free.
  return { ...host, freeCapacity: host.capacity };
}

/** The organization's hosts by name. */
export async function listHosts(db: Database, actor: Actor, organizationId: string): Promise<HostView[]> {
  authorize(actor, 'read', organizationId, 'organization');
  const rows = await db
    .select()
    .from(hosts)
    .where(and(eq(hosts.organizationId, organizationId), liveHost))
    .orderBy(asc(hosts.name));
  return rows.map(hostView);
}

/** A host the actor may `permission` on; a removed host or another organization's is "not found". */
export async function loadHost(db: Database, actor: Actor, hostId: string, permission: Permission): Promise<Host> {
  const host = await db.query.hosts.findFirst({ where: and(eq(hosts.id, hostId), liveHost) });
  if (!host) throw new AppError('NOT_FOUND', 'No such host');
  authorize(actor, permission, host.organizationId, 'host');
  return host;
}

export async function getHost(db: Database, actor: Actor, hostId: string): Promise<HostView> {
  return hostView(await loadHost(db, actor, hostId, 'read'));
}
