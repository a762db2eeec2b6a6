// The relay and its agent-side clients, on 127.0.0.1 only: a plain UDP socket stands in for each
// node's WireGuard, sending to the local proxy RelayClient gives it for a peer.
import { randomBytes, randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RelayClient } from '@/agent/overlay/relay-client';
import { decodeMessage, encodeRegister, MESSAGE, nodeIdBytes, nodeKey, REFUSAL, routeHeader } from '@/agent/overlay/relay-protocol';
import { startRelay, type RunningRelay } from './relay-server';
import { issueRelayTicket, relaySecret } from './relay-ticket';

const LOOPBACK = '127.0.0.1';
const secret = relaySecret(randomBytes(32).toString('base64'));
const [group1, group2] = [randomUUID(), randomUUID()];
const inAnHour = () => new Date(Date.now() + 3600_000);
const udpHandles = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
const waitLong = { timeout: 10_000, interval: 50 };

interface TestNode {
  id: string;
  client: RelayClient;
  /** Stands in for the node's WireGuard. */
  wg: dgram.Socket;
  inbox: { data: Buffer; from: string }[];
  logs: string[];
}

const sockets: dgram.Socket[] = [];
const clients: RelayClient[] = [];
const relays: RunningRelay[] = [];
let baseline: number;

async function udpSocket(): Promise<dgram.Socket> {
  const socket = dgram.createSocket('udp4');
  sockets.push(socket);
  await new Promise<void>((resolve) => socket.bind(0, LOOPBACK, resolve));
  return socket;
}

async function relay(registrationTtlMs?: number): Promise<RunningRelay> {
  const r = await startRelay({ host: LOOPBACK, port: 0, secret, registrationTtlMs });
  relays.push(r);
  return r;
}

async function node(r: RunningRelay, unitGroupId: string, ticket?: (id: string) => string): Promise<TestNode> {
  const id = randomUUID();
  const wg = await udpSocket();
  const n: TestNode = { id, wg, inbox: [], logs: [], client: undefined! };
  wg.on('message', (data, rinfo) => n.inbox.push({ data, from: `${rinfo.address}:${rinfo.port}` }));
  n.client = new RelayClient({
    relay: `${LOOPBACK}:${r.port}`,
    ticket: ticket ? ticket(id) : issueRelayTicket(secret, { nodeId: id, unitGroupId, expiresAt: inAnHour() }),
    nodeId: id,
    wireguardPort: wg.address().port,
    log: (m) => n.logs.push(m),
  });
  clients.push(n.client);
  await n.client.start();
  return n;
}

/** As WireGuard does: sends to the endpoint it was given for the peer. */
async function wgSend(from: TestNode, to: TestNode, data: Buffer): Promise<void> {
  const [host, port] = (await from.client.endpointFor(to.id)).split(':');
  expect(host).toBe(LOOPBACK);
  from.wg.send(data, Number(port), host);
}

function closeUdp(socket: dgram.Socket): void {
  sockets.splice(sockets.indexOf(socket), 1);
  socket.close();
}

/** Sends a raw relay message from `socket` and returns the answer. */
async function ask(r: RunningRelay, socket: dgram.Socket, msg: Buffer): Promise<Buffer> {
  const answer = once(socket, 'message', { signal: AbortSignal.timeout(10_000) });
  socket.send(msg, r.port, LOOPBACK);
  return (await answer)[0] as Buffer;
}

const sendTo = (nodeId: string, data: string) => Buffer.concat([routeHeader(MESSAGE.send, nodeIdBytes(nodeId)), Buffer.from(data)]);

const refusedWith = (reason: number) => Buffer.of(MESSAGE.refused, reason);

beforeAll(() => {
  baseline = udpHandles();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(relays.map((r) => r.close()));
  for (const s of [...sockets]) closeUdp(s);
});

