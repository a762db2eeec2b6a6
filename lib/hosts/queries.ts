import { and, asc, eq, ne } from 'drizzle-orm';
import { authorize, type Actor, type Permission } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { hosts, type Host } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { nodesOnHosts } from './placement';

/** A host as the API shows it: removed hosts are never shown, so no removedAt. */
export type HostView = Omit<Host, 'removedAt'> & {
  /** Live nodes placed on it. */
  nodes: number;
  /** How many more nodes it can take. */
  freeCapacity: number;
};

/** Hosts that have not been removed. */
export const liveHost = ne(hosts.state, 'removed');

function hostView({ removedAt: _removedAt, ...host }: Host, nodes: number): HostView {
  return { ...host, nodes, freeCapacity: Math.max(0, host.capacity - nodes) };
}

/** Hosts as the API shows them, with the nodes placed on each. */
export async function hostViews(db: Database, rows: Host[]): Promise<HostView[]> {
  const used = await nodesOnHosts(db, rows.map((h) => h.id));
  return rows.map((h) => hostView(h, used.get(h.id) ?? 0));
}

export async function viewOf(db: Database, host: Host): Promise<HostView> {
  return (await hostViews(db, [host]))[0]!;
}

/** The organization's hosts by name. */
export async function listHosts(db: Database, actor: Actor, organizationId: string): Promise<HostView[]> {
  authorize(actor, 'read', organizationId, 'organization');
  const rows = await db
    .select()
    .from(hosts)
    .where(and(eq(hosts.organizationId, organizationId), liveHost))
    .orderBy(asc(hosts.name));
  return hostViews(db, rows);
}

/** A host the actor may `permission` on; a removed host or another organization's is "not found". */
export async function loadHost(db: Database, actor: Actor, hostId: string, permission: Permission): Promise<Host> {
  const host = await db.query.hosts.findFirst({ where: and(eq(hosts.id, hostId), liveHost) });
  if (!host) throw new AppError('NOT_FOUND', 'No such host');
  authorize(actor, permission, host.organizationId, 'host');
  return host;
}

export async function getHost(db: Database, actor: Actor, hostId: string): Promise<HostView> {
  return viewOf(db, await loadHost(db, actor, hostId, 'read'));
}
