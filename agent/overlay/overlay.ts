// The node's end of its unit group's private network. The portal says which address the node has
// and who its peers are; the agent keeps the WireGuard interface so, and finds a path to each peer:
// straight to its endpoints first, through the relay when no handshake comes back (both behind
// NAT, or no route between their sites). WireGuard itself follows a peer that shows up at another
// address (roaming), so a path one side finds serves both.
import { access, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DesiredNetwork, OverlayPeer, OverlayReport, PeerPath } from '../protocol';
import { RelayClient } from './relay-client';
import { generateKeyPair, interfaceNameFor, publicKeyOf, WireGuardInterface } from './wireguard';

/**
 * How long a direct endpoint gets to answer with a handshake before the next one (or the relay) is
 * tried. Under WireGuard's 5 s handshake retry: the retry then goes to the new endpoint, not a
 * second time to the old one (which costs another 5 s).
 */
const DIRECT_TRY_MS = 3500;
/** WireGuard re-handshakes every two minutes while traffic flows: older means the path is gone. */
const FRESH_HANDSHAKE_MS = 180_000;
/** Keeps NAT mappings open and handshakes flowing, so a path is known even before applications talk. */
const KEEPALIVE_SECONDS = 15;
/** Container and VM bridges are addresses of this machine no other node can reach. */
const LOCAL_ONLY_INTERFACES = /^(ocs|docker|podman|cni-|veth|br-|virbr|lo)/;
const KEY_FILE = 'wireguard.key';

interface PeerState {
  peer: OverlayPeer;
  /** What WireGuard is told to send to. */
  endpoint: string | null;
  /** Which of the peer's endpoints is being tried; endpoints.length means the relay. */
  candidate: number;
  since: number;
  path: PeerPath;
}

const isRelayed = (endpoint: string | null) => endpoint?.startsWith('127.') === true;

export class Overlay {
  private link?: WireGuardInterface;
  private relay?: RelayClient;
  private network?: DesiredNetwork;
  private problem?: string;
  private publicKey?: string;
  private listenPort?: number;
  private peers = new Map<string, PeerState>();
  /** apply and tick change the interface; never both at once. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: { stateDir: string; nodeName: string; nodeIp: string; log: (message: string) => void }) {}

  /** Makes the interface, peers and relay what the portal says (no network: none). */
  apply(network: DesiredNetwork | undefined, nodeId: string): Promise<void> {
    return this.serially(() => (network ? this.setUp(network, nodeId) : this.tearDown()));
  }

  /** The ticket is renewed on every sync, also when nothing else changed. */
  renewRelayTicket(relay: DesiredNetwork['relay']): void {
    if (relay && this.relay) this.relay.setTicket(relay.ticket);
  }

  /** Called every second: learns which paths work and moves on from those that do not. */
  tick(): Promise<void> {
    return this.serially(() => this.choosePaths());
  }