describe('the overlay relay', () => {
  let r: RunningRelay;
  let a: TestNode, b: TestNode, c: TestNode;

  beforeAll(async () => {
    r = await relay();
    [a, b, c] = await Promise.all([node(r, group1), node(r, group1), node(r, group2)]);
    await vi.waitFor(() => expect([a, b, c].map((n) => n.client.registered)).toEqual([true, true, true]), waitLong);
    // Each end has its proxy for the other before anything is sent (WireGuard is told it up front).
    for (const [x, y] of [[a, b], [b, a], [c, a], [a, c]] as const) await x.client.endpointFor(y.id);
  });

  it('registers each node once', () => {
    expect(r.stats().registered).toBe(3);
    for (const n of [a, b, c]) expect(n.logs).toEqual([expect.stringMatching(/: registered$/)]);
  });

  it('carries datagrams both ways intact, each peer arriving from its own stable proxy', async () => {
    const toB = [randomBytes(1452), Buffer.from('second'), randomBytes(148)];
    const toA = [randomBytes(600), randomBytes(1)];
    for (const d of toB) await wgSend(a, b, d);
    for (const d of toA) await wgSend(b, a, d);
    await vi.waitFor(() => expect([b.inbox.length, a.inbox.length]).toEqual([toB.length, toA.length]), waitLong);
    expect(b.inbox.map((m) => m.data)).toEqual(toB);
    expect(a.inbox.map((m) => m.data)).toEqual(toA);
    const [bSeesA, aSeesB] = [await b.client.endpointFor(a.id), await a.client.endpointFor(b.id)];
    expect(new Set(b.inbox.map((m) => m.from))).toEqual(new Set([bSeesA]));
    expect(new Set(a.inbox.map((m) => m.from))).toEqual(new Set([aSeesB]));
    expect(await b.client.endpointFor(a.id)).toBe(bSeesA);
    expect(r.stats().forwarded).toBe(toB.length + toA.length);
  });

  it('keeps a node of another unit group out, both ways', async () => {
    a.inbox.length = 0;
    c.inbox.length = 0;
    const { dropped } = r.stats();
    await wgSend(c, a, Buffer.from('from c'));
    await wgSend(a, c, Buffer.from('to c'));
    await vi.waitFor(() => expect(r.stats().dropped).toBe(dropped + 2), waitLong);
    // Whatever the relay had forwarded would be in the inbox before B's marker, sent after it dropped C's.
    await wgSend(b, a, Buffer.from('marker'));
    await vi.waitFor(() => expect(a.inbox.length).toBeGreaterThan(0), waitLong);
    expect(a.inbox.map((m) => m.data.toString())).toEqual(['marker']);
    expect(c.inbox).toEqual([]);
    expect(a.client.registered && c.client.registered).toBe(true);
  });

  it('registers no one on a forged or expired ticket, and says why', async () => {
    const claims = { nodeId: randomUUID(), unitGroupId: group1, expiresAt: inAnHour() };
    const forged = issueRelayTicket(relaySecret(randomBytes(32).toString('base64')), claims);
    const expired = issueRelayTicket(secret, { ...claims, expiresAt: new Date(Date.now() - 1000) });
    // From three sources: the relay answers each only so often.
    expect(await ask(r, await udpSocket(), encodeRegister(Buffer.from(forged, 'base64url')))).toEqual(refusedWith(REFUSAL.badTicket));
    expect(await ask(r, await udpSocket(), encodeRegister(Buffer.from(expired, 'base64url')))).toEqual(refusedWith(REFUSAL.ticketExpired));
    // Unregistered, a SEND to a registered node is refused too.
    expect(await ask(r, await udpSocket(), sendTo(a.id, 'x'))).toEqual(refusedWith(REFUSAL.notRegistered));
    expect(r.stats().registered).toBe(3);

    const { dropped } = r.stats();
    const client = await node(r, group1, (id) => issueRelayTicket(relaySecret(randomBytes(32).toString('base64')), { ...claims, nodeId: id }));
    await vi.waitFor(() => expect(client.logs).toEqual([expect.stringContaining('ticket is not accepted')]), waitLong);
    expect(r.stats()).toMatchObject({ registered: 3, dropped: dropped + 1 });
    expect(client.client.registered).toBe(false);
  });

  it('follows a node that registers again from another address (NAT rebinding)', async () => {
    const [before, after] = [await udpSocket(), await udpSocket()];
    const id = randomUUID();
    const register = encodeRegister(Buffer.from(issueRelayTicket(secret, { nodeId: id, unitGroupId: group1, expiresAt: inAnHour() }), 'base64url'));
    expect(decodeMessage(await ask(r, before, register))?.type).toBe(MESSAGE.registered);
    expect(decodeMessage(await ask(r, after, register))?.type).toBe(MESSAGE.registered);
    expect(r.stats().registered).toBe(4);

    const delivered = once(after, 'message');
    await wgSend(a, { id } as TestNode, Buffer.from('to the new address'));
    const deliver = decodeMessage((await delivered)[0] as Buffer);
    expect(deliver).toEqual({ type: MESSAGE.deliver, node: nodeKey(a.id), datagram: Buffer.from('to the new address') });
    // The old address is no one's any more.
    expect(await ask(r, before, sendTo(a.id, 'x'))).toEqual(refusedWith(REFUSAL.notRegistered));
  });

  it('releases a proxy, and closes a client without leaving a socket open', async () => {
    const before = udpHandles();
    const extra = await node(r, group1);
    const proxy = await extra.client.endpointFor(a.id);
    await extra.client.endpointFor(b.id);
    expect(udpHandles()).toBe(before + 4);
    await extra.client.release(a.id);
    await vi.waitFor(() => expect(udpHandles()).toBe(before + 3), waitLong);
    expect(await extra.client.endpointFor(a.id)).not.toBe(proxy);
    await extra.client.close();
    closeUdp(extra.wg);
    await vi.waitFor(() => expect(udpHandles()).toBe(before), waitLong);
    await expect(extra.client.endpointFor(a.id)).rejects.toThrow(/closed/);
  });
});

