// A node's part of its unit group's private network, as its agent receives it with its desired
// state: its address, every peer that has reported a public key, and the relay with a ticket.
import { and, asc, eq, isNotNull, isNull, ne } from 'drizzle-orm';
import type { DesiredNetwork } from '@/agent/protocol';
import type { Database } from '@/lib/db/client';
import { nodes, overlayMembers, overlayNetworks } from '@/lib/db/schema';
import { agentPortalUrl, env } from '@/lib/env';
import { blockAddress } from './addresses';
import { issueRelayTicket, relaySecret } from './relay-ticket';

/** Tickets last two to three weeks and change only once a week, so an unchanged desired state stays unchanged. */
const TICKET_PERIOD_MS = 7 * 24 * 3600 * 1000;

/** Where nodes on `provider` reach the relay: OCS_RELAY_ENDPOINT, else the host their agents dial home to. */
export function relayEndpoint(provider: string): string {
  const { OCS_RELAY_ENDPOINT, OCS_RELAY_PORT } = env();
  return OCS_RELAY_ENDPOINT ?? `${new URL(agentPortalUrl(provider)).hostname}:${OCS_RELAY_PORT}`;
}

// Derived once per key rather than on every agent sync.
let derived: { from: string; key: Buffer } | undefined;
function ticketKey(): Buffer {
  const { OCS_SECRET_KEY } = env();
  if (derived?.from !== OCS_SECRET_KEY) derived = { from: OCS_SECRET_KEY, key: relaySecret(OCS_SECRET_KEY) };
  return derived.key;
}

export async function desiredNetworkOf(db: Database, nodeId: string): Promise<DesiredNetwork | undefined> {
  const [self] = await db
    .select({ unitGroupId: overlayMembers.unitGroupId, hostNo: overlayMembers.hostNo, block: overlayNetworks.block, provider: nodes.provider })
    .from(overlayMembers)
    .innerJoin(overlayNetworks, eq(overlayNetworks.unitGroupId, overlayMembers.unitGroupId))
    .innerJoin(nodes, eq(nodes.id, overlayMembers.nodeId))
    .where(eq(overlayMembers.nodeId, nodeId));
  if (!self) return undefined;
  const peers = await db
    .select({ nodeId: overlayMembers.nodeId, name: nodes.name, hostNo: overlayMembers.hostNo, publicKey: overlayMembers.publicKey, endpoints: overlayMembers.endpoints })
    .from(overlayMembers)
    .innerJoin(nodes, eq(nodes.id, overlayMembers.nodeId))
    .where(and(eq(overlayMembers.unitGroupId, self.unitGroupId), ne(overlayMembers.nodeId, nodeId), isNotNull(overlayMembers.publicKey), isNull(nodes.deletedAt)))
    .orderBy(asc(overlayMembers.hostNo));
  const expiresAt = new Date((Math.floor(Date.now() / TICKET_PERIOD_MS) + 2) * TICKET_PERIOD_MS);
  return {
    address: `${blockAddress(self.block, self.hostNo)}/24`,
    peers: peers.map((p) => ({ nodeId: p.nodeId, name: p.name, publicKey: p.publicKey!, address: blockAddress(self.block, p.hostNo), endpoints: p.endpoints })),
    relay: {
      endpoint: relayEndpoint(self.provider),
      ticket: issueRelayTicket(ticketKey(), { nodeId, unitGroupId: self.unitGroupId, expiresAt }),
    },
  };
}
