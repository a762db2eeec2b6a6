// A namespace host's own container engine, for tests: a private Podman serving the Docker Engine
// API inside the host (needs `podman`, `runc` and `netavark`), with its storage, configuration,
// log and socket in a folder of the host's, so the machine's own podman storage is never touched.
// Host.startContainerEngine() starts it; see ../shared/reference/test-hosts.md §2 for the traps.
//
// Namespaces make it private and make it go without a trace when the host goes:
// - the host's network namespace, the engine's alone: the containers' published ports are on the
//   host's address, and netavark's bridge, iptables chains and ip_forward go with the namespace;
// - a mount namespace with fresh tmpfs over /run, /var/lib, /var/cache and /dev/shm: podman, runc
//   and netavark keep state there (/run/containers/networks/ipam.db, /run/runc, /run/netns,
//   /var/lib/containers/cache, /var/cache/containers, /dev/shm/libpod_lock) that would otherwise
//   be shared with every other podman here and outlive the service (and the machine's
//   /var/cache/containers is root's alone: a non-root run's podman could not even resolve an image's
//   short name there); the run folders live there too
//   (podman refuses a run folder path over 50 characters), and the overlay mounts of the containers
//   vanish with the namespace;
// - a PID namespace whose first process is the service: the host's removal kills every process in
//   the host's network namespace, the service among them, and the kernel then kills every process
//   of the PID namespace, containers included (they run in network namespaces of their own).
// What no namespace keeps private, the cgroups of containers a killed service left (as root),
// removePodmanLeftovers() removes.
//
// Run by root, it is rootful podman with runc and cgroups. Run by an ordinary user (through
// test/hosts/sandbox.sh), it runs as root of the host's own user namespace (netns.ts), where only
// that user's uid and gid are mapped: the containers get no cgroups (/sys/fs/cgroup is the real
// root's) and runc runs through runc-userns.sh. The test image has files of uid 0 only, which is
// what such a podman can store.
//
// Never `podman system reset` here: it wipes more than its own storage.
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rm, rmdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import Dockerode from 'dockerode';

const START_TIMEOUT_MS = 15_000;
/** A service that takes longer to answer one call is stuck. */
const API_TIMEOUT_MS = 10_000;
/** Containers of a killed service may take a moment to die and leave their cgroups. */
const CGROUP_REMOVE_TIMEOUT_MS = 5000;
const CGROUP_ROOT = '/sys/fs/cgroup';
/** Where podman's cgroupfs manager puts a container's cgroup, in every hierarchy. */
const CGROUP_PARENT = 'libpod_parent';
const CONTAINER_ID = /^[0-9a-f]{64}$/;
// In the private /run (see above), named as podman's defaults for root.
const RUNROOT = '/run/containers/storage';
const TMPDIR = '/run/libpod';
const RUNC_IN_USERNS = fileURLToPath(new URL('./runc-userns.sh', import.meta.url));
// $@: the podman command. Private tmpfs over the folders where podman, runc and netavark keep machine-wide state.
const PRIVATE_MOUNTS = ['/run', '/var/lib', '/var/cache']
  .map((folder) => `mount -t tmpfs -o mode=0755 ocs-podman ${folder}`)
  .concat('mount -t tmpfs -o mode=1777 ocs-podman /dev/shm', 'exec "$@"')
  .join(' && ');

export interface PodmanServiceOptions {
  /** The service's own folder (created). Nothing removes it but removePodmanLeftovers (the host's removal). */
  dir: string;
  /**
   * A command prefix (program first) that runs a command inside the namespace host as root there
   * (of the host's own user namespace when not run by root).
   */
  enter: string[];
  /** Read-only containers-storage folders whose images the service sees without copying (e.g. test/images). */
  imageStores?: string[];
}

export interface PodmanService {
  /** The Docker Engine API (and Podman's own) socket: `<dir>/podman.sock`. */
  readonly socketPath: string;
  /** What a client needs to find the service: DOCKER_HOST (Docker clients, the agent) and CONTAINER_HOST (`podman --remote`). */
  readonly env: Record<string, string>;
  readonly dir: string;
}

