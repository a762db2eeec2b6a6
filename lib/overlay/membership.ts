// Who is on a unit group's private network, at which address. A unit group gets a /24 block of the
// overlay range when its first machine node joins; each node a host number in it. Leaving (a node
// deleted) tells every remaining peer's agent, which drops it from its WireGuard configuration.
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { bumpDesiredVersions } from '@/lib/agent-channel/desired-state';
import type { Database, Transaction } from '@/lib/db/client';
import { nodes, overlayMembers, overlayNetworks } from '@/lib/db/schema';
import { blockAddress, BLOCKS, HOSTS_PER_BLOCK } from './addresses';

const UNIQUE_VIOLATION = '23505';

function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string; cause?: { code?: string } };
  return err.code === UNIQUE_VIOLATION || err.cause?.code === UNIQUE_VIOLATION;
}

/** Two processes may pick the same free number at once: the unique index decides, the loser picks again. */
async function retryingConflicts<T>(attempt: () => Promise<T>): Promise<T> {
  for (let tries = 0; ; tries++) {
    try {
      return await attempt();
    } catch (e) {
      if (!isUniqueViolation(e) || tries >= 20) throw e;
    }
  }
}

async function ensureNetwork(db: Database, unitGroupId: string): Promise<number> {
  return retryingConflicts(async () => {
    const [existing] = await db.select({ block: overlayNetworks.block }).from(overlayNetworks).where(eq(overlayNetworks.unitGroupId, unitGroupId));
    if (existing) return existing.block;
    const {
      rows: [free],
    } = await db.execute<{ block: number | null }>(sql`select min(b)::int as block from generate_series(0, ${BLOCKS - 1}) b where b not in (select block from overlay_networks)`);
    if (free?.block == null) throw new Error('every block of the overlay range 100.64.0.0/10 is in use');
    await db.insert(overlayNetworks).values({ unitGroupId, block: free.block });
    return free.block;
  });
}

/** The node's overlay address (a /24 of its unit group's): allocated on first call, the same after. */
export async function joinOverlay(db: Database, unitGroupId: string, nodeId: string): Promise<string> {
  const block = await ensureNetwork(db, unitGroupId);
  const hostNo = await retryingConflicts(async () => {
    const [member] = await db.select({ hostNo: overlayMembers.hostNo }).from(overlayMembers).where(eq(overlayMembers.nodeId, nodeId));
    if (member) return member.hostNo;
    const {
      rows: [free],
    } = await db.execute<{ hostNo: number | null }>(
      sql`select min(n)::int as "hostNo" from generate_series(1, ${HOSTS_PER_BLOCK}) n where n not in (select host_no from overlay_members where unit_group_id = ${unitGroupId})`,
    );
    if (free?.hostNo == null) throw new Error(`the unit group's private network has no free address (at most ${HOSTS_PER_BLOCK} nodes)`);
    // Its agent applies the network with its next desired state, even one with no applications yet.
    await db.transaction(async (tx) => {
      await tx.insert(overlayMembers).values({ nodeId, unitGroupId, hostNo: free.hostNo! });
      await bumpDesiredVersions(tx, [nodeId]);
    });
    return free.hostNo;
  });
  return blockAddress(block, hostNo);
}

/** The live members of the unit group other than `nodeId`: theirs are the agents to tell of a change. */
async function otherMembers(tx: Transaction | Database, unitGroupId: string, nodeIds: string[]): Promise<string[]> {
  const rows = await tx
    .select({ nodeId: overlayMembers.nodeId })
    .from(overlayMembers)
    .innerJoin(nodes, eq(nodes.id, overlayMembers.nodeId))
    .where(and(eq(overlayMembers.unitGroupId, unitGroupId), isNull(nodes.deletedAt), ...nodeIds.map((id) => ne(overlayMembers.nodeId, id))));
  return rows.map((r) => r.nodeId);
}

/** Removes nodes from their private network; the remaining peers' agents drop them. */
export async function leaveOverlay(db: Database, nodeIds: string[]): Promise<void> {
  if (!nodeIds.length) return;
  await db.transaction(async (tx) => {
    const gone = await tx.delete(overlayMembers).where(inArray(overlayMembers.nodeId, nodeIds)).returning({ unitGroupId: overlayMembers.unitGroupId });
    for (const unitGroupId of new Set(gone.map((g) => g.unitGroupId))) await bumpDesiredVersions(tx, await otherMembers(tx, unitGroupId, nodeIds));
  });
}

/** A deleted unit group's block is free again. */
export async function dropOverlay(db: Database | Transaction, unitGroupId: string): Promise<void> {
  await db.delete(overlayNetworks).where(eq(overlayNetworks.unitGroupId, unitGroupId));
}

/** What the agent says of its end: a new key or new endpoints are news for every peer. */
export async function recordOverlayEnd(db: Database, nodeId: string, end: { publicKey?: string; endpoints: string[]; report: unknown }): Promise<void> {
  await db.transaction(async (tx) => {
    const [member] = await tx.select().from(overlayMembers).where(eq(overlayMembers.nodeId, nodeId)).for('update');
    if (!member) return;
    const publicKey = end.publicKey ?? member.publicKey;
    const changed = publicKey !== member.publicKey || JSON.stringify(end.endpoints) !== JSON.stringify(member.endpoints);
    await tx
      .update(overlayMembers)
      .set({ publicKey, endpoints: end.endpoints, report: end.report as typeof member.report, updatedAt: sql`now()` })
      .where(eq(overlayMembers.nodeId, nodeId));
    if (changed) await bumpDesiredVersions(tx, await otherMembers(tx, member.unitGroupId, [nodeId]));
  });
}
