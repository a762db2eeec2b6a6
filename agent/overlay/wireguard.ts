// The node's WireGuard interface on its unit group's private network, driven with the `ip` and `wg`
// tools (no shell), which serve both implementations: the kernel's where it has the module, else
// the userspace wireguard-go. wireguard-go runs as a daemon of its own, so the interface outlives
// an agent restart and the next agent adopts it: ensure() is idempotent.
// wireguard-go's control socket is /var/run/wireguard/<name>.sock, one folder for every network
// namespace of the machine: each node needs an interface name of its own (interfaceNameFor).
import { spawn } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readlinkSync, rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, listProcesses, readCommandLine } from '../process-tree';

export type WireGuardImplementation = 'kernel' | 'userspace';

export interface WireGuardOptions {
  name: string;
  privateKey: string;
  /** 0 or absent: keep the interface's port (a new one gets a free port). */
  listenPort?: number;
  /** With its prefix, e.g. '100.64.3.5/24': the route to the rest of the network comes with it. */
  address: string;
  mtu?: number;
  log: (message: string) => void;
}

export interface PeerConfig {
  publicKey: string;
  allowedIps: string[];
  /** host:port to send to; null or absent leaves the one WireGuard knows (e.g. learned from the peer's packets). */
  endpoint?: string | null;
  /** Absent or 0: off. */
  keepaliveSeconds?: number;
}

export interface PeerStatus {
  publicKey: string;
  endpoint: string | null;
  allowedIps: string[];
  latestHandshakeAt: Date | null;
  rxBytes: number;
  txBytes: number;
  keepaliveSeconds: number;
}

/** 1500 less the WireGuard, UDP and IPv6 headers (80 bytes): WireGuard's own default. */
const DEFAULT_MTU = 1420;
const SOCKET_DIR = '/var/run/wireguard';
const TOOL_TIMEOUT_MS = 10_000;
/** How long wireguard-go gets to exit on its own once its device is gone, and then after SIGTERM. */
const DAEMON_EXIT_MS = 2000;
const POLL_MS = 50;
const KEY_BYTES = 32;
/** The DER (PKCS#8) an X25519 private key is imported in: this header, then the 32 raw bytes. */
const X25519_PKCS8_HEADER = Buffer.from('302e020100300506032b656e04220420', 'hex');
const PACKAGE_OF: Record<string, string> = { ip: 'iproute2', wg: 'wireguard-tools', 'wireguard-go': 'wireguard-go' };
const NO_PERMISSION = /Operation not permitted|Permission denied/i;
const NO_DEVICE = /does not exist|Cannot find device|No such device/i;

/** 'ocs' and 10 hex digits of the node name's SHA-256: unique per node, within the 15 characters of an interface name. */
export function interfaceNameFor(nodeName: string): string {
  return `ocs${createHash('sha256').update(nodeName).digest('hex').slice(0, 10)}`;
}

const base64 = (raw: Buffer) => raw.toString('base64');
const jwkPart = (key: KeyObject, part: 'd' | 'x') => base64(Buffer.from(key.export({ format: 'jwk' })[part]!, 'base64url'));

/** As `wg genkey`: a clamped X25519 private key (the form WireGuard keeps and shows), both in base64. */
export function generateKeyPair(): { privateKey: string; publicKey: string } {
  const { privateKey } = generateKeyPairSync('x25519');
  const clamped = clamp(Buffer.from(jwkPart(privateKey, 'd'), 'base64'));
  return { privateKey: base64(clamped), publicKey: publicKeyOf(base64(clamped)) };
}

/** As `wg pubkey`. */
export function publicKeyOf(privateKey: string): string {
  const key = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_HEADER, rawKey(privateKey)]), format: 'der', type: 'pkcs8' });
  return jwkPart(createPublicKey(key), 'x');
}

function rawKey(key: string): Buffer {
  const raw = Buffer.from(key, 'base64');
  if (raw.length !== KEY_BYTES || base64(raw) !== key) throw new Error('not a WireGuard key (32 bytes in base64)');
  return raw;
}

function clamp(raw: Buffer): Buffer {
  const out = Buffer.from(raw);
  out[0]! &= 248;
  out[31] = (out[31]! & 127) | 64;
  return out;
}

