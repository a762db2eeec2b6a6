// How the portal shows a node's place on its unit group's private network: its address, whether
// its interface is up, and how its agent reaches its peers (directly, through the relay, or not).
import { eq, inArray } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { overlayMembers, overlayNetworks, type OverlayMember } from '@/lib/db/schema';
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
  return viewsOf(await memberRows(db).where(inArray(overlayMembers.nodeId, nodeIds)));
}

const memberRows = (db: Database) =>
  db
    .select({ nodeId: overlayMembers.nodeId, hostNo: overlayMembers.hostNo, block: overlayNetworks.block, report: overlayMembers.report })
    .from(overlayMembers)
    .innerJoin(overlayNetworks, eq(overlayNetworks.unitGroupId, overlayMembers.unitGroupId));

function viewsOf(rows: Awaited<ReturnType<ReturnType<typeof memberRows>['where']>>): Map<string, PrivateNetworkView> {
  return new Map(rows.map((r) => [r.nodeId, privateNetworkView(r)]));
}

/** A node's membership of its unit group's network: its host number, the block, its agent's report. */
export type OverlayPlace = Pick<OverlayMember, 'hostNo' | 'report'> & { block: number };

export function privateNetworkView(place: OverlayPlace): PrivateNetworkView {
  const peers = { direct: 0, relay: 0, none: 0 };
  for (const p of place.report?.peers ?? []) peers[p.path] += 1;
  return { address: blockAddress(place.block, place.hostNo), state: place.report?.state ?? 'pending', problem: place.report?.problem ?? null, peers };
}
