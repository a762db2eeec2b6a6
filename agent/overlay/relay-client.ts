// The agent's end of the relay (wire format: ./relay-protocol.ts). WireGuard knows nothing of it:
// each peer reached through the relay gets a UDP socket of its own on 127.0.0.1 (its proxy), which
// WireGuard is given as that peer's endpoint. What WireGuard sends there goes to the relay as a
// SEND to that peer; what the relay DELIVERs from that peer leaves the same proxy towards
// WireGuard, so WireGuard sees each relayed peer at one stable local address.
import dgram from 'node:dgram';
import { lookup } from 'node:dns/promises';
import { decodeMessage, encodeRegister, MESSAGE, nodeIdBytes, nodeKey, REFUSAL, routeHeader, type Refusal } from './relay-protocol';

/** Registering again this often keeps the NAT mapping to the relay open (NATs drop idle UDP after ~30 s). */
const REFRESH_MS = 10_000;
/** No REGISTERED for this long (two refreshes lost, and then some): the relay is not usable. */
const STALE_MS = 25_000;
/** A burst of refusals (WireGuard sending while the relay forgot us) registers once, not per datagram. */
const RETRY_MS = 1000;
const LOOPBACK = '127.0.0.1';

export interface RelayClientOptions {
  /** "host:port" of the relay; the host is resolved (IPv4) at every registration. */
  relay: string;
  /** From the portal (lib/overlay/relay-ticket.ts), base64url. */
  ticket: string;
  nodeId: string;
  /** WireGuard's listen port: relayed datagrams are handed to it on 127.0.0.1. */
  wireguardPort: number;
  log: (message: string) => void;
}

interface PeerProxy {
  socket: dgram.Socket;
  /** "127.0.0.1:<port>", once bound. */
  endpoint: Promise<string>;
  bound: boolean;
  closing?: Promise<void>;
}

function parseRelay(relay: string): { host: string; port: number } {
  const at = relay.lastIndexOf(':');
  const port = Number(relay.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`the relay must be host:port, not ${relay}`);
  return { host: relay.slice(0, at), port };
}

function closeSocket(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => socket.close(() => resolve()));
}

export class RelayClient {
  private relay: string;
  private ticket: string;
  private registerMessage: Buffer;
  private socket?: dgram.Socket;
  /** The relay as last resolved: only its datagrams are taken. */
  private target?: { address: string; port: number };
  private readonly proxies = new Map<string, PeerProxy>();
  private timer?: NodeJS.Timeout;
  private lastRegister = 0;
  private lastRegistered = 0;
  private ticketExpiresAt = 0;
  /** The last trouble logged, so a lasting one is logged once. */
  private problem?: string;
  private closed = false;

  constructor(private readonly o: RelayClientOptions) {
    parseRelay(o.relay);
    this.relay = o.relay;
    this.ticket = o.ticket;
    this.registerMessage = encodeRegister(Buffer.from(o.ticket, 'base64url'));
  }

  /** The relay acknowledged this node lately, under a ticket that still holds. */
  get registered(): boolean {
    const now = Date.now();
    return now - this.lastRegistered < STALE_MS && now < this.ticketExpiresAt;
  }

