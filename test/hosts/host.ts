// One namespace host: its folder, its network namespace wired to the bridge, its sshd, the
// commands a test runs inside it (as the user running the tests, not over SSH), and its own
// container engine when a test starts one.
import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { helloWebImage, importTestImage } from '../images/hello-web';
import { createNamespace, enterArgs, wireNamespace, type HostNamespace } from './netns';
import { removePodmanLeftovers, startPodmanService, type PodmanService } from './podman';
import { Sshd, sshUser } from './sshd';
import { HOST_ENV, killNetnsProcesses, runIgnoringMissing } from './system';

const SSH_PORT = 22;

/** The folder of a host's container engine, in the host's folder. */
export function engineDir(hostDir: string): string {
  return path.join(hostDir, 'podman');
}

export interface AddHostOptions {
  /** Lines for the host's authorized_keys ('ssh-ed25519 AAAA… comment'). */
  authorizedKeys: string[];
  /**
   * The only user sshd lets in (AllowUsers); must exist on this machine. Default: 'root' when the
   * tests run as root, else the user running them (the only one a non-root sshd can let in).
   */
  user?: string;
}

export interface ExecResult {
  /** The exit code; 128 + the signal's number when a signal ended the command (as a shell says). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface NamespaceHost {
  /** Hostname: `<network>-h<N>`. */
  readonly name: string;
  /** `<subnet>.1<N>`. */
  readonly ip: string;
  /** Where sshd listens on `ip`: 22. */
  readonly port: number;
  /** The user sshd lets in. */
  readonly user: string;
  /** The host's own folder: sshd's config, keys, log, and room for what gets installed there. */
  readonly dir: string;
  /** The host's network namespace, for tools that join it (`nsenter --net=…`, `--network-namespace-path=…`). */
  readonly netnsPath: string;
  /** The current host key as `ssh-keygen -lf` prints it: 'SHA256:…'. Changes with replaceHostKey(). */
  readonly hostKeyFingerprint: string;
  /**
   * DOCKER_HOST in every SSH session into the host: `unix://<dir>/podman/podman.sock`, where
   * startContainerEngine() serves (before, nothing does: a machine whose Docker is not running).
   * The machine's own Docker and Podman sockets are hidden inside the host.
   */
  readonly dockerHost: string;
  /** The engine startContainerEngine() started, if it did. */
  readonly containerEngine: PodmanService | undefined;
  /**
   * Runs a command inside the host as the user running the tests (root in CI), not over SSH, with
   * `input` (or nothing) on its stdin. Never rejects for a non-zero exit. A background process must
   * redirect its stdout/stderr (`setsid nohup CMD >LOG 2>&1 </dev/null &`), else exec waits for it.
   */
  exec(argv: string[], opts?: { input?: string | Buffer }): Promise<ExecResult>;
  /** A new host key and sshd restarted: "the host's key changed". */
  replaceHostKey(): Promise<void>;
  /** Stops the listening sshd ("unreachable host"); open SSH sessions live on until removeHost. */
  stopSshd(): Promise<void>;
  /** Starts sshd again; resolves once it accepts TCP connections. */
  startSshd(): Promise<void>;
  /**
   * Starts the host's own container engine, Podman serving the Docker Engine API on the socket
   * dockerHost names, with the test image (test/images: HELLO_WEB_IMAGE) at hand. It runs inside
   * the host, so containers' published ports are on the host's address; its storage is in the
   * host's folder. Resolves once it answers. It goes with the host, every container with it.
   */
  startContainerEngine(): Promise<PodmanService>;
}

export interface HostWiring {
  network: string;
  index: number;
  subnet: string;
  bridge: string;
  bridgeAddress: string;
  networkDir: string;
}

export class Host implements NamespaceHost {
  readonly name: string;
  readonly ip: string;
  readonly port = SSH_PORT;
  readonly user: string;
  readonly dir: string;
  readonly #veth: string;
  readonly #wiring: HostWiring;
  readonly #authorizedKeys: string[];
  #ns: HostNamespace | undefined;
  #sshd: Sshd | undefined;
  #engine: PodmanService | undefined;

  constructor(wiring: HostWiring, opts: AddHostOptions) {
    this.name = `${wiring.network}-h${wiring.index}`;
    this.ip = `${wiring.subnet}.1${wiring.index}`;
    this.user = sshUser(opts.user);
    this.dir = path.join(wiring.networkDir, this.name);
    this.#veth = `${wiring.network}v${wiring.index}`;
    this.#wiring = wiring;
    this.#authorizedKeys = opts.authorizedKeys;
  }