describe('refusals', () => {
  it('are answered at most twice a second to one source, so the relay amplifies nothing', async () => {
    const r = await relay();
    const raw = await udpSocket();
    const answers: Buffer[] = [];
    raw.on('message', (m) => answers.push(m));
    const bad = encodeRegister(randomBytes(69));
    for (let i = 0; i < 5; i++) raw.send(bad, r.port, LOOPBACK);
    // A good REGISTER after them is answered, and after whatever refusals were sent (loopback keeps the order).
    const good = encodeRegister(Buffer.from(issueRelayTicket(secret, { nodeId: randomUUID(), unitGroupId: group1, expiresAt: inAnHour() }), 'base64url'));
    raw.send(good, r.port, LOOPBACK);
    await vi.waitFor(() => expect(answers.at(-1)?.[0]).toBe(MESSAGE.registered), waitLong);
    expect(answers.slice(0, -1)).toEqual([refusedWith(REFUSAL.badTicket), refusedWith(REFUSAL.badTicket)]);
    expect(r.stats()).toMatchObject({ registered: 1, dropped: 5 });
  });
});

describe('a registration that lapsed', () => {
  it('is renewed by the client when the relay refuses it, and traffic resumes', async () => {
    const r = await relay(1500);
    const [e, f] = await Promise.all([node(r, group1), node(r, group1)]);
    await e.client.endpointFor(f.id);
    await f.client.endpointFor(e.id);
    await vi.waitFor(() => expect(r.stats().registered).toBe(2), waitLong);
    await vi.waitFor(() => expect(r.stats().registered).toBe(0), waitLong);
    const lost = r.stats().forwarded;

    // WireGuard keeps sending (handshakes, keepalives) from both ends; the relay's refusals make both register again.
    await vi.waitFor(async () => {
      await wgSend(e, f, Buffer.from('e'));
      await wgSend(f, e, Buffer.from('f'));
      expect([e.inbox.length > 0, f.inbox.length > 0]).toEqual([true, true]);
    }, waitLong);
    expect(r.stats().forwarded).toBeGreaterThan(lost);
    expect(e.inbox[0]!.data.toString()).toBe('f');
    expect(f.inbox[0]!.data.toString()).toBe('e');
    expect(e.client.registered && f.client.registered).toBe(true);
  });
});

describe('closing everything', () => {
  it('leaves no relay state and no socket open', async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(relays.map((r) => r.close()));
    for (const s of [...sockets]) closeUdp(s);
    for (const r of relays) expect(r.stats().registered).toBe(0);
    await vi.waitFor(() => expect(udpHandles()).toBe(baseline), waitLong);
  });
});
