// The overlay relay: one UDP socket that forwards WireGuard datagrams (encrypted end to end, never
// read here) between nodes of the same unit group that cannot reach each other directly. The wire
// format is agent/overlay/relay-protocol.ts. A node registers with its ticket (relay-ticket.ts),
// which proves its unit group, so the relay needs no database; it is then known by the
// address:port the REGISTER came from, and moves with it when its NAT maps it anew.
//
// Limits: whoever sees a REGISTER on the wire may replay it from elsewhere and take the node's
// registration until the node's next REGISTER (every ~10 s) takes it back; WireGuard's own
// encryption keeps the datagrams safe either way. IPv4 only.
import dgram from 'node:dgram';
import { decodeMessage, encodeRefused, encodeRegistered, MESSAGE, nodeKey, REFUSAL, routeHeader, type Refusal } from '@/agent/overlay/relay-protocol';
import { verifyRelayTicket } from './relay-ticket';

export interface RelayOptions {
  /** Default 0.0.0.0. */
  host?: string;
  /** Default 0: any free port (see RunningRelay.port). */
  port?: number;
  /** relaySecret(OCS_SECRET_KEY): the key the portal signs tickets with. */
  secret: Buffer;
  /** Registrations (new ones and moves, not refreshes) and socket errors; never per datagram. */
  log?: (message: string) => void;
  /** A registration without a fresh REGISTER lapses after this long (default 60 s; agents refresh every ~10 s). */
  registrationTtlMs?: number;
}

export interface RunningRelay {
  port: number;
  address: string;
  close(): Promise<void>;
  stats(): { registered: number; forwarded: number; dropped: number };
}

interface Registration {
  key: string;
  unitGroupId: string;
  address: string;
  port: number;
  /** Until the TTL runs out or the ticket expires, whichever is first. */
  liveUntil: number;
  /** Put before what this node sends, as the DELIVER its peers get. */
  deliverHeader: Buffer;
}

/** Refusals per source address:port and in all, per second: enough for a confused agent, useless to a flood. */
const REFUSALS_PER_SOURCE = 2;
const REFUSALS_PER_SECOND = 200;

export async function startRelay(opts: RelayOptions): Promise<RunningRelay> {
  const ttl = opts.registrationTtlMs ?? 60_000;
  const log = opts.log ?? (() => {});
  const socket = dgram.createSocket('udp4');
  /** By node (nodeKey), and by source address then port: who a SEND comes from. */
  const byNode = new Map<string, Registration>();
  const bySource = new Map<string, Map<number, Registration>>();
  const counts = { forwarded: 0, dropped: 0 };
  let refusals = new Map<string, number>();
  let refusalsTotal = 0;
  let refusalWindow = 0;

  const sourceOf = (address: string, port: number) => bySource.get(address)?.get(port);

  function forget(reg: Registration) {
    byNode.delete(reg.key);
    const ports = bySource.get(reg.address);
    if (ports?.get(reg.port) === reg) ports.delete(reg.port);
    if (ports?.size === 0) bySource.delete(reg.address);
  }

  function sweep(now = Date.now()) {
    for (const reg of byNode.values()) if (reg.liveUntil <= now) forget(reg);
  }

  function refuse(reason: Refusal, address: string, port: number) {
    counts.dropped++;
    const now = Date.now();
    if (now - refusalWindow >= 1000) {
      refusalWindow = now;
      refusals = new Map();
      refusalsTotal = 0;
    }
    const source = `${address}:${port}`;
    const sent = refusals.get(source) ?? 0;
    if (sent >= REFUSALS_PER_SOURCE || refusalsTotal >= REFUSALS_PER_SECOND) return;
    refusals.set(source, sent + 1);
    refusalsTotal++;
    socket.send(encodeRefused(reason), port, address);
  }

  function register(ticketBytes: Buffer, address: string, port: number) {
    // Verified as of the epoch first, so an expired ticket is told apart from a forged one.
    const ticket = verifyRelayTicket(opts.secret, ticketBytes, new Date(0));
    if (!ticket) return refuse(REFUSAL.badTicket, address, port);
    const now = Date.now();
    if (ticket.expiresAt.getTime() <= now) return refuse(REFUSAL.ticketExpired, address, port);
    const key = nodeKey(ticket.nodeId);
    const liveUntil = Math.min(now + ttl, ticket.expiresAt.getTime());
    const known = byNode.get(key);
    if (known && known.address === address && known.port === port && known.unitGroupId === ticket.unitGroupId) {
      known.liveUntil = liveUntil;
    } else {
      if (known) forget(known);
      // Whoever held this address:port before (a NAT mapping handed on) is gone.
      const previous = sourceOf(address, port);
      if (previous) forget(previous);
      const reg: Registration = { key, unitGroupId: ticket.unitGroupId, address, port, liveUntil, deliverHeader: routeHeader(MESSAGE.deliver, Buffer.from(key, 'hex')) };
      byNode.set(key, reg);
      let ports = bySource.get(address);
      if (!ports) bySource.set(address, (ports = new Map()));
      ports.set(port, reg);
      log(`node ${ticket.nodeId} ${known ? 'moved to' : 'registered from'} ${address}:${port}`);
    }
    socket.send(encodeRegistered(ticket.expiresAt), port, address);
  }

  function forward(destination: string, datagram: Buffer, address: string, port: number) {
    const now = Date.now();
    const from = sourceOf(address, port);
    if (!from || from.liveUntil <= now) return refuse(REFUSAL.notRegistered, address, port);
    const to = byNode.get(destination);
    if (!to || to.liveUntil <= now || to.unitGroupId !== from.unitGroupId) return refuse(REFUSAL.unknownDestination, address, port);
    counts.forwarded++;
    socket.send([from.deliverHeader, datagram], to.port, to.address);
  }

  socket.on('message', (msg, rinfo) => {
    const m = decodeMessage(msg);
    if (m?.type === MESSAGE.register) register(m.ticket, rinfo.address, rinfo.port);
    else if (m?.type === MESSAGE.send) forward(m.node, m.datagram, rinfo.address, rinfo.port);
    else counts.dropped++;
  });

  await new Promise<void>((resolve, reject) => {
    const failed = (e: Error) => socket.close(() => reject(e));
    socket.once('error', failed);
    socket.bind(opts.port ?? 0, opts.host ?? '0.0.0.0', () => {
      socket.off('error', failed);
      resolve();
    });
  });
  // A send that fails (say, no route to a node any more) loses that datagram, nothing more.
  socket.on('error', (e) => log(e.message));
  const bound = socket.address();
  const sweeper = setInterval(sweep, Math.min(ttl, 10_000));
  let closed = false;

  return {
    port: bound.port,
    address: bound.address,
    stats() {
      sweep();
      return { registered: byNode.size, ...counts };
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(sweeper);
      byNode.clear();
      bySource.clear();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
