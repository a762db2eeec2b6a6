// The node's WireGuard interface on two namespace hosts (test/hosts), on a bridge of this test's
// own (10.203.17.0/24; nothing else is addressed). As on a real node, the module runs inside each
// host: a small driver script imports it there, one process per step, so every step also adopts
// the interface the one before made (an agent restart). Where the kernel has no WireGuard (this
// project's machines), that is wireguard-go.
import { rmSync } from 'node:fs';
import { mkdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '@/test/hosts';
import { pidsIn } from '@/test/hosts/probes';
import { generateKeyPair, interfaceNameFor, publicKeyOf, type PeerStatus } from './wireguard';

const SUBNET = '10.203.17';
const ECHO_PORT = 7070;
const FIXED_PORT = 51820;
const MODULE = fileURLToPath(new URL('./wireguard.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url));

// argv: <op> <JSON>; prints the step's result as JSON.
const DRIVER = `
import net from 'node:net';
import os from 'node:os';
import { WireGuardInterface } from ${JSON.stringify(MODULE)};

const [op, json] = process.argv.slice(2);
const a = JSON.parse(json);
const log = (m) => console.error(m);
const ensure = () => WireGuardInterface.ensure({ ...a.iface, log });
const print = (v) => console.log(JSON.stringify(v ?? null));

if (op === 'up') {
  const wg = await ensure();
  print({ implementation: wg.implementation, listenPort: await wg.listenPort() });
} else if (op === 'set-peers') {
  const wg = await ensure();
  await wg.setPeers(a.peers);
  print(await wg.peers());
} else if (op === 'peers') {
  print(await (await ensure()).peers());
} else if (op === 'set-endpoint') {
  await (await ensure()).setEndpoint(a.publicKey, a.endpoint);
  print();
} else if (op === 'remove') {
  await WireGuardInterface.remove(a.name);
  print();
} else if (op === 'serve') {
  net.createServer((s) => s.once('data', (d) => s.end(os.hostname() + ' got ' + d + ' from ' + s.remoteAddress))).listen(a.port, '0.0.0.0');
} else if (op === 'ask') {
  const s = net.connect({ host: a.host, port: a.port });
  const done = (v) => { s.destroy(); print(v); };
  s.setTimeout(a.timeoutMs, () => done({ error: 'timeout' }));
  s.once('connect', () => s.write(os.hostname()));
  s.once('error', (e) => done({ error: e.message }));
  s.once('data', (d) => done({ reply: String(d) }));
}
`;

interface Node {
  host: NamespaceHost;
  iface: { name: string; privateKey: string; address: string; listenPort?: number };
  overlayIp: string;
  publicKey: string;
  listenPort: number;
}

let network: HostNetwork | undefined;
let kernelWireGuard: boolean;
let n1: Node;
let n2: Node;

/** Where each host keeps its copy of the driver. */
const driverIn = (host: NamespaceHost) => path.join(host.dir, 'wireguard-driver.mjs');

async function drive<T>(host: NamespaceHost, op: string, args: object): Promise<T> {
  const result = await host.exec([process.execPath, '--import', TSX, driverIn(host), op, JSON.stringify(args)]);
  if (result.code !== 0) throw new Error(`${op} on ${host.name} exited ${result.code}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as T;
}

const ask = (from: Node, to: Node, timeoutMs = 1000) => drive<{ reply?: string; error?: string }>(from.host, 'ask', { host: to.overlayIp, port: ECHO_PORT, timeoutMs });
const peersOf = (node: Node) => drive<PeerStatus[]>(node.host, 'peers', { iface: node.iface });
const peerConfig = (to: Node) => ({ publicKey: to.publicKey, allowedIps: [to.overlayIp], endpoint: `${to.host.ip}:${to.listenPort}` });

async function wireguardGoIn(host: NamespaceHost): Promise<number[]> {
  const pids = await pidsIn(await readlink(host.netnsPath));
  const names = await Promise.all(pids.map((pid) => readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '')));
  return pids.filter((_, i) => names[i]!.trim() === 'wireguard-go');
}

async function addressesOf(node: Node): Promise<string[]> {
  const shown = await node.host.exec(['ip', '-json', 'addr', 'show', 'dev', node.iface.name]);
  const [link] = JSON.parse(shown.stdout) as { mtu: number; flags: string[]; addr_info: { local: string; prefixlen: number; scope: string }[] }[];
  // Not the link-local IPv6 address the kernel gives a tun device of its own accord.
  const addresses = link!.addr_info.filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`);
  return [...addresses, `mtu ${link!.mtu}`, ...link!.flags.filter((f) => f === 'UP')];
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocswg', subnet: SUBNET });
  const [h1, h2] = [await network.addHost({ authorizedKeys: [] }), await network.addHost({ authorizedKeys: [] })];
  for (const host of [h1!, h2!]) await writeFile(driverIn(host), DRIVER);
  const probe = await h1!.exec(['ip', 'link', 'add', 'ocswgprobe', 'type', 'wireguard']);
  kernelWireGuard = probe.code === 0;
  if (kernelWireGuard) await h1!.exec(['ip', 'link', 'del', 'ocswgprobe']);
  const node = (host: NamespaceHost, overlayIp: string, listenPort?: number): Node => ({
    host,
    iface: { name: interfaceNameFor(host.name), privateKey: generateKeyPair().privateKey, address: `${overlayIp}/24`, listenPort },
    overlayIp,
    publicKey: '',
    listenPort: 0,
  });
  n1 = node(h1!, '100.64.250.1');
  n2 = node(h2!, '100.64.250.2', FIXED_PORT);
  n1.publicKey = publicKeyOf(n1.iface.privateKey);
  n2.publicKey = publicKeyOf(n2.iface.privateKey);
});

afterAll(async () => {
  await network?.destroy();
  // Killed with its host, a wireguard-go leaves its socket in the machine's shared folder.
  for (const node of [n1, n2]) if (node) rmSync(`/var/run/wireguard/${node.iface.name}.sock`, { force: true });
});

describe('keys and names', () => {
  it('makes keys as wg does', async () => {
    const { privateKey, publicKey } = generateKeyPair();
    expect((await n1.host.exec(['wg', 'pubkey'], { input: privateKey })).stdout.trim()).toBe(publicKey);
    const genkey = (await n1.host.exec(['wg', 'genkey'])).stdout.trim();
    expect(publicKeyOf(genkey)).toBe((await n1.host.exec(['wg', 'pubkey'], { input: genkey })).stdout.trim());
    expect(() => publicKeyOf('short')).toThrow(/not a WireGuard key/);
  });

  it('names an interface per node, within 15 characters', () => {
    expect(interfaceNameFor('web-1')).toMatch(/^ocs[0-9a-f]{10}$/);
    expect(interfaceNameFor('web-1')).not.toBe(interfaceNameFor('web-2'));
  });
});

describe('WireGuardInterface', () => {
  it('creates the interface on each host, up with its address', async () => {
    for (const node of [n1, n2]) {
      const up = await drive<{ implementation: string; listenPort: number }>(node.host, 'up', { iface: node.iface });
      expect(up.implementation).toBe(kernelWireGuard ? 'kernel' : 'userspace');
      expect(up.listenPort).toBeGreaterThan(0);
      node.listenPort = up.listenPort;
      expect(await addressesOf(node)).toEqual([node.iface.address, 'mtu 1420', 'UP']);
    }
    expect(n2.listenPort).toBe(FIXED_PORT);
  });

  it('adopts the interface it finds: same port, one wireguard-go, a new address replacing the old', async () => {
    const daemons = await wireguardGoIn(n1.host);
    expect(daemons).toHaveLength(kernelWireGuard ? 0 : 1);
    const moved = await drive<{ listenPort: number }>(n1.host, 'up', { iface: { ...n1.iface, address: '100.64.250.9/24' } });
    expect(moved.listenPort).toBe(n1.listenPort);
    expect(await addressesOf(n1)).toEqual(['100.64.250.9/24', 'mtu 1420', 'UP']);
    await drive(n1.host, 'up', { iface: n1.iface });
    expect(await addressesOf(n1)).toEqual([n1.iface.address, 'mtu 1420', 'UP']);
    expect(await wireguardGoIn(n1.host)).toEqual(daemons);
  });

  it('carries traffic both ways between peers, with a handshake to show', async () => {
    for (const node of [n1, n2]) {
      await node.host.exec(['sh', '-c', 'setsid nohup "$@" >/dev/null 2>&1 </dev/null &', 'sh', process.execPath, '--import', TSX, driverIn(node.host), 'serve', JSON.stringify({ port: ECHO_PORT })]);
    }
    await drive(n1.host, 'set-peers', { iface: n1.iface, peers: [peerConfig(n2)] });
    await drive(n2.host, 'set-peers', { iface: n2.iface, peers: [peerConfig(n1)] });
    const there = await until('a reply from host 2 over WireGuard', async () => (await ask(n1, n2)).reply, 20_000);
    expect(there).toBe(`${n2.host.name} got ${n1.host.name} from ${n1.overlayIp}`);
    expect((await ask(n2, n1)).reply).toBe(`${n1.host.name} got ${n2.host.name} from ${n2.overlayIp}`);

    const [peer] = await peersOf(n1);
    expect(peer).toMatchObject({ publicKey: n2.publicKey, endpoint: `${n2.host.ip}:${FIXED_PORT}`, allowedIps: [`${n2.overlayIp}/32`], keepaliveSeconds: 0 });
    expect(Date.now() - new Date(peer!.latestHandshakeAt!).getTime()).toBeLessThan(60_000);
    expect(peer!.rxBytes).toBeGreaterThan(0);
    expect(peer!.txBytes).toBeGreaterThan(0);
  });

  it('leaves a peer that did not change as it is, session and all', async () => {
    const [before] = await peersOf(n1);
    const [after] = await drive<PeerStatus[]>(n1.host, 'set-peers', { iface: n1.iface, peers: [peerConfig(n2)] });
    expect(after!.latestHandshakeAt).toEqual(before!.latestHandshakeAt);
    const [keptAlive] = await drive<PeerStatus[]>(n1.host, 'set-peers', { iface: n1.iface, peers: [{ ...peerConfig(n2), keepaliveSeconds: 25 }] });
    expect(keptAlive).toMatchObject({ keepaliveSeconds: 25, latestHandshakeAt: before!.latestHandshakeAt });
  });

  it('stops the traffic of a peer left out, and sends to a peer where setEndpoint says', async () => {
    expect(await drive(n1.host, 'set-peers', { iface: n1.iface, peers: [] })).toEqual([]);
    expect((await ask(n1, n2)).error).toBeDefined();
    expect((await ask(n2, n1)).error).toBeDefined();

    // Back without an endpoint: nowhere to send to until setEndpoint says. (No failing attempt first:
    // WireGuard would then wait out its 5 s handshake retry before trying the new endpoint.)
    await drive(n1.host, 'set-peers', { iface: n1.iface, peers: [{ ...peerConfig(n2), endpoint: null }] });
    expect((await peersOf(n1))[0]).toMatchObject({ publicKey: n2.publicKey, endpoint: null, latestHandshakeAt: null });
    await drive(n1.host, 'set-endpoint', { iface: n1.iface, publicKey: n2.publicKey, endpoint: `${n2.host.ip}:${n2.listenPort}` });
    expect((await until('a reply over the new endpoint', async () => (await ask(n1, n2)).reply, 20_000))).toContain(n2.host.name);
  });

  it('removes the interface and its wireguard-go, and again finds nothing to do', async () => {
    for (const node of [n1, n2]) {
      await drive(node.host, 'remove', { name: node.iface.name });
      expect((await node.host.exec(['ip', '-o', 'link'])).stdout).not.toContain(node.iface.name);
      expect(await wireguardGoIn(node.host)).toEqual([]);
      expect((await node.host.exec(['test', '-e', `/var/run/wireguard/${node.iface.name}.sock`])).code).toBe(1);
      await drive(node.host, 'remove', { name: node.iface.name });
    }
  });

  it('says what to install when there is neither kernel WireGuard nor wireguard-go', async (ctx) => {
    if (kernelWireGuard) ctx.skip();
    // A PATH with ip and wg only.
    const bin = path.join(n1.host.dir, 'bin-without-wireguard-go');
    await mkdir(bin, { recursive: true });
    for (const tool of ['/usr/sbin/ip', '/usr/bin/wg']) await symlink(tool, path.join(bin, path.basename(tool))).catch(() => {});
    const failed = await n1.host
      .exec(['env', `PATH=${bin}`, process.execPath, '--import', TSX, driverIn(n1.host), 'up', JSON.stringify({ iface: n1.iface })])
      .then((r) => r.code !== 0 && r.stderr);
    expect(failed).toContain(`cannot create the WireGuard interface ${n1.iface.name}: neither the kernel module nor wireguard-go is available (install wireguard-tools and wireguard-go)`);
  });
});
