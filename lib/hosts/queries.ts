import { and, eq, ne } from 'drizzle-orm';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { authorize, type Actor, type Permission } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { hosts, type Host } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { nodesOnHosts } from './placement';
import type { HostView } from './views';

export type { HostView } from './views';

/** Hosts that have not been removed. */
export const liveHost = ne(hosts.state, 'removed');

/** A host as the API shows it (lib/hosts/views.ts), field by field: a removed host is never shown. */
function hostView(host: Host, nodes: number): HostView {
  if (host.state === 'removed') throw new AppError('NOT_FOUND', 'No such host');
  return {
    id: host.id,
    organizationId: host.organizationId,
    name: host.name,
    address: host.address,
    sshPort: host.sshPort,
    sshUser: host.sshUser,
    hostKeyFingerprint: host.hostKeyFingerprint,
    capacity: host.capacity,
    nodes,
    freeCapacity: Math.max(0, host.capacity - nodes),
    containerEngine: host.containerEngine,
    agentDir: host.agentDir,
    state: host.state,
    stateReason: host.stateReason,
    lastContactAt: host.lastContactAt,
    createdAt: host.createdAt,
    updatedAt: host.updatedAt,
  };
}

/** Hosts as the API shows them, with the nodes placed on each. */
export async function hostViews(db: Database, rows: Host[]): Promise<HostView[]> {
  const used = await nodesOnHosts(db, rows.map((h) => h.id));
  return rows.map((h) => hostView(h, used.get(h.id) ?? 0));
}

export async function viewOf(db: Database, host: Host): Promise<HostView> {
  return (await hostViews(db, [host]))[0]!;
}

/** The organization's hosts, newest first, a page at a time. */
export async function listHosts(db: Database, actor: Actor, organizationId: string, page: PageQuery = { limit: 50 }): Promise<{ hosts: HostView[]; nextCursor: string | null }> {
  authorize(actor, 'read', organizationId, 'organization');
  const keyset = { sort: hosts.createdAt, id: hosts.id };
  const rows = await db
    .select({ host: hosts, id: hosts.id, cursor: cursorColumn(keyset) })
    .from(hosts)
    .where(and(eq(hosts.organizationId, organizationId), liveHost, afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { hosts: await hostViews(db, items.map((r) => r.host)), nextCursor };
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