  report(): OverlayReport | undefined {
    if (!this.network) return undefined;
    if (!this.link) return { state: 'error', problem: this.problem ?? 'not set up yet', endpoints: [], relayRegistered: false, peers: [] };
    return {
      state: 'up',
      implementation: this.link.implementation,
      ...(this.publicKey ? { publicKey: this.publicKey } : {}),
      endpoints: this.endpoints(),
      relayRegistered: this.relay?.registered ?? false,
      peers: [...this.peers.values()].map((s) => ({ nodeId: s.peer.nodeId, path: s.path })).sort((a, b) => a.nodeId.localeCompare(b.nodeId)),
    };
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async setUp(network: DesiredNetwork, nodeId: string): Promise<void> {
    this.network = network;
    try {
      const privateKey = await this.privateKey();
      this.publicKey = publicKeyOf(privateKey);
      this.link = await WireGuardInterface.ensure({ name: interfaceNameFor(this.o.nodeName), privateKey, address: network.address, log: this.o.log });
      this.listenPort = await this.link.listenPort();
      this.problem = undefined;
    } catch (e) {
      this.link = undefined;
      this.problem = (e as Error).message;
      this.o.log(`private network: ${this.problem}`);
      return;
    }
    await this.useRelay(network, nodeId);
    await this.configurePeers(network.peers);
  }

  private async useRelay(network: DesiredNetwork, nodeId: string): Promise<void> {
    if (!network.relay) {
      await this.relay?.close();
      this.relay = undefined;
      return;
    }
    if (this.relay) {
      this.relay.setRelay(network.relay.endpoint);
      this.relay.setTicket(network.relay.ticket);
      return;
    }
    this.relay = new RelayClient({ relay: network.relay.endpoint, ticket: network.relay.ticket, nodeId, wireguardPort: this.listenPort!, log: this.o.log });
    await this.relay.start();
  }

  private async configurePeers(wanted: OverlayPeer[]): Promise<void> {
    const current = new Map((await this.link!.peers()).map((p) => [p.publicKey, p]));
    const next = new Map<string, PeerState>();
    for (const peer of wanted) {
      const known = this.peers.get(peer.nodeId);
      if (known && known.peer.publicKey === peer.publicKey && known.peer.endpoints.join() === peer.endpoints.join()) {
        next.set(peer.nodeId, { ...known, peer });
        continue;
      }
      // A path the interface already uses (an agent restart) is kept rather than tried anew.
      const live = current.get(peer.publicKey);
      const working = live?.endpoint && live.latestHandshakeAt && Date.now() - live.latestHandshakeAt.getTime() < FRESH_HANDSHAKE_MS;
      next.set(
        peer.nodeId,
        working
          ? { peer, endpoint: live.endpoint, candidate: isRelayed(live.endpoint) ? peer.endpoints.length : 0, since: Date.now(), path: isRelayed(live.endpoint) ? 'relay' : 'direct' }
          : { peer, endpoint: null, candidate: -1, since: 0, path: 'none' },
      );
    }
    for (const nodeId of this.peers.keys()) if (!next.has(nodeId)) await this.relay?.release(nodeId);
    this.peers = next;
    for (const state of this.peers.values()) if (state.candidate < 0) await this.nextCandidate(state, false);
    await this.link!.setPeers(
      [...this.peers.values()].map((s) => ({ publicKey: s.peer.publicKey, allowedIps: [`${s.peer.address}/32`], endpoint: s.endpoint, keepaliveSeconds: KEEPALIVE_SECONDS })),
    );
  }

  /** Moves a peer on to its next direct endpoint, then to the relay. */
  private async nextCandidate(state: PeerState, apply = true): Promise<void> {
    state.candidate += 1;
    state.since = Date.now();
    if (state.candidate < state.peer.endpoints.length) state.endpoint = state.peer.endpoints[state.candidate]!;
    else if (this.relay) state.endpoint = await this.relay.endpointFor(state.peer.nodeId);
    else return;
    if (apply) await this.link!.setEndpoint(state.peer.publicKey, state.endpoint);
  }

  private async choosePaths(): Promise<void> {
    if (!this.link || !this.peers.size) return;
    const status = new Map((await this.link.peers()).map((p) => [p.publicKey, p]));
    for (const state of this.peers.values()) {
      const seen = status.get(state.peer.publicKey);
      const handshake = seen?.latestHandshakeAt?.getTime() ?? 0;
      const fresh = Date.now() - handshake < FRESH_HANDSHAKE_MS;
      // The peer reached us from elsewhere (it found the path): that is where WireGuard now sends.
      if (fresh && seen?.endpoint && seen.endpoint !== state.endpoint) {
        state.endpoint = seen.endpoint;
        state.candidate = isRelayed(seen.endpoint) ? state.peer.endpoints.length : 0;
      }
      const before = state.path;
      state.path = fresh ? (isRelayed(state.endpoint) ? 'relay' : 'direct') : 'none';
      if (state.path !== before) this.o.log(`private network: ${state.peer.name} ${state.path === 'none' ? 'unreachable' : `reached ${state.path === 'relay' ? 'through the relay' : `directly at ${state.endpoint}`}`}`);
      if (!fresh && state.candidate < state.peer.endpoints.length && Date.now() - state.since > DIRECT_TRY_MS) await this.nextCandidate(state);
    }
  }

  private async tearDown(): Promise<void> {
    this.network = undefined;
    await this.relay?.close();
    this.relay = undefined;
    this.peers.clear();
    if (this.link) await WireGuardInterface.remove(interfaceNameFor(this.o.nodeName));
    this.link = undefined;
  }

  /** Made once on the node and kept in its folder; only the public key ever leaves it. */
  private async privateKey(): Promise<string> {
    const file = path.join(this.o.stateDir, KEY_FILE);
    const saved = await readFile(file, 'utf8').catch(() => null);
    if (saved?.trim()) return saved.trim();
    const { privateKey } = generateKeyPair();
    await writeFile(file, `${privateKey}\n`, { mode: 0o600, flag: 'wx' }).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    return (await readFile(file, 'utf8')).trim();
  }

  /** The node's own address first (the one its provider gave), then its other addresses peers might reach. */
  private endpoints(): string[] {
    if (!this.listenPort) return [];
    const others = Object.entries(os.networkInterfaces())
      .filter(([name]) => !LOCAL_ONLY_INTERFACES.test(name))
      .flatMap(([, addresses]) => (addresses ?? []).filter((a) => a.family === 'IPv4' && !a.internal).map((a) => a.address));
    return [...new Set([this.o.nodeIp, ...others])].filter((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip) && !ip.startsWith('127.')).map((ip) => `${ip}:${this.listenPort}`);
  }
}

/** Only a node that was ever on a private network has a key, and maybe an interface. */
export async function hasOverlayKey(stateDir: string): Promise<boolean> {
  return access(path.join(stateDir, KEY_FILE)).then(
    () => true,
    () => false,
  );
}

/** Power off and delete: the interface goes with the node (wireguard-go with it). */
export async function removeOverlayInterface(nodeName: string): Promise<void> {
  await WireGuardInterface.remove(interfaceNameFor(nodeName));
}
