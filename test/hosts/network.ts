// A host network: a bridge of the test's own with a private /24, hosts wired to it, and the cleanup
// of everything a network (or a killed run's network of the same name) left behind.
import { mkdir, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { engineDir, Host, type AddHostOptions, type NamespaceHost } from './host';
import { listLinks, macFor } from './netns';
import { removePodmanLeftovers } from './podman';
import { killNetnsProcesses, listProcesses, missingPrivileges, ownNetns, run, runIgnoringMissing } from './system';

const MAX_HOSTS = 99;
// Network names become interface names (`<name>br`, `<name>v<N>`: at most 15 characters).
const NAME = /^[a-z][a-z0-9]{1,9}$/;

export interface HostNetworkOptions {
  /** 2–10 of [a-z0-9], starting with a letter: the bridge is `<name>br`, hosts `<name>-h<N>`. */
  name: string;
  /** The first three octets of a private /24 nobody else on this machine uses, e.g. '10.201.7'. */
  subnet: string;
}

export interface HostNetwork {
  readonly name: string;
  /** The bridge in the test's network namespace, `<name>br`. */
  readonly bridge: string;
  /** `<subnet>.1`: a server of the test's bound to it (or 0.0.0.0) is reachable from every host. */
  readonly bridgeAddress: string;
  /** The network's folder, `os.tmpdir()/ocs-hosts-<uid>-<name>`. */
  readonly dir: string;
  readonly hosts: readonly NamespaceHost[];
  /** A new host with sshd listening on `<ip>:22`; resolves once sshd accepts TCP connections. */
  addHost(opts: AddHostOptions): Promise<NamespaceHost>;
  /** Kills every process in the host, deletes its namespace, veth and folder. */
  removeHost(host: NamespaceHost): Promise<void>;
  /** Every host, the bridge and all folders. Idempotent; also cleans up after a half-made network. */
  destroy(): Promise<void>;
}

export interface LeftoverCleanup {
  /** The hosts whose network namespaces were emptied (each goes with its last process), by name. */
  namespaces: string[];
  links: string[];
  folders: string[];
}

// The uid keeps a root run and an ordinary user's run (test/hosts/sandbox.sh) out of each other's folders.
function folderPrefix(): string {
  return `ocs-hosts-${process.getuid?.() ?? 0}-`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parseSubnet(subnet: string): void {
  const octets = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(subnet)?.slice(1).map(Number);
  if (!octets || octets.some((o) => o > 255)) throw new Error(`subnet must be three octets like '10.201.7', not '${subnet}'`);
  const [a, b] = octets as [number, number, number];
  const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
  if (!isPrivate) throw new Error(`subnet ${subnet}.0/24 is not a private range (10/8, 172.16/12, 192.168/16)`);
}

/**
 * What a network (or, with prefix: true, every network whose name starts so) left behind. A host's
 * namespace is found through its processes: every one of them is in it, and its holder and sshd
 * name the network's folder on their command lines, also after the run that made them was killed.
 */
async function cleanUp(name: string, prefix: boolean): Promise<LeftoverCleanup> {
  const rest = prefix ? '[a-z0-9]*' : '';
  const vethPattern = new RegExp(`^${name}${rest}v\\d+$`);
  const bridgePattern = new RegExp(`^${name}${rest}br$`);
  const folderPattern = new RegExp(`^${folderPrefix()}${name}${rest}$`);

  const folders = (await readdir(os.tmpdir())).filter((n) => folderPattern.test(n)).map((n) => path.join(os.tmpdir(), n));
  const own = await ownNetns();
  const found = new Map<string, number[]>();
  for (const p of await listProcesses()) {
    if (p.netns === own) continue;
    for (const folder of folders) {
      const host = new RegExp(`${escapeRegExp(folder)}/([a-z0-9]+-h\\d+)[/ ]`).exec(p.cmdline)?.[1];
      if (host) found.set(host, [...(found.get(host) ?? []), p.netns]);
    }
  }
  await killNetnsProcesses([...found.values()].flat());
  // A namespace goes once its last process has gone, and its veth end with it, but asynchronously:
  // delete the veths now so that a host re-made at once can take the name.
  const links = [...(await listLinks('veth')).filter((n) => vethPattern.test(n)), ...(await listLinks('bridge')).filter((n) => bridgePattern.test(n))];
  for (const link of links) await runIgnoringMissing('ip', ['link', 'del', link]);
  for (const folder of folders) {
    // A host's container engine went with its namespace, but not what it made outside (its containers' cgroups).
    for (const hostDir of await readdir(folder).catch(() => [])) await removePodmanLeftovers(engineDir(path.join(folder, hostDir)));
    await rm(folder, { recursive: true, force: true });
  }
  return { namespaces: [...found.keys()].sort(), links, folders };
}

/**
 * Removes what killed runs left: bridges `<prefix>…br`, veths `<prefix>…v<N>`, folders
 * `os.tmpdir()/ocs-hosts-<uid>-<prefix>…`, and every process in the hosts' namespaces. Every network
 * whose name starts with `prefix` goes, so pass a prefix no concurrent run uses. createHostNetwork
 * does this for exactly its own name first.
 */
export async function destroyLeftoverHostNetworks(prefix: string): Promise<LeftoverCleanup> {
  if (!NAME.test(prefix)) throw new Error(`prefix must be 2–10 of [a-z0-9] starting with a letter, not '${prefix}'`);
  return cleanUp(prefix, true);
}

/** A bridge `<name>br` with `<subnet>.1/24` in the test's network namespace, to which addHost wires hosts. */
export async function createHostNetwork(opts: HostNetworkOptions): Promise<HostNetwork> {
  const { name, subnet } = opts;
  if (!NAME.test(name)) throw new Error(`network name must be 2–10 of [a-z0-9] starting with a letter, not '${name}'`);
  parseSubnet(subnet);
  const missing = await missingPrivileges();
  if (missing) throw new Error(missing);

  await cleanUp(name, false);
  // Never wire up a range something else on this machine already uses.
  const inUse = [...(await run('ip', ['-o', '-4', 'addr', 'show'])).split('\n'), ...(await run('ip', ['-4', 'route', 'show'])).split('\n')].find((line) =>
    new RegExp(`(^|\\s)${subnet.replaceAll('.', '\\.')}\\.\\d+`).test(line),
  );
  if (inUse) throw new Error(`subnet ${subnet}.0/24 is already in use on this machine: ${inUse.trim()}`);

  const bridge = `${name}br`;
  const bridgeAddress = `${subnet}.1`;
  const dir = path.join(os.tmpdir(), `${folderPrefix()}${name}`);
  const hosts: Host[] = [];
  let nextIndex = 1;
  let destroyed = false;

  const destroy = async () => {
    destroyed = true;
    for (const host of hosts.splice(0)) await host.remove();
    await cleanUp(name, false);
  };

  try {
    await mkdir(dir, { recursive: true });
    // A fixed MAC: by default a bridge takes the lowest MAC of its ports, so it would change as hosts
    // come and go and leave the other hosts' neighbour entry for the bridge address stale.
    await run('ip', ['link', 'add', 'name', bridge, 'address', macFor(bridgeAddress), 'type', 'bridge']);
    await run('ip', ['addr', 'add', `${bridgeAddress}/24`, 'dev', bridge]);
    await run('ip', ['link', 'set', bridge, 'up']);
  } catch (error) {
    await destroy();
    throw error;
  }

  return {
    name,
    bridge,
    bridgeAddress,
    dir,
    get hosts() {
      return [...hosts];
    },
    async addHost(hostOpts) {
      if (destroyed) throw new Error(`host network ${name} is destroyed`);
      if (nextIndex > MAX_HOSTS) throw new Error(`host network ${name} has no room for another host`);
      const host = new Host({ network: name, index: nextIndex++, subnet, bridge, bridgeAddress, networkDir: dir }, hostOpts);
      hosts.push(host);
      try {
        await host.create();
      } catch (error) {
        hosts.splice(hosts.indexOf(host), 1);
        await host.remove();
        throw error;
      }
      return host;
    },
    async removeHost(host) {
      const i = hosts.indexOf(host as Host);
      if (i < 0) throw new Error(`${host.name} is not a host of network ${name}`);
      hosts.splice(i, 1);
      await (host as Host).remove();
    },
    destroy,
  };
}
