// A private rootful Podman serving the Docker Engine API, for tests (needs root, `podman`, `runc`
// and `netavark`): storage, run and temporary folders, network configuration, containers.conf,
// storage.conf and registries.conf all under `dir`, so the machine's own podman storage is never
// touched. See ../shared/reference/test-hosts.md §2 for the traps this works around.
//
//   const podman = await startPodmanService({ dir });  // DOCKER_HOST=unix://${podman.socketPath}
//   await podman.stop();                                // in afterAll: containers, volumes, folder, network leftovers
//
// The service runs in a mount namespace of its own with fresh tmpfs over /run, /var/lib and
// /dev/shm: podman, runc and netavark keep state there (/run/containers/networks/ipam.db,
// /run/runc, /run/netns, /var/lib/containers/cache, /dev/shm/libpod_lock) that would otherwise
// outlive the service and be shared with every other podman here, and the overlay mounts of its
// containers vanish with the namespace instead of lingering under `dir`. So `dir` must not be under
// one of those three. Its default network has a bridge and a /24 of 10.95.0.0/16 of its own, so
// services running at once (two test runs) never share addresses. What no namespace of the mount
// kind keeps private is the network namespace's: netavark turns ip_forward on and adds iptables
// (nft) chains; stop() takes them back unless another podman's containers still need them.
//
// Never `podman system reset` here: it wipes more than its own storage.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Dockerode from 'dockerode';

const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5000;
/** A service that takes longer to answer one call is stuck. */
const API_TIMEOUT_MS = 10_000;
const REMOVE_ATTEMPTS = 10;
const REMOVE_RETRY_MS = 200;
const MAX_RUNROOT_LENGTH = 50;
const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';
const NETAVARK_CHAIN = /^NETAVARK/;
const IPTABLES_TABLES = ['filter', 'nat'] as const;
// $@: the podman command. Private tmpfs over the folders where podman, runc and netavark keep machine-wide state.
const ENTER_PRIVATE_MOUNTS = 'mount -t tmpfs -o mode=0755 ocs-podman /run && mount -t tmpfs -o mode=0755 ocs-podman /var/lib && mount -t tmpfs -o mode=1777 ocs-podman /dev/shm && exec "$@"';

export interface PodmanServiceOptions {
  /** The service's own folder (created; removed by stop()). */
  dir: string;
  /** Read-only containers-storage folders whose images the service sees without copying (e.g. test/images). */
  imageStores?: string[];
}

export interface PodmanService {
  /** The Docker Engine API (and Podman's own) socket: `<dir>/podman.sock`. */
  readonly socketPath: string;
  /** What a client needs to find the service: DOCKER_HOST (Docker clients, the agent) and CONTAINER_HOST (`podman --remote`). */
  readonly env: Record<string, string>;
  readonly dir: string;
  /** Removes every container and volume, stops the service, takes back its network side effects and removes `dir`. Idempotent. */
  stop(): Promise<void>;
}