  async start(): Promise<void> {
    const socket = dgram.createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => this.fromRelay(msg, rinfo));
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(0, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (e) => this.trouble(`relay ${this.relay}: ${e.message}`));
    this.timer = setInterval(() => void this.register(), REFRESH_MS);
    await this.register();
  }

  /** Called on every sync: only a new ticket registers again. */
  setTicket(ticket: string): void {
    if (ticket === this.ticket) return;
    this.ticket = ticket;
    this.registerMessage = encodeRegister(Buffer.from(ticket, 'base64url'));
    void this.register();
  }

  setRelay(relay: string): void {
    if (relay === this.relay) return;
    parseRelay(relay);
    this.relay = relay;
    this.target = undefined;
    this.lastRegistered = 0;
    void this.register();
  }

  /** The local address WireGuard should send `peerNodeId`'s datagrams to; the same until release. */
  endpointFor(peerNodeId: string): Promise<string> {
    if (this.closed) return Promise.reject(new Error('the relay client is closed'));
    const key = nodeKey(peerNodeId);
    const known = this.proxies.get(key);
    if (known) return known.endpoint;
    const socket = dgram.createSocket('udp4');
    const header = routeHeader(MESSAGE.send, nodeIdBytes(peerNodeId));
    socket.on('message', (msg, rinfo) => {
      // Only WireGuard's datagrams, and only to the relay as resolved.
      if (rinfo.port !== this.o.wireguardPort || rinfo.address !== LOOPBACK || !this.target || this.closed) return;
      this.socket?.send([header, msg], this.target.port, this.target.address);
    });
    const proxy: PeerProxy = {
      socket,
      bound: false,
      endpoint: new Promise((resolve, reject) => {
        socket.once('error', reject);
        // Released (or the client closed) while binding: bind never calls back then.
        socket.once('close', () => reject(new Error(`the relay proxy for ${peerNodeId} was closed`)));
        socket.bind(0, LOOPBACK, () => {
          socket.off('error', reject);
          socket.on('error', (e) => this.trouble(`relay proxy for ${peerNodeId}: ${e.message}`));
          proxy.bound = true;
          resolve(`${LOOPBACK}:${socket.address().port}`);
        });
      }),
    };
    this.proxies.set(key, proxy);
    proxy.endpoint.catch(() => {
      if (this.proxies.get(key) === proxy) this.proxies.delete(key);
      return this.closeProxy(proxy);
    });
    return proxy.endpoint;
  }

  /** Closes the peer's proxy (it left, or is reached directly now). */
  async release(peerNodeId: string): Promise<void> {
    const key = nodeKey(peerNodeId);
    const proxy = this.proxies.get(key);
    if (!proxy) return;
    this.proxies.delete(key);
    await this.closeProxy(proxy);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    const proxies = [...this.proxies.values()];
    this.proxies.clear();
    await Promise.all([...proxies.map((p) => this.closeProxy(p)), ...(this.socket ? [closeSocket(this.socket)] : [])]);
  }

  private closeProxy(proxy: PeerProxy): Promise<void> {
    return (proxy.closing ??= closeSocket(proxy.socket));
  }

  private async register(): Promise<void> {
    if (!this.socket || this.closed) return;
    this.lastRegister = Date.now();
    const relay = this.relay;
    const { host, port } = parseRelay(relay);
    try {
      const { address } = await lookup(host, { family: 4 });
      // Closed, or pointed at another relay, meanwhile: that registration is someone else's to make.
      if (this.closed || relay !== this.relay) return;
      this.target = { address, port };
      this.socket.send(this.registerMessage, port, address);
    } catch (e) {
      this.trouble(`cannot resolve the relay ${relay}: ${(e as Error).message}`);
    }
  }

  private fromRelay(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (rinfo.port !== this.target?.port || rinfo.address !== this.target.address) return;
    const m = decodeMessage(msg);
    if (m?.type === MESSAGE.deliver) {
      const proxy = this.proxies.get(m.node);
      // A peer without a proxy is not reached through the relay here: WireGuard would not know where it came from.
      if (proxy?.bound) proxy.socket.send(m.datagram, this.o.wireguardPort, LOOPBACK);
    } else if (m?.type === MESSAGE.registered) {
      if (!this.registered) this.o.log(`relay ${this.relay}: registered`);
      this.lastRegistered = Date.now();
      this.ticketExpiresAt = m.expiresAt.getTime();
      this.problem = undefined;
    } else if (m?.type === MESSAGE.refused) {
      this.refused(m.reason);
    }
  }

  private refused(reason: Refusal): void {
    // The destination is not on the relay (yet): nothing to do, WireGuard retries by itself.
    if (reason === REFUSAL.unknownDestination) return;
    this.lastRegistered = 0;
    if (reason === REFUSAL.notRegistered) {
      // The relay forgot us (restarted, or our registration lapsed): register at once.
      if (Date.now() - this.lastRegister >= RETRY_MS) void this.register();
    } else {
      // Registering again is pointless until the portal sends a new ticket (setTicket).
      this.trouble(`relay ${this.relay}: this node's ticket is ${reason === REFUSAL.ticketExpired ? 'expired' : 'not accepted (signed with another OCS_SECRET_KEY?)'}`);
    }
  }

  private trouble(problem: string): void {
    if (problem === this.problem) return;
    this.problem = problem;
    this.o.log(problem);
  }
}
