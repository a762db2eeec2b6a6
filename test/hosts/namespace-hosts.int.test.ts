import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostNetwork, destroyLeftoverHostNetworks, type HostNetwork, type NamespaceHost } from './index';
import { isZombie, pidsIn, processesNaming } from './probes';
import { sshRun, type SshResult } from './ssh-run';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';

// The namespace-host helper against real sshd's: two "servers" on a bridge of this test's own
// (10.201.71.0/24; nothing else is addressed), signed in to over SSH from the test's namespace, one
// dialling a server the test listens with on the bridge address, a host key replaced, and nothing
// left behind once the network is destroyed. As root, or as an ordinary user in test/hosts/sandbox.sh.
const NAME = 'ocsnht';
const SUBNET = '10.201.71';
const run = promisify(execFile);
// Who sshd lets in by default: root as root, else only the user running the tests.
const USER = process.getuid?.() === 0 ? 'root' : os.userInfo().username;
const clientKey = newSshKeyPair('namespace-hosts-test');

let network: HostNetwork | undefined;
let hosts: NamespaceHost[] = [];
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  network = await createHostNetwork({ name: NAME, subnet: SUBNET });
  hosts = [await network.addHost({ authorizedKeys: [clientKey.public] }), await network.addHost({ authorizedKeys: [clientKey.public], user: USER })];
});

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => {});
  await network?.destroy();
});

/** Signs in to the host over SSH, runs one command, and says what the host key looked like. */
function ssh(host: NamespaceHost, command: string): Promise<SshResult> {
  return sshRun(host, clientKey.private, command);
}

