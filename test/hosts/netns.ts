// The links and network namespaces under the hosts. A host's namespace is kept alive by a holder
// process, not a bind mount under /run/netns (`ip netns add`): an ordinary user in a user namespace
// of their own may neither create /run/netns nor run umount(8), and a holder whose command line
// names the host's folder is found again by the cleanup after a killed run.
//
// Not run by root, the holder also makes a user namespace of the host's own, where the user running
// the tests is root and which owns the host's network namespace: the host's container engine
// (podman.ts) must be root to run as it does for root, and only root of the namespace that owns
// the host's network may build the containers' networks and port forwarding there. Everything else
// (sshd, exec) stays the user running the tests, who as the owner of that user namespace may still
// wire and configure the host's network.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HOST_ENV, kill, netnsOf, ownNetns, run } from './system';

// $1 hostname, $2 hosts file, $3 resolv.conf, $4 the host's /run/wireguard, $5 the host's home,
// then the command. The machine's own Docker and Podman sockets are hidden (where there are any), so
// that the host's only engine is its own (a client falls back to them when DOCKER_HOST names no
// running engine). WireGuard's control sockets are the host's own, as on a machine of its own (root
// makes the machine's folder when it lacks one; an ordinary user's hosts need it there already).
// So is the user's home: a shell on the host (an SSH session, a terminal) runs none of the runner's
// dotfiles, nor finds its keys or caches.
const ENTER_HOST = [
  'hostname "$1" && mount --bind "$2" /etc/hosts && mount --bind "$3" /etc/resolv.conf',
  'for s in /run/docker.sock /var/run/docker.sock /run/podman/podman.sock; do if [ -S "$s" ]; then mount --bind /dev/null "$s" || exit; fi; done',
  'if [ -d /run/wireguard ] || mkdir -p /run/wireguard 2>/dev/null; then mount --bind "$4" /run/wireguard || exit; fi',
  'mount --bind "$5" "$HOME"',
  'shift 5 && exec "$@"',
].join(' && ');
// $1 address/prefix, $2 gateway.
const WIRE_HOST = 'ip link set lo up && ip addr add "$1" dev eth0 && ip link set eth0 up && ip route add default via "$2"';

/** A fixed, locally administered MAC from the address: a host re-made with the same IP keeps its MAC (no stale neighbour entry). */
export function macFor(ip: string): string {
  return ['02', '00', ...ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0'))].join(':');
}

export async function listLinks(type: 'veth' | 'bridge'): Promise<string[]> {
  // `N: NAME@PEER: <…> …` (the @PEER part only for veths).
  return (await run('ip', ['-o', 'link', 'show', 'type', type]))
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((n): n is string => !!n);
}

export interface HostNamespace {
  /** The holder's pid: `ip link … netns <pid>` and `/proc/<pid>/ns/net` name the namespace. */
  pid: number;
  /** The namespace's inode, which every process in it shows in /proc/<pid>/ns/net. */
  inode: number;
}

/**
 * A new network namespace held by a sleeping process whose command line names `dir` (for the
 * cleanup of a killed run). Detached and unref'd: it outlives neither destroy() nor that cleanup.
 */
export async function createNamespace(dir: string): Promise<HostNamespace> {
  const userns = process.getuid?.() === 0 ? [] : ['--user', '--map-root-user'];
  const holder = spawn('unshare', [...userns, '--net', '--', 'sh', '-c', 'while sleep 3600; do :; done', 'ocs-host-netns', dir], {
    detached: true,
    stdio: 'ignore',
    env: HOST_ENV,
  });
  let failure: Error | undefined;
  holder.once('error', (e) => (failure = e));
  holder.unref();
  const own = await ownNetns();
  // Until unshare has switched, the pid still shows our namespace: a veth sent there would land here.
  for (let attempt = 0; attempt < 500; attempt++) {
    if (failure || holder.exitCode !== null) break;
    const inode = await netnsOf(holder.pid!);
    if (inode && inode !== own) return { pid: holder.pid!, inode };
    await sleep(2);
  }
  if (holder.pid) kill(holder.pid, 'SIGKILL');
  throw new Error(`no network namespace for ${dir}: ${failure?.message ?? `unshare exited ${holder.exitCode}`}`);
}

/** Wires the namespace to the bridge: `eth0` inside (fixed MAC), `veth` on the bridge, a default route via the bridge. */
export async function wireNamespace(ns: HostNamespace, opts: { veth: string; bridge: string; ip: string; gateway: string }): Promise<void> {
  await run('ip', ['link', 'add', 'name', opts.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'address', macFor(opts.ip), 'netns', String(ns.pid)]);
  await run('ip', ['link', 'set', opts.veth, 'master', opts.bridge, 'up']);
  await run('nsenter', [`--net=/proc/${ns.pid}/ns/net`, 'sh', '-c', WIRE_HOST, 'sh', `${opts.ip}/24`, opts.gateway]);
}

/**
 * nsenter arguments that run a command in the host: its network namespace, and (not `ip netns
 * exec`, which remounts /sys) a UTS and private mount namespace with the host's hostname, /etc/hosts
 * and resolv.conf. Append the command. With `asRoot`, not run by root, the command runs as root of
 * the host's own user namespace (with the credentials of the user running the tests: that user
 * namespace maps no groups to set).
 */
export function enterArgs(ns: HostNamespace, hostname: string, dir: string, opts: { asRoot?: boolean } = {}): string[] {
  const userns = opts.asRoot && process.getuid?.() !== 0 ? [`--user=/proc/${ns.pid}/ns/user`, '--preserve-credentials'] : [];
  return [
    ...userns,
    `--net=/proc/${ns.pid}/ns/net`,
    'unshare',
    '--uts',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    ENTER_HOST,
    'sh',
    hostname,
    path.join(dir, 'hosts'),
    path.join(dir, 'resolv.conf'),
    path.join(dir, 'wireguard'),
    path.join(dir, 'home'),
  ];
}
