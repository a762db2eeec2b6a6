// A relay ticket: the portal's signed word that a node belongs to a unit group until a time, so the
// relay (lib/overlay/relay-server.ts) needs no database. 69 bytes, base64url in JSON:
//   [version 1][node id 16][unit group id 16][expiry: uint32 BE, Unix seconds][HMAC-SHA256 of the rest 32]
// The key comes from OCS_SECRET_KEY (relaySecret), so a relay process sharing it needs no other secret.
// A ticket is a bearer credential: the agent gets it over TLS and only ever shows it to the relay.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { NODE_ID_BYTES, nodeIdBytes, nodeIdFromBytes } from '@/agent/overlay/relay-protocol';
import { secretKeyProblem } from '@/lib/secrets/cipher';

const VERSION = 1;
const SIGNED_BYTES = 1 + 2 * NODE_ID_BYTES + 4;
const MAC_BYTES = 32;
const TICKET_BYTES = SIGNED_BYTES + MAC_BYTES;

export interface RelayTicket {
  nodeId: string;
  unitGroupId: string;
  expiresAt: Date;
}

/** The relay's ticket key, derived from OCS_SECRET_KEY (never the key itself: it also seals secrets at rest). */
export function relaySecret(secretKeyBase64: string): Buffer {
  const problem = secretKeyProblem(secretKeyBase64);
  if (problem) throw new Error(`OCS_SECRET_KEY ${problem}`);
  return Buffer.from(hkdfSync('sha256', Buffer.from(secretKeyBase64, 'base64'), Buffer.alloc(0), 'ocs-relay-ticket', 32));
}

function mac(secret: Buffer, signed: Buffer): Buffer {
  return createHmac('sha256', secret).update(signed).digest();
}

export function issueRelayTicket(secret: Buffer, t: RelayTicket): string {
  const seconds = Math.floor(t.expiresAt.getTime() / 1000);
  if (!(seconds > 0 && seconds <= 0xffffffff)) throw new Error(`a relay ticket cannot expire at ${t.expiresAt.toISOString()}`);
  const signed = Buffer.alloc(SIGNED_BYTES);
  signed[0] = VERSION;
  nodeIdBytes(t.nodeId).copy(signed, 1);
  nodeIdBytes(t.unitGroupId).copy(signed, 1 + NODE_ID_BYTES);
  signed.writeUInt32BE(seconds, 1 + 2 * NODE_ID_BYTES);
  return Buffer.concat([signed, mac(secret, signed)]).toString('base64url');
}

/** What the ticket (base64url text, or its bytes as a REGISTER carries them) says, or null when it is not genuine or has expired. */
export function verifyRelayTicket(secret: Buffer, ticket: string | Buffer, now = new Date()): RelayTicket | null {
  const bytes = typeof ticket === 'string' ? Buffer.from(ticket, 'base64url') : ticket;
  if (bytes.length !== TICKET_BYTES || bytes[0] !== VERSION) return null;
  const signed = bytes.subarray(0, SIGNED_BYTES);
  if (!timingSafeEqual(mac(secret, signed), bytes.subarray(SIGNED_BYTES))) return null;
  const expiresAt = new Date(signed.readUInt32BE(1 + 2 * NODE_ID_BYTES) * 1000);
  if (expiresAt <= now) return null;
  return { nodeId: nodeIdFromBytes(signed.subarray(1, 1 + NODE_ID_BYTES)), unitGroupId: nodeIdFromBytes(signed.subarray(1 + NODE_ID_BYTES, 1 + 2 * NODE_ID_BYTES)), expiresAt };
}