  get netnsPath(): string {
    return `/proc/${this.#live().ns.pid}/ns/net`;
  }

  get hostKeyFingerprint(): string {
    return this.#sshd?.fingerprint ?? '';
  }

  get dockerHost(): string {
    return `unix://${path.join(engineDir(this.dir), 'podman.sock')}`;
  }

  get containerEngine(): PodmanService | undefined {
    return this.#engine;
  }

  #live(): { ns: HostNamespace; sshd: Sshd } {
    if (!this.#ns || !this.#sshd) throw new Error(`host ${this.name} is not running`);
    return { ns: this.#ns, sshd: this.#sshd };
  }

  async create(): Promise<void> {
    await mkdir(path.join(this.dir, 'wireguard'), { recursive: true });
    // The user's home on the host (netns.ts): sshd wants no one else able to write to it.
    await mkdir(path.join(this.dir, 'home'), { recursive: true, mode: 0o700 });
    await writeFile(path.join(this.dir, 'hosts'), `127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n${this.ip}\t${this.name}\n`);
    // No resolver here: lookups fail at once on the host's own loopback instead of stalling.
    await writeFile(path.join(this.dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n');
    const ns = await createNamespace(this.dir);
    this.#ns = ns;
    await wireNamespace(ns, { veth: this.#veth, bridge: this.#wiring.bridge, ip: this.ip, gateway: this.#wiring.bridgeAddress });
    const sshd = new Sshd({
      name: this.name,
      ip: this.ip,
      port: this.port,
      user: this.user,
      dir: this.dir,
      authorizedKeys: this.#authorizedKeys,
      // Node agents keep members' SSH keys where this sshd reads them (agent/login.ts).
      env: { DOCKER_HOST: this.dockerHost, OCS_AGENT_AUTHORIZED_KEYS: path.join(this.dir, 'authorized_keys') },
      ns,
    });
    this.#sshd = sshd;
    await sshd.configure();
    await sshd.start();
  }

  exec(argv: string[], opts: { input?: string | Buffer } = {}): Promise<ExecResult> {
    if (argv.length === 0) throw new Error('exec needs a command');
    const { ns } = this.#live();
    return new Promise((resolve, reject) => {
      const child = execFile('nsenter', [...enterArgs(ns, this.name, this.dir), ...argv], { maxBuffer: 64 * 1024 * 1024, env: HOST_ENV }, (error, stdout, stderr) => {
        if (!error) return resolve({ code: 0, stdout, stderr });
        const { code, signal } = error as { code?: number | string; signal?: NodeJS.Signals };
        if (typeof code === 'number') return resolve({ code, stdout, stderr });
        if (signal) return resolve({ code: 128 + (os.constants.signals[signal] ?? 0), stdout, stderr });
        reject(error);
      });
      // execFile leaves stdin an open pipe: a command that reads it would wait forever.
      child.stdin?.on('error', () => {});
      child.stdin?.end(opts.input);
    });
  }

  startSshd(): Promise<void> {
    return this.#live().sshd.start();
  }

  stopSshd(): Promise<void> {
    return this.#live().sshd.stop();
  }

  async startContainerEngine(): Promise<PodmanService> {
    const { ns } = this.#live();
    if (this.#engine) throw new Error(`host ${this.name} already has a container engine`);
    const image = await helloWebImage();
    const enter = ['nsenter', ...enterArgs(ns, this.name, this.dir, { asRoot: true })];
    this.#engine = await startPodmanService({ dir: engineDir(this.dir), enter, imageStores: [image.store] });
    // The image's store, shared read-only, holds it already: this only makes sure (an inspect, no copy).
    await importTestImage(this.#engine);
    return this.#engine;
  }

  async replaceHostKey(): Promise<void> {
    const { sshd } = this.#live();
    await sshd.stop();
    await sshd.newHostKey();
    await sshd.start();
  }

  /**
   * Every process in the namespace (so the namespace goes too, and the container engine with its
   * containers), the veth (both ends), what the engine left outside, the folder. Safe on a half-made host.
   */
  async remove(): Promise<void> {
    this.#sshd?.forget();
    this.#sshd = undefined;
    this.#engine = undefined;
    if (this.#ns) await killNetnsProcesses([this.#ns.inode]);
    this.#ns = undefined;
    await runIgnoringMissing('ip', ['link', 'del', this.#veth]);
    await removePodmanLeftovers(engineDir(this.dir));
    await rm(this.dir, { recursive: true, force: true });
  }
}
