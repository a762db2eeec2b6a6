// How the portal shows a node's place on its unit group's private network: its address, whether
// its interface is up, and how its agent reaches its peers (directly, through the relay, or not).
import { eq, inArray } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { overlayMembers, overlayNetworks } from '@/lib/db/schema';
import { blockAddress } from './addresses';

export interface PrivateNetworkView {
  address: string;
  /** pending: its agent has not said yet. */
  state: 'pending' | 'up' | 'error';
  problem: string | null;
  /** Peers by path, as the node's agent last reported. */
  peers: { direct: number; relay: number; none: number };
}

export async function privateNetworksOf(db: Database, nodeIds: string[]): Promise<Map<string, PrivateNetworkView>> {
  if (!nodeIds.length) return new Map();
  const rows = await db
    .select({ nodeId: overlayMembers.nodeId, hostNo: overlayMembers.hostNo, block: overlayNetworks.block, report: overlayMembers.report })
    .from(overlayMembers)
    .innerJoin(overlayNetworks, eq(overlayNetworks.unitGroupId, overlayMembers.unitGroupId))
    .where(inArray(overlayMembers.nodeId, nodeIds));
  return new Map(
    rows.map((r) => {
      const peers = { direct: 0, relay: 0, none: 0 };
      for (const p of r.report?.peers ?? []) peers[p.path] += 1;
      return [r.nodeId, { address: blockAddress(r.block, r.hostNo), state: r.report?.state ?? 'pending', problem: r.report?.problem ?? null, peers }];
    }),
  );
}