/** Runs a program (no shell); rejects with its stderr unless it exits 0. */
function run(argv: string[], env?: NodeJS.ProcessEnv): Promise<string> {
  const [file, ...args] = argv as [string, ...string[]];
  return new Promise((resolve, reject) => {
    execFile(file, args, { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${argv.join(' ')}: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

function isRoot(): boolean {
  return process.getuid?.() === 0;
}

interface PodmanOptions {
  /** Where images, containers and volumes are kept; default `<dir>/storage`. */
  storage?: string;
  imageStores?: string[];
  /** The default network's name (its config must be in `<dir>/networks`); default podman's own, "podman". */
  network?: string;
}

/** The containers.conf lines that differ between root and root of a user namespace with one uid (see the top). */
function runtimeConfig(): { containers: string[]; engine: string[] } {
  // crun refuses this machine's hybrid cgroup layout.
  if (isRoot()) return { containers: [], engine: ['runtime = "runc"'] };
  // The key is singular in podman 4.3, whatever its documentation says; without it podman refuses
  // containers without cgroups for any runtime but crun and krun.
  const runtime = ['runtime = "ocsrunc"', 'runtime_supports_nocgroup = ["ocsrunc"]', 'runtime_supports_json = ["ocsrunc"]'];
  return { containers: ['cgroups = "disabled"'], engine: [...runtime, '[engine.runtimes]', `ocsrunc = ["${RUNC_IN_USERNS}"]`] };
}

/** Podman's configuration files in `dir`, its global flags and a clean environment naming them. */
async function configure(dir: string, opts: PodmanOptions = {}): Promise<{ args: string[]; env: NodeJS.ProcessEnv }> {
  const at = (folder: string) => path.join(dir, folder);
  const folders = { root: opts.storage ?? at('storage'), tmp: at('tmp'), networks: at('networks') };
  for (const folder of Object.values(folders)) await mkdir(folder, { recursive: true });
  const runtime = runtimeConfig();
  await writeFile(
    at('containers.conf'),
    [
      '[containers]',
      // root lacks CAP_SYS_RESOURCE in this VM and the open-files hard limit is 20000: podman's defaults (1048576) fail.
      'default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]',
      // No journald: logs in files, where the Docker API's logs call reads them.
      'log_driver = "k8s-file"',
      ...runtime.containers,
      '[network]',
      'network_backend = "netavark"',
      // The service's own (writeDefaultNetwork); a one-off command needs none and keeps podman's.
      `default_network = "${opts.network ?? 'podman'}"`,
      `network_config_dir = "${folders.networks}"`,
      '[engine]',
      // PID 1 is not systemd.
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      // On disk, not in the private /run: an image being copied may be large.
      `image_copy_tmp_dir = "${folders.tmp}"`,
      // Last: it may open the [engine.runtimes] table.
      ...runtime.engine,
      '',
    ].join('\n'),
  );
  // Its own storage.conf, so /etc/containers/storage.conf (if any) never applies. The folders are
  // also given as flags, which podman copies into each container's exit command (conmon's cleanup).
  await writeFile(at('storage.conf'), `[storage]\ndriver = "overlay"\ngraphroot = "${folders.root}"\nrunroot = "${RUNROOT}"\n`);
  // The Docker API resolves unqualified names to docker.io: blocked, a missing image fails at once instead of reaching for the internet.
  await writeFile(at('registries.conf'), 'unqualified-search-registries = []\n\n[[registry]]\nlocation = "docker.io"\nblocked = true\n');
  const args = [
    ...['--root', folders.root, '--runroot', RUNROOT, '--tmpdir', TMPDIR, '--network-config-dir', folders.networks],
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
    // Not /var/tmp: an import's copy of its tarball goes there (and would stay, were podman killed).
    ['TMPDIR', folders.tmp],
  ]) as NodeJS.ProcessEnv;
  return { args, env };
}

/** `unshare` arguments that run podman with the private mounts (see the top); `pid` adds the PID namespace. */
function privateNamespacesArgv(podmanArgs: string[], opts: { pid: boolean }): string[] {
  const pid = opts.pid ? ['--pid', '--fork', '--kill-child', '--mount-proc'] : [];
  return ['unshare', '--mount', '--propagation', 'private', ...pid, 'sh', '-c', PRIVATE_MOUNTS, 'sh', 'podman', ...podmanArgs];
}

/**
 * Runs one podman command (say, `import`) on this machine, configured in `dir` as a service there
 * would be; not run by root, as root of a user namespace of its own (one with only this user's uid).
 */
export async function runPodman(dir: string, opts: PodmanOptions, podmanArgs: string[]): Promise<string> {
  const { args, env } = await configure(dir, opts);
  const userns = isRoot() ? [] : ['unshare', '--user', '--map-root-user'];
  return run([...userns, ...privateNamespacesArgv([...args, ...podmanArgs], { pid: false })], env);
}

/** A /24 of 10.95.0.0/16 that no address or route of the host is in, for the service's own network. */
async function freeSubnet(enter: string[]): Promise<number> {
  const inUse = `${await run([...enter, 'ip', '-o', '-4', 'addr', 'show'])}\n${await run([...enter, 'ip', '-4', 'route', 'show'])}`;
  for (let octet = 1; octet < 255; octet++) if (!inUse.includes(`10.95.${octet}.`)) return octet;
  throw new Error('no free /24 in 10.95.0.0/16 for a podman network');
}

/** The service's default network on a bridge and subnet that none of the host's addresses and routes collide with. */
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

async function answering(docker: Dockerode): Promise<boolean> {
  try {
    await docker.ping();
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts `podman system service` inside the host on `<dir>/podman.sock`; resolves once it answers
 * the Docker API's ping. It runs until every process in the host's network namespace is killed.
 */
export async function startPodmanService(opts: PodmanServiceOptions): Promise<PodmanService> {
  const dir = path.resolve(opts.dir);
  const socketPath = path.join(dir, 'podman.sock');
  const network = await writeDefaultNetwork(path.join(dir, 'networks'), await freeSubnet(opts.enter));
  const { args, env } = await configure(dir, { imageStores: opts.imageStores, network });
  const log = await open(path.join(dir, 'service.log'), 'a');
  const argv = [...opts.enter, ...privateNamespacesArgv([...args, 'system', 'service', '--time=0', `unix://${socketPath}`], { pid: true })];
  // Detached (own session, not waited for), as the host's sshd: it goes with the host, not with the test worker.
  const service = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', log.fd, log.fd], detached: true });
  service.unref();
  await log.close();
  const docker = new Dockerode({ socketPath, timeout: API_TIMEOUT_MS });
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await answering(docker))) {
    if (service.exitCode !== null || service.signalCode !== null || Date.now() > deadline) {
      // Its PID namespace, and every process in it, goes with it (unshare --kill-child).
      service.kill('SIGKILL');
      const why = (await readFile(path.join(dir, 'service.log'), 'utf8').catch(() => '')).trim().split('\n').slice(-5).join('\n');
      throw new Error(`podman system service in ${dir} did not answer: ${why || 'no output'}`);
    }
    await sleep(20);
  }
  return { socketPath, env: { DOCKER_HOST: `unix://${socketPath}`, CONTAINER_HOST: `unix://${socketPath}` }, dir };
}

/** Removes a cgroup that may still have dying processes in it, or is already gone. */
async function removeCgroup(cgroup: string, deadline: number): Promise<void> {
  for (;;) {
    try {
      return await rmdir(cgroup);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a file of /sys/fs/cgroup, not a hierarchy.
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      if (code !== 'EBUSY' || Date.now() > deadline) throw error;
      await sleep(50);
    }
  }
}

/**
 * What a service in `dir` leaves once every process in its host is killed: the cgroups of its
 * containers (not run by root it made none) and `dir`. Idempotent.
 */
export async function removePodmanLeftovers(dir: string): Promise<void> {
  const containers = (await readdir(path.join(dir, 'storage', 'overlay-containers')).catch(() => [])).filter((entry) => CONTAINER_ID.test(entry));
  if (containers.length > 0 && isRoot()) {
    // cgroup v1 has a hierarchy per controller folder, v2 just the one.
    const hierarchies = [CGROUP_ROOT, ...(await readdir(CGROUP_ROOT)).map((entry) => path.join(CGROUP_ROOT, entry))];
    const deadline = Date.now() + CGROUP_REMOVE_TIMEOUT_MS;
    for (const id of containers) for (const hierarchy of hierarchies) await removeCgroup(path.join(hierarchy, CGROUP_PARENT, `libpod-${id}`), deadline);
  }
  await rm(dir, { recursive: true, force: true });
}