/** Runs a program (no shell); rejects with its stderr unless it exits 0. */
function run(file: string, args: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

interface PodmanOptions {
  /** Where images, containers and volumes are kept; default `<dir>/storage`. */
  storage?: string;
  imageStores?: string[];
  /** The default network's name (its config must be in `<dir>/networks`); default podman's own, "podman". */
  network?: string;
}

/** Podman's configuration files in `dir`, its global flags and a clean environment naming them. */
async function configure(dir: string, opts: PodmanOptions = {}): Promise<{ args: string[]; env: NodeJS.ProcessEnv }> {
  const at = (folder: string) => path.join(dir, folder);
  const folders = { root: opts.storage ?? at('storage'), runroot: at('run'), tmpdir: at('tmp'), networks: at('networks') };
  // Podman refuses longer ones (conmon's attach sockets live there and socket paths are short).
  if (folders.runroot.length > MAX_RUNROOT_LENGTH) throw new Error(`podman's folder ${dir} is too long: ${folders.runroot} must be at most ${MAX_RUNROOT_LENGTH} characters`);
  for (const folder of Object.values(folders)) await mkdir(folder, { recursive: true });
  await writeFile(
    at('containers.conf'),
    [
      '[containers]',
      // root lacks CAP_SYS_RESOURCE in this VM and the open-files hard limit is 20000: podman's defaults (1048576) fail.
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      // No journald: logs in files, where the Docker API's logs call reads them.
      'log_driver = "k8s-file"',
      '[engine]',
      // crun refuses this machine's hybrid cgroup layout.
      'runtime = "runc"',
      // PID 1 is not systemd.
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      `image_copy_tmp_dir = "${folders.tmpdir}"`,
      '[network]',
      'network_backend = "netavark"',
      // The service's own (writeDefaultNetwork); a one-off command needs none and keeps podman's.
      `default_network = "${opts.network ?? 'podman'}"`,
      `network_config_dir = "${folders.networks}"`,
      '',
    ].join('\n'),
  );
  // Its own storage.conf, so /etc/containers/storage.conf (if any) never applies. The folders are
  // also given as flags, which podman copies into each container's exit command (conmon's cleanup).
  await writeFile(at('storage.conf'), `[storage]\ndriver = "overlay"\ngraphroot = "${folders.root}"\nrunroot = "${folders.runroot}"\n`);
  // The Docker API resolves unqualified names to docker.io: blocked, a missing image fails at once instead of reaching for the internet.
  await writeFile(at('registries.conf'), 'unqualified-search-registries = []\n\n[[registry]]\nlocation = "docker.io"\nblocked = true\n');
  const args = [
    ...['--root', folders.root, '--runroot', folders.runroot, '--tmpdir', folders.tmpdir, '--network-config-dir', folders.networks],
    ...(opts.imageStores ?? []).flatMap((store) => ['--storage-opt', `overlay.imagestore=${store}`]),
  ];
  // A small environment of its own, not the test worker's (Next.js's types demand NODE_ENV of a literal, hence fromEntries).
  const env = Object.fromEntries([
    ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
    ['HOME', os.userInfo().homedir],
    ['LANG', 'C.UTF-8'],
    ['CONTAINERS_CONF', at('containers.conf')],
    ['CONTAINERS_STORAGE_CONF', at('storage.conf')],
    ['CONTAINERS_REGISTRIES_CONF', at('registries.conf')],
  ]) as NodeJS.ProcessEnv;
  return { args, env };
}

function privateMountsArgv(podmanArgs: string[]): string[] {
  return ['--mount', '--propagation', 'private', 'sh', '-c', ENTER_PRIVATE_MOUNTS, 'sh', 'podman', ...podmanArgs];
}

/** Runs one podman command (say, `import`), configured in `dir` as a service there would be. */
export async function runPodman(dir: string, opts: PodmanOptions, podmanArgs: string[]): Promise<string> {
  const { args, env } = await configure(dir, opts);
  return run('unshare', privateMountsArgv([...args, ...podmanArgs]), env);
}

/** netavark's chains every podman in a network namespace shares; netavark makes them again whenever it starts a container. */
const SHARED_CHAINS = new Set(['NETAVARK_FORWARD', 'NETAVARK-HOSTPORT-DNAT', 'NETAVARK-HOSTPORT-MASQ', 'NETAVARK-HOSTPORT-SETMARK']);

async function chainsOf(table: string): Promise<string[]> {
  const rules = await run('iptables', ['-t', table, '-S']);
  return rules
    .split('\n')
    .filter((line) => line.startsWith('-N '))
    .map((line) => line.slice(3).trim());
}

/** `-A CHAIN -m comment --comment "two words" -j TARGET` as argv. */
function ruleArgs(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** A /24 in 10.95.0.0/16 that no address or route of this machine is in, for the service's own network. */
async function freeSubnet(): Promise<number> {
  const inUse = `${await run('ip', ['-o', '-4', 'addr', 'show'])}\n${await run('ip', ['-4', 'route', 'show'])}`;
  // Concurrent test processes start their search at different places.
  for (let i = 0; i < 254; i++) {
    const octet = ((process.pid + i) % 254) + 1;
    if (!inUse.includes(`10.95.${octet}.`)) return octet;
  }
  throw new Error('no free /24 in 10.95.0.0/16 for a podman network');
}

/**
 * The service's default network on a bridge and subnet of its own, so podman services running at
 * once never share a bridge or hand out the same address (each keeps its address leases in its
 * private /run). Its name is its own too: netavark names its iptables chains after the network's
 * name, and two services' "podman" networks would tear down each other's port forwarding.
 */
async function writeDefaultNetwork(networksDir: string, octet: number): Promise<string> {
  const name = `ocspodman${octet}`;
  await mkdir(networksDir, { recursive: true });
  const network = {
    name,
    id: createHash('sha256').update(`${networksDir} ${name}`).digest('hex'),
    driver: 'bridge',
    network_interface: name,
    created: new Date().toISOString(),
    subnets: [{ subnet: `10.95.${octet}.0/24`, gateway: `10.95.${octet}.1` }],
    ipv6_enabled: false,
    internal: false,
    dns_enabled: false,
    ipam_options: { driver: 'host-local' },
  };
  await writeFile(path.join(networksDir, `${name}.json`), `${JSON.stringify(network, null, 2)}\n`);
  return name;
}

/**
 * Takes back the service's bridge and, when no other podman's containers are left in this network
 * namespace (their netavark chains would remain), netavark's shared chains and forwarding. That
 * goes back off only if it was off before the service started, or netavark's chains were there
 * then (so netavark, not the machine, had turned it on).
 */
async function releaseNetwork(bridge: string, forwardingWasOff: boolean): Promise<void> {
  if (existsSync(`/sys/class/net/${bridge}`)) await run('ip', ['link', 'del', bridge]);
  const netavark = new Map<string, string[]>();
  for (const table of IPTABLES_TABLES) netavark.set(table, (await chainsOf(table)).filter((chain) => NETAVARK_CHAIN.test(chain)));
  if ([...netavark.values()].flat().some((chain) => !SHARED_CHAINS.has(chain))) return;
  for (const [table, chains] of netavark) {
    for (const rule of (await run('iptables', ['-t', table, '-S'])).split('\n').map(ruleArgs)) {
      const target = rule[rule.indexOf('-j') + 1];
      if (rule[0] === '-A' && !chains.includes(rule[1]!) && target && chains.includes(target)) await run('iptables', ['-t', table, '-D', ...rule.slice(1)]);
    }
    // Flushed first: they jump to each other.
    for (const chain of chains) await run('iptables', ['-t', table, '-F', chain]);
    for (const chain of chains) await run('iptables', ['-t', table, '-X', chain]);
  }
  if (forwardingWasOff) await writeFile(IP_FORWARD, '0\n');
}

function exited(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return Promise.race([new Promise<boolean>((resolve) => child.once('exit', () => resolve(true))), sleep(timeoutMs).then(() => false)]);
}

/** Kills processes whose command line names a path under `dir` (a conmon whose container could not be removed). */
async function killProcessesUsing(dir: string): Promise<void> {
  const needle = `${dir}/`;
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.replaceAll('\0', ' ').includes(needle)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

/** Podman refuses now and then to remove a container caught between an exit and its policy's restart ("could not be stopped"); a moment later it can. */
async function removeContainer(docker: Dockerode, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await docker.getContainer(id).remove({ force: true, v: true });
    } catch (err) {
      if (attempt === REMOVE_ATTEMPTS) throw err;
      await sleep(REMOVE_RETRY_MS);
    }
  }
}

async function answering(docker: Dockerode): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/** Starts `podman system service` on `<dir>/podman.sock`; resolves once it answers the Docker API's ping. */
export async function startPodmanService(opts: PodmanServiceOptions): Promise<PodmanService> {
  if (process.getuid?.() !== 0) throw new Error('a rootful podman service needs root');
  const dir = path.resolve(opts.dir);
  const socketPath = path.join(dir, 'podman.sock');
  const network = await writeDefaultNetwork(path.join(dir, 'networks'), await freeSubnet());
  const { args, env } = await configure(dir, { imageStores: opts.imageStores, network });
  const forwardingWasOff = (await readFile(IP_FORWARD, 'utf8')).trim() === '0' || (await chainsOf('filter')).some((chain) => NETAVARK_CHAIN.test(chain));
  const log = await open(path.join(dir, 'service.log'), 'a');
  const service = spawn('unshare', privateMountsArgv([...args, 'system', 'service', '--time=0', `unix://${socketPath}`]), { env, stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  const docker = new Dockerode({ socketPath, timeout: API_TIMEOUT_MS });

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      // Through the service, so netavark tears each container's network down and conmon exits.
      if (await answering(docker)) {
        const containers = await docker.listContainers({ all: true });
        await Promise.all(containers.map((c) => removeContainer(docker, c.Id)));
        await docker.pruneVolumes();
      }
    } finally {
      service.kill('SIGTERM');
      if (!(await exited(service, STOP_TIMEOUT_MS))) {
        service.kill('SIGKILL');
        await exited(service, STOP_TIMEOUT_MS);
      }
      await killProcessesUsing(dir);
      await releaseNetwork(network, forwardingWasOff);
      await rm(dir, { recursive: true, force: true });
    }
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answering(docker))) {
    if (service.exitCode !== null || Date.now() > deadline) {
      const why = (await readFile(path.join(dir, 'service.log'), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
      await stop();
      throw new Error(`podman system service in ${dir} did not answer: ${why || 'no output'}`);
    }
    await sleep(20);
  }
  return { socketPath, env: { DOCKER_HOST: `unix://${socketPath}`, CONTAINER_HOST: `unix://${socketPath}` }, dir, stop };
}