/** wg reads a key from a file only; /dev/stdin is no way in (Node's stdin for a child is a socket, which wg cannot open). */
async function withKeyFile<T>(key: string, use: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-wg-'));
  try {
    const file = path.join(dir, 'key');
    await writeFile(file, `${key}\n`, { mode: 0o600 });
    return await use(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

class ToolError extends Error {
  constructor(
    message: string,
    /** What the tool said (or that it is not installed). */
    readonly detail: string,
  ) {
    super(message);
  }
}

/** Runs a tool; resolves with its stdout, rejects with what it said. */
function run(file: string, args: string[], opts: { env?: NodeJS.ProcessEnv; detached?: boolean } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: opts.env, detached: opts.detached, timeout: TOOL_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const fail = (detail: string) => reject(new ToolError(`${file} ${args.join(' ')}: ${detail}`, detail));
    child.once('error', (err: NodeJS.ErrnoException) => fail(err.code === 'ENOENT' ? `${file} is not installed (install ${PACKAGE_OF[file] ?? file})` : err.message));
    child.once('close', (code, signal) => {
      if (code === 0) resolve(stdout);
      // wireguard-go logs its errors to stdout.
      else fail([stderr.trim(), stdout.trim()].filter(Boolean).join('\n') || (child.killed ? `no answer in ${TOOL_TIMEOUT_MS / 1000} s` : `exited with ${code ?? signal}`));
    });
  });
}

const detailOf = (err: unknown) => (err instanceof ToolError ? err.detail : (err as Error).message);
const cannotCreate = (name: string, why: string) => new Error(`cannot create the WireGuard interface ${name}: ${why}`);

/** wireguard-go's own environment. */
function daemonEnv(): NodeJS.ProcessEnv {
  // LOG_LEVEL would hand the daemon our stdout and stderr (so its start would never seem to end);
  // the WG_*_FD and foreground variables are for the daemon wireguard-go forks, not for us to pass on.
  // Older wireguard-go builds refuse to run on Linux without WG_I_PREFER_…
  const env: NodeJS.ProcessEnv = { ...process.env, WG_I_PREFER_BUGGY_USERSPACE_TO_POLISHED_KMOD: '1' };
  for (const name of ['LOG_LEVEL', 'WG_TUN_FD', 'WG_UAPI_FD', 'WG_PROCESS_FOREGROUND']) delete env[name];
  return env;
}

/** wireguard-go's "ERROR: (name) date time message" lines, without its banner about the kernel module. */
function wireguardGoErrors(stderr: string): string {
  const errors = [...stderr.matchAll(/^ERROR: \(\S+\) \S+ \S+ (.*)$/gm)].map((m) => m[1]);
  return errors.length ? errors.join('; ') : stderr.replace(/^[┌│└].*$/gm, '').trim();
}

/** The kernel's WireGuard, else wireguard-go (which forks its daemon once the device and its socket exist). */
async function create(name: string, log: (message: string) => void): Promise<WireGuardImplementation> {
  try {
    await run('ip', ['link', 'add', 'dev', name, 'type', 'wireguard']);
    log(`WireGuard interface ${name} created (kernel)`);
    return 'kernel';
  } catch (err) {
    const detail = detailOf(err);
    if (NO_PERMISSION.test(detail)) throw cannotCreate(name, `the agent lacks CAP_NET_ADMIN (run it as root): ${detail}`);
    if (!/Unknown device type|not supported/i.test(detail)) throw cannotCreate(name, detail);
  }
  try {
    // Its own session: the daemon must not die with the agent's process group.
    await run('wireguard-go', [name], { env: daemonEnv(), detached: true });
  } catch (err) {
    if (err instanceof ToolError && err.detail.startsWith('wireguard-go is not installed')) {
      throw cannotCreate(name, 'neither the kernel module nor wireguard-go is available (install wireguard-tools and wireguard-go)');
    }
    const detail = wireguardGoErrors(detailOf(err));
    // Its control socket it cannot make says so in many ways (the last attempt's error is the one shown).
    if (/UAPI listen error/.test(detail)) throw cannotCreate(name, `wireguard-go cannot make its control socket in ${SOCKET_DIR} (run the agent as root): ${detail}`);
    if (NO_PERMISSION.test(detail)) throw cannotCreate(name, `wireguard-go lacks CAP_NET_ADMIN (run the agent as root): ${detail}`);
    throw cannotCreate(name, `wireguard-go failed: ${detail}`);
  }
  log(`WireGuard interface ${name} created (wireguard-go: this kernel has no WireGuard)`);
  return 'userspace';
}

/** How an existing interface of that name is implemented; null when there is none. */
async function existing(name: string): Promise<WireGuardImplementation | null> {
  let shown: string;
  try {
    shown = await run('ip', ['-details', '-json', 'link', 'show', 'dev', name]);
  } catch (err) {
    if (NO_DEVICE.test(detailOf(err))) return null;
    throw err;
  }
  const kind = (JSON.parse(shown) as { linkinfo?: { info_kind?: string } }[])[0]?.linkinfo?.info_kind;
  if (kind === 'wireguard') return 'kernel';
  // A tun device: WireGuard's if a wireguard-go serves it, which the first `wg` call finds out.
  if (kind === 'tun') return 'userspace';
  throw new Error(`cannot use ${name} as the WireGuard interface: a network interface of that name exists, of type ${kind ?? 'unknown'}`);
}

/** Makes `address` the interface's only one. */
async function setAddress(name: string, address: string, log: (message: string) => void): Promise<void> {
  const [link] = JSON.parse(await run('ip', ['-json', 'addr', 'show', 'dev', name])) as { addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
  const present = (link?.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`);
  for (const other of present.filter((a) => a !== address)) {
    await run('ip', ['addr', 'del', other, 'dev', name]);
    log(`WireGuard interface ${name}: address ${other} replaced by ${address}`);
  }
  if (!present.includes(address)) await run('ip', ['addr', 'add', address, 'dev', name]);
}

interface Dump {
  /** null when none is set. */
  privateKey: string | null;
  listenPort: number;
  peers: PeerStatus[];
}

/** `wg show <if> dump`: the interface's line, then one per peer; tab-separated, '(none)' for nothing. */
function parseDump(text: string): Dump {
  const [own = [], ...peers] = text
    .trim()
    .split('\n')
    .map((line) => line.split('\t'));
  const none = (value: string | undefined) => (!value || value === '(none)' ? null : value);
  return {
    privateKey: none(own[0]),
    listenPort: Number(own[2]),
    peers: peers.map(([publicKey = '', , endpoint, allowedIps, handshake, rx, tx, keepalive]) => ({
      publicKey,
      endpoint: none(endpoint),
      allowedIps: none(allowedIps)?.split(',') ?? [],
      latestHandshakeAt: Number(handshake) > 0 ? new Date(Number(handshake) * 1000) : null,
      rxBytes: Number(rx),
      txBytes: Number(tx),
      keepaliveSeconds: keepalive === 'off' ? 0 : Number(keepalive),
    })),
  };
}

/** An address without a prefix is a single host, as wg reads it (and shows it back). */
const withPrefix = (ip: string) => (ip.includes('/') ? ip : `${ip}/${ip.includes(':') ? 128 : 32}`);
const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** wireguard-go daemons of this interface in this network namespace (their argv is `wireguard-go <name>`). */
function daemonsOf(name: string): number[] {
  const netns = (pid: number | 'self') => {
    try {
      return readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      return null;
    }
  };
  const own = netns('self');
  return listProcesses()
    .filter((p) => p.state !== 'Z' && p.pid !== process.pid)
    .filter((p) => {
      const argv = readCommandLine(p.pid);
      return argv && path.basename(argv[0] ?? '') === 'wireguard-go' && argv.at(-1) === name && netns(p.pid) === own;
    })
    .map((p) => p.pid);
}

async function exited(pids: number[], timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; pids.some(isAlive); ) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids.filter(isAlive)) {
    try {
      process.kill(pid, sig);
    } catch {
      // Gone meanwhile.
    }
  }
}

export class WireGuardInterface {
  private constructor(
    readonly name: string,
    readonly implementation: WireGuardImplementation,
  ) {}

  /** The interface as `opts` says, adopting one of that name (an agent restart) or creating it; up. */
  static async ensure(opts: WireGuardOptions): Promise<WireGuardInterface> {
    const { name, log } = opts;
    if (!/\/\d+$/.test(opts.address)) throw new Error(`WireGuard interface ${name}: the address needs its prefix length ('${opts.address}/24'), not '${opts.address}'`);
    const privateKey = base64(clamp(rawKey(opts.privateKey)));
    const found = await existing(name);
    const link = new WireGuardInterface(name, found ?? (await create(name, log)));

    const current = await link.dump().catch((err: unknown) => {
      if (link.implementation === 'kernel' || NO_PERMISSION.test(detailOf(err))) throw err;
      throw new Error(`cannot use ${name} as the WireGuard interface: it is a tun device no wireguard-go serves (${detailOf(err)})`, { cause: err });
    });
    const settings: string[] = [];
    if (opts.listenPort && current.listenPort !== opts.listenPort) settings.push('listen-port', String(opts.listenPort));
    // WireGuard keeps the key clamped: compared so, an unchanged key is not set again.
    if (current.privateKey !== privateKey) await withKeyFile(privateKey, (file) => link.wg(['set', name, ...settings, 'private-key', file]));
    else if (settings.length) await link.wg(['set', name, ...settings]);
    if (found && settings.length) log(`WireGuard interface ${name}: listen port ${current.listenPort} changed to ${opts.listenPort}`);
    if (found && current.privateKey !== privateKey) log(`WireGuard interface ${name}: private key replaced`);
    await link.explained(() => setAddress(name, opts.address, log));
    await link.explained(() => run('ip', ['link', 'set', 'dev', name, 'mtu', String(opts.mtu ?? DEFAULT_MTU), 'up']));
    return link;
  }

  /** Deletes the interface, and with it its wireguard-go daemon. Nothing to do when there is none. */
  static async remove(name: string): Promise<void> {
    try {
      await run('ip', ['link', 'del', 'dev', name]);
    } catch (err) {
      if (!NO_DEVICE.test(detailOf(err))) throw new Error(`cannot remove the WireGuard interface ${name}: ${detailOf(err)}`, { cause: err });
    }
    // wireguard-go exits once its device is gone; one that does not is stopped.
    const daemons = daemonsOf(name);
    if (await exited(daemons, DAEMON_EXIT_MS)) return;
    signal(daemons, 'SIGTERM');
    if (await exited(daemons, DAEMON_EXIT_MS)) return;
    signal(daemons, 'SIGKILL');
    await exited(daemons, DAEMON_EXIT_MS);
    // Killed outright, it leaves its socket behind.
    rmSync(path.join(SOCKET_DIR, `${name}.sock`), { force: true });
  }

  async listenPort(): Promise<number> {
    return (await this.dump()).listenPort;
  }

  /** Makes the peers exactly these, changing only what differs (a kept peer keeps its session). */
  async setPeers(peers: PeerConfig[]): Promise<void> {
    const current = new Map((await this.dump()).peers.map((p) => [p.publicKey, p]));
    const wanted = new Set(peers.map((p) => p.publicKey));
    if (wanted.size !== peers.length) throw new Error(`WireGuard interface ${this.name}: a peer is listed twice`);
    const args = [...current.keys()].filter((key) => !wanted.has(key)).flatMap((key) => ['peer', key, 'remove']);
    for (const peer of peers) {
      const now = current.get(peer.publicKey);
      const allowedIps = peer.allowedIps.map(withPrefix);
      const keepalive = peer.keepaliveSeconds ?? 0;
      const changes = [
        ...(now && sameSet(now.allowedIps, allowedIps) ? [] : ['allowed-ips', allowedIps.join(',')]),
        ...(peer.endpoint && peer.endpoint !== now?.endpoint ? ['endpoint', peer.endpoint] : []),
        ...(keepalive !== (now?.keepaliveSeconds ?? 0) ? ['persistent-keepalive', keepalive ? String(keepalive) : 'off'] : []),
      ];
      if (changes.length) args.push('peer', peer.publicKey, ...changes);
    }
    if (args.length) await this.wg(['set', this.name, ...args]);
  }

  /** Where to send to a peer the interface has. */
  async setEndpoint(publicKey: string, endpoint: string): Promise<void> {
    if (!(await this.dump()).peers.some((p) => p.publicKey === publicKey)) throw new Error(`WireGuard interface ${this.name} has no peer ${publicKey}`);
    await this.wg(['set', this.name, 'peer', publicKey, 'endpoint', endpoint]);
  }

  async peers(): Promise<PeerStatus[]> {
    return (await this.dump()).peers;
  }

  private async dump(): Promise<Dump> {
    return parseDump(await this.wg(['show', this.name, 'dump']));
  }

  private wg(args: string[]): Promise<string> {
    return this.explained(() => run('wg', args));
  }

  /** Runs a tool on the interface; its failure says which interface and, when it is that, which privilege. */
  private async explained<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (err) {
      const detail = detailOf(err);
      const hint = NO_PERMISSION.test(detail) ? ' (the agent lacks CAP_NET_ADMIN: run it as root)' : '';
      throw new Error(`WireGuard interface ${this.name}: ${err instanceof ToolError ? err.message : detail}${hint}`, { cause: err });
    }
  }
}
