// Which lab server an onpremises node runs on. A node is placed once (the placement is its
// host until it is deleted); new nodes go to the active host with the most room, so a unit's
// nodes spread over the servers (nodes of a unit use the same ports).
import { and, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Database, Transaction } from '@/lib/db/client';
import { hosts, nodes, type Host } from '@/lib/db/schema';
import type { ServerCapacity } from '@/lib/templates/plan';

/** Live nodes placed on each of these hosts. */
export async function nodesOnHosts(db: Database, hostIds: string[]): Promise<Map<string, number>> {
  if (!hostIds.length) return new Map();
  const rows = await db
    .select({ hostId: nodes.hostId, n: count() })
    .from(nodes)
    .where(and(inArray(nodes.hostId, hostIds), isNull(nodes.deletedAt)))
    .groupBy(nodes.hostId);
  return new Map(rows.map((r) => [r.hostId!, r.n]));
}

/** What the organization's servers can take, for planning a build on them. */
export async function serverCapacity(db: Database, organizationId: string): Promise<ServerCapacity> {
  const active = await db.select().from(hosts).where(and(eq(hosts.organizationId, organizationId), eq(hosts.state, 'active')));
  const used = await nodesOnHosts(db, active.map((h) => h.id));
  return {
    active: active.length,
    freeNodes: active.reduce((n, h) => n + Math.max(0, h.capacity - (used.get(h.id) ?? 0)), 0),
    withContainers: active.filter((h) => h.containerEngine).length,
  };
}

/** Holds the organization's placement lock until the transaction ends: two placements never take one host's last place. */
export async function lockPlacement(tx: Transaction, organizationId: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ocs.placement'), hashtext(${organizationId}))`);
}

/** Why no host could take the node, for the build log. */
export class NoHostError extends Error {}

/** The node's host: the one it was placed on, else the active host of its organization with the most free capacity. */
export async function placeNode(db: Database, nodeId: string, organizationId: string): Promise<Host> {
  return db.transaction(async (tx) => {
    await lockPlacement(tx, organizationId);
    const [node] = await tx.select({ hostId: nodes.hostId }).from(nodes).where(eq(nodes.id, nodeId));
    if (node?.hostId) {
      const [placed] = await tx.select().from(hosts).where(eq(hosts.id, node.hostId));
      return placed!;
    }
    const candidates = await tx.select().from(hosts).where(and(eq(hosts.organizationId, organizationId), eq(hosts.state, 'active')));
    const used = await nodesOnHosts(tx as unknown as Database, candidates.map((h) => h.id));
    const free = (h: Host) => h.capacity - (used.get(h.id) ?? 0);
    const best = candidates.filter((h) => free(h) > 0).sort((a, b) => free(b) - free(a) || a.name.localeCompare(b.name))[0];
    if (!best) {
      const all = await tx.select({ state: hosts.state }).from(hosts).where(and(eq(hosts.organizationId, organizationId), sql`${hosts.state} <> 'removed'`));
      throw new NoHostError(
        all.length
          ? `none of the organization's ${all.length} server(s) can take another node (${candidates.length} active, all full; draining or unreachable servers take none): register a server, raise a capacity or activate a server`
          : 'the organization has no server registered: register its servers on the Servers page (サーバー) first',
      );
    }
    await tx.update(nodes).set({ hostId: best.id }).where(eq(nodes.id, nodeId));
    return best;
  });
}