function tcpAccepts(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    socket.setTimeout(5000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('namespace hosts', () => {
  it('gives each host its own name, address and folder on the network', () => {
    expect(network!.bridgeAddress).toBe(`${SUBNET}.1`);
    expect(hosts.map((h) => [h.name, h.ip, h.port, h.user])).toEqual([
      [`${NAME}-h1`, `${SUBNET}.11`, 22, USER],
      [`${NAME}-h2`, `${SUBNET}.12`, 22, USER],
    ]);
    expect(new Set(hosts.map((h) => h.dir)).size).toBe(2);
    for (const host of hosts) {
      expect(host.dir.startsWith(`${network!.dir}/`)).toBe(true);
      expect(host.hostKeyFingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    }
    expect(hosts[0]!.hostKeyFingerprint).not.toBe(hosts[1]!.hostKeyFingerprint);
  });

  it('lets an authorized key in over SSH; each host answers with its own hostname and host key', async () => {
    for (const host of hosts) {
      const result = await ssh(host, 'hostname');
      expect(result).toEqual({ stdout: `${host.name}\n`, code: 0, hostKey: host.hostKeyFingerprint });
    }
  });

  it('runs commands inside the host, with its own hostname, /etc/hosts, address and exit codes', async () => {
    const [host] = hosts;
    expect(await host!.exec(['hostname'])).toEqual({ code: 0, stdout: `${host!.name}\n`, stderr: '' });
    expect((await host!.exec(['cat', '/etc/hosts'])).stdout).toContain(`${host!.ip}\t${host!.name}`);
    expect((await host!.exec(['ip', '-o', '-4', 'addr', 'show', 'dev', 'eth0'])).stdout).toContain(`${host!.ip}/24`);
    expect(await host!.exec(['sh', '-c', 'echo out; echo err >&2; exit 3'])).toEqual({ code: 3, stdout: 'out\n', stderr: 'err\n' });
    expect(await host!.exec(['cat'], { input: 'from stdin' })).toMatchObject({ code: 0, stdout: 'from stdin' });
    expect(await host!.exec(['cat'])).toMatchObject({ code: 0, stdout: '' });
  });

  it('lets a host reach a server listening on the bridge address, and the other host', async () => {
    const peers: string[] = [];
    const server = net.createServer((socket) => {
      peers.push(socket.remoteAddress!);
      socket.end('hello\n');
    });
    cleanups.push(() => new Promise((r) => server.close(r)));
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, network!.bridgeAddress, resolve));
    const { port } = server.address() as net.AddressInfo;

    const [first, second] = hosts;
    const dial = await first!.exec(['bash', '-c', 'exec 3<>"/dev/tcp/$1/$2" && head -n1 <&3', 'dial', network!.bridgeAddress, String(port)]);
    expect(dial).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect(peers).toEqual([first!.ip]);

    const toPeer = await first!.exec(['bash', '-c', 'exec 3<>"/dev/tcp/$1/22" && head -c 4 <&3', 'dial', second!.ip]);
    expect(toPeer).toMatchObject({ code: 0, stdout: 'SSH-' });
  });

  it('replaces a host key: the fingerprint changes and SSH clients see the new key', async () => {
    const [host, other] = hosts;
    const before = host!.hostKeyFingerprint;
    const otherBefore = other!.hostKeyFingerprint;
    await host!.replaceHostKey();
    expect(host!.hostKeyFingerprint).toMatch(/^SHA256:/);
    expect(host!.hostKeyFingerprint).not.toBe(before);
    expect(other!.hostKeyFingerprint).toBe(otherBefore);
    const result = await ssh(host!, 'hostname');
    expect(result).toEqual({ stdout: `${host!.name}\n`, code: 0, hostKey: host!.hostKeyFingerprint });
  });

  it('stops and starts sshd: refused while stopped, back afterwards', async () => {
    const [, host] = hosts;
    await host!.stopSshd();
    expect(await tcpAccepts(host!.ip, host!.port)).toBe(false);
    await expect(ssh(host!, 'true')).rejects.toThrow();
    await host!.startSshd();
    expect((await ssh(host!, 'hostname')).stdout).toBe(`${host!.name}\n`);
  });

  it('removes one host: its processes, namespace, veth and folder go, the others stay', async () => {
    const extra = await network!.addHost({ authorizedKeys: [clientKey.public] });
    expect(extra.name).toBe(`${NAME}-h3`);
    expect((await ssh(extra, 'hostname')).stdout).toBe(`${extra.name}\n`);
    // Something left running on the host, detached the way an installer would.
    await extra.exec(['sh', '-c', 'setsid nohup sleep 600 >/dev/null 2>&1 </dev/null &']);
    const netns = await readlink(extra.netnsPath);
    const pids = await pidsIn(netns);
    expect(pids.length).toBeGreaterThanOrEqual(3); // holder, sshd, sleep

    await network!.removeHost(extra);
    expect(await pidsIn(netns)).toEqual([]);
    expect((await run('ip', ['-o', 'link'])).stdout).not.toMatch(new RegExp(`\\b${NAME}v3\\b`));
    expect(existsSync(extra.dir)).toBe(false);
    expect(pids.filter((pid) => existsSync(`/proc/${pid}`) && !isZombie(pid))).toEqual([]);
    expect(network!.hosts).toEqual(hosts);
    expect((await ssh(hosts[0]!, 'hostname')).stdout).toBe(`${hosts[0]!.name}\n`);
  });

  it('leaves nothing of a host that fails half-made (namespace and veth up, sshd not yet)', async () => {
    await expect(network!.addHost({ authorizedKeys: ['ssh-ed25519 AAAA\nsecond line'] })).rejects.toThrow(/one line/);
    const failed = `${network!.dir}/${NAME}-h4`;
    expect(await processesNaming(failed)).toEqual([]);
    expect((await run('ip', ['-o', 'link'])).stdout).not.toMatch(new RegExp(`\\b${NAME}v4\\b`));
    expect(existsSync(failed)).toBe(false);
    expect(network!.hosts).toEqual(hosts);
  });

  it('destroys everything: namespaces, bridge, veths, sshd processes, folders; twice is fine', async () => {
    const dir = network!.dir;
    await network!.destroy();
    await network!.destroy();
    await expectNothingLeft(NAME, dir);
  });
});

describe('leftovers of a crashed run', () => {
  const CRASHED = 'ocsnhx';
  afterAll(async () => {
    await destroyLeftoverHostNetworks(CRASHED);
  });

  it('are removed by the next createHostNetwork of the same name, and by destroyLeftoverHostNetworks', async () => {
    // A run that "crashed": a network and a host never destroyed.
    const crashed = await createHostNetwork({ name: CRASHED, subnet: '10.201.72' });
    const lost = await crashed.addHost({ authorizedKeys: [clientKey.public] });
    const lostSshd = await sshdPidsUnder(crashed.dir);
    expect(lostSshd.length).toBeGreaterThan(0);
    const lostNetns = await readlink(lost.netnsPath);

    const again = await createHostNetwork({ name: CRASHED, subnet: '10.201.72' });
    expect(again.hosts).toEqual([]);
    expect(existsSync(lost.dir)).toBe(false);
    expect(await pidsIn(lostNetns)).toEqual([]);
    expect(lostSshd.filter((pid) => existsSync(`/proc/${pid}`) && !isZombie(pid))).toEqual([]);
    const host = await again.addHost({ authorizedKeys: [clientKey.public] });
    expect((await ssh(host, 'hostname')).stdout).toBe(`${CRASHED}-h1\n`);

    // This one crashes too; the prefix clean-up takes it.
    const removed = await destroyLeftoverHostNetworks(CRASHED);
    expect(removed.namespaces).toEqual([`${CRASHED}-h1`]);
    // The veth may already have gone with its namespace.
    expect(removed.links).toContain(`${CRASHED}br`);
    await expectNothingLeft(CRASHED, again.dir);
  });
});

async function sshdPidsUnder(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('sshd') && cmdline.includes(`${dir}/`) && !isZombie(Number(entry))) pids.push(Number(entry));
  }
  return pids;
}

async function expectNothingLeft(name: string, dir: string) {
  expect(await processesNaming(dir)).toEqual([]);
  const links = (await run('ip', ['-o', 'link'])).stdout.split('\n').filter((line) => new RegExp(`^\\d+:\\s+${name}`).test(line));
  expect(links).toEqual([]);
  expect(await sshdPidsUnder(dir)).toEqual([]);
  expect(existsSync(dir)).toBe(false);
}
