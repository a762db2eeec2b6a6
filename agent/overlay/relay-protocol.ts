// The relay's wire format, spoken by lib/overlay/relay-server.ts and ./relay-client.ts. Nodes that
// cannot reach each other directly (both behind NAT) send their WireGuard datagrams, already
// encrypted end to end, through a relay of the installation, which forwards them between
// registered nodes of one unit group and never reads them. One UDP datagram is one message; its
// first byte says which:
//
//   REGISTER    agent → relay  [0x01][ticket]                           also every ~10 s (keeps NAT open)
//   REGISTERED  relay → agent  [0x02][ticket expiry: uint32 BE, Unix seconds]
//   SEND        agent → relay  [0x03][destination node id: 16][WireGuard datagram]
//   DELIVER     relay → agent  [0x04][source node id: 16][WireGuard datagram]
//   REFUSED     relay → agent  [0x05][reason: one of REFUSAL]
//
// The ticket (lib/overlay/relay-ticket.ts) is opaque to the agent: the portal's signed word that
// the node belongs to its unit group. Node ids are UUIDs as their 16 bytes. A registered node is
// known by the address:port its REGISTER came from; that is how the relay tells who sends a SEND.
// No answer is larger than the message it answers, malformed messages get none, and the relay
// rate-limits refusals, so a spoofed source address cannot turn the relay into an amplifier.
//
// Path MTU: a WireGuard datagram of an MTU-1420 interface is at most 1452 bytes; with the 17-byte
// header and IPv4/UDP (28) that is 1497, within an Ethernet MTU of 1500.

export const MESSAGE = { register: 0x01, registered: 0x02, send: 0x03, deliver: 0x04, refused: 0x05 } as const;

export const REFUSAL = {
  /** Not a ticket this relay issued (forged, corrupt, or signed with another OCS_SECRET_KEY). */
  badTicket: 1,
  ticketExpired: 2,
  /** A SEND from an address:port without a live registration: register again. */
  notRegistered: 3,
  /** The destination is not registered, or not in the sender's unit group (not told apart). */
  unknownDestination: 4,
} as const;

export type Refusal = (typeof REFUSAL)[keyof typeof REFUSAL];

export const NODE_ID_BYTES = 16;
/** SEND and DELIVER: the type byte and a node id before the datagram. */
export const ROUTE_HEADER_BYTES = 1 + NODE_ID_BYTES;
/** Far above a real ticket, so a REGISTER is never mistaken for a flood. */
const MAX_TICKET_BYTES = 256;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function nodeIdBytes(uuid: string): Buffer {
  if (!UUID.test(uuid)) throw new Error(`not a UUID: ${uuid}`);
  return Buffer.from(uuid.replaceAll('-', ''), 'hex');
}

export function nodeIdFromBytes(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** How both ends key maps by node: the id's 16 bytes in hex, which a SEND or DELIVER yields without formatting. */
export function nodeKey(uuid: string): string {
  return nodeIdBytes(uuid).toString('hex');
}

export function encodeRegister(ticket: Buffer): Buffer {
  return Buffer.concat([Buffer.of(MESSAGE.register), ticket]);
}

export function encodeRegistered(expiresAt: Date): Buffer {
  const msg = Buffer.alloc(5);
  msg[0] = MESSAGE.registered;
  msg.writeUInt32BE(Math.floor(expiresAt.getTime() / 1000), 1);
  return msg;
}

export function encodeRefused(reason: Refusal): Buffer {
  return Buffer.of(MESSAGE.refused, reason);
}

/** The 17 bytes before every datagram to or from one node; made once and sent as [header, datagram]. */
export function routeHeader(type: typeof MESSAGE.send | typeof MESSAGE.deliver, nodeId: Buffer): Buffer {
  return Buffer.concat([Buffer.of(type), nodeId]);
}

export type RelayMessage =
  | { type: typeof MESSAGE.register; ticket: Buffer }
  | { type: typeof MESSAGE.registered; expiresAt: Date }
  /** node: the destination of a SEND, the source of a DELIVER (as nodeKey). */
  | { type: typeof MESSAGE.send | typeof MESSAGE.deliver; node: string; datagram: Buffer }
  | { type: typeof MESSAGE.refused; reason: Refusal };

const REFUSALS = new Set<number>(Object.values(REFUSAL));

/** The message in `msg`, or null when it is none (wrong length, unknown type or reason): such get no answer. */
export function decodeMessage(msg: Buffer): RelayMessage | null {
  switch (msg[0]) {
    case MESSAGE.register:
      return msg.length > 1 && msg.length <= 1 + MAX_TICKET_BYTES ? { type: MESSAGE.register, ticket: msg.subarray(1) } : null;
    case MESSAGE.registered:
      return msg.length === 5 ? { type: MESSAGE.registered, expiresAt: new Date(msg.readUInt32BE(1) * 1000) } : null;
    case MESSAGE.send:
    case MESSAGE.deliver:
      // An empty datagram is nothing WireGuard sends.
      return msg.length > ROUTE_HEADER_BYTES ? { type: msg[0], node: msg.toString('hex', 1, ROUTE_HEADER_BYTES), datagram: msg.subarray(ROUTE_HEADER_BYTES) } : null;
    case MESSAGE.refused:
      return msg.length === 2 && REFUSALS.has(msg[1]!) ? { type: MESSAGE.refused, reason: msg[1] as Refusal } : null;
    default:
      return null;
  }
}
