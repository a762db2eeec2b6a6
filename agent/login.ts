// Members' SSH keys on the node. The agent keeps them in the authorized_keys of the account it runs
// as, inside a block marked with the node's name, so the agents of several nodes on one server
// account and the account's own lines live side by side. It reports the account and the host's key
// fingerprints, which people compare with what ssh shows them on their first login.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DesiredLogin, NodeLogin } from './protocol';

/** Host keys are read again this often (an admin may replace them), and the block put back if someone removed it. */
const REFRESH_MS = 10 * 60_000;
/** Sooner while they could not be read (sshd not started yet). */
const RETRY_MS = 30_000;
const KEYSCAN_TIMEOUT_SECONDS = 3;
/** A lock this old was left by an agent that died holding it: an update takes milliseconds. */
const STALE_LOCK_MS = 10_000;
const LOCK_POLL_MS = 50;

export type HostKey = NodeLogin['hostKeys'][number];

/**
 * Where sshd reads this account's keys: ~/.ssh/authorized_keys (the home sshd's sessions and
 * cloud-init give the agent), or the file OCS_AGENT_AUTHORIZED_KEYS names for a server whose
 * sshd_config sets another AuthorizedKeysFile.
 */
export function authorizedKeysFile(): string {
  return process.env.OCS_AGENT_AUTHORIZED_KEYS || path.join(os.homedir(), '.ssh', 'authorized_keys');
}

const marker = (nodeName: string, edge: 'begin' | 'end') => `# ocs-portal ${nodeName} ${edge}`;

/**
 * `text` (an authorized_keys file) with the node's block holding `keys`, where the block was, else
 * at the end; without a block when there are no keys. Every other line stays as it was.
 */
export function withNodeBlock(text: string, nodeName: string, keys: string[]): string {
  const begin = marker(nodeName, 'begin');
  const end = marker(nodeName, 'end');
  const lines = text ? text.replace(/\r?\n$/, '').split('\n') : [];
  const kept: string[] = [];
  let at = -1;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.trimEnd() !== begin) {
      kept.push(lines[i]!);
      continue;
    }
    if (at < 0) at = kept.length;
    const close = lines.findIndex((line, j) => j > i && line.trimEnd() === end);
    // Without its end only the marker goes: the lines after it may be anyone's.
    if (close >= 0) i = close;
  }
  kept.splice(at < 0 ? kept.length : at, 0, ...(keys.length ? [begin, ...keys, end] : []));
  return kept.length ? `${kept.join('\n')}\n` : '';
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Runs `fn` holding the file's lock: agents of several nodes on one account update the one file. */
async function locked<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.ocs-lock`;
  for (;;) {
    try {
      await (await open(lock, 'wx', 0o600)).close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const since = await stat(lock).then((s) => s.mtimeMs, () => Date.now());
      if (Date.now() - since > STALE_LOCK_MS) await rm(lock, { force: true });
      else await sleep(LOCK_POLL_MS);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lock, { force: true });
  }
}

/**
 * Puts the node's block with `keys` into `file` (no keys: takes it out), writing only when that
 * changes the file: a new file beside it, renamed over it, so sshd never reads half of one.
 */
export async function keepNodeKeys(file: string, nodeName: string, keys: string[]): Promise<void> {
  if (!keys.length && !(await readIfExists(file))?.includes(marker(nodeName, 'begin'))) return;
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  // A linked authorized_keys (configuration management) stays a link: its target is updated.
  const target = await realpath(file).catch(() => file);
  await locked(target, async () => {
    const before = (await readIfExists(target)) ?? '';
    const after = withNodeBlock(before, nodeName, keys);
    if (after === before) return;
    const temporary = `${target}.ocs-${process.pid}.tmp`;
    await writeFile(temporary, after, { mode: 0o600 });
    await rename(temporary, target);
  });
}

/** OpenSSH's SHA256 fingerprint of a key blob given in base64, as ssh-keygen -l prints it. */
export function keyFingerprint(base64: string): string {
  return `SHA256:${createHash('sha256').update(Buffer.from(base64, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

/** ssh-keyscan's output (`<host> <type> <base64>` lines, comments after #) as host keys. */
export function parseKeyscan(output: string): HostKey[] {
  const keys = new Map<string, HostKey>();
  for (const line of output.split('\n')) {
    const [host, type, blob] = line.trim().split(/\s+/);
    if (!host || host.startsWith('#') || !type || !blob) continue;
    keys.set(`${type} ${blob}`, { type, fingerprint: keyFingerprint(blob) });
  }
  return [...keys.values()].sort((a, b) => a.type.localeCompare(b.type));
}

/** The keys sshd presents on the node's address (port 22), or why they cannot be read. */
export function scanHostKeys(ip: string): Promise<HostKey[]> {
  return new Promise((resolve, reject) => {
    execFile('ssh-keyscan', ['-T', String(KEYSCAN_TIMEOUT_SECONDS), ip], { timeout: 4 * KEYSCAN_TIMEOUT_SECONDS * 1000 }, (error, stdout) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') return reject(new Error('ssh-keyscan (OpenSSH client) is not installed on this machine, so its host keys cannot be read'));
      const keys = parseKeyscan(stdout);
      if (keys.length) resolve(keys);
      else reject(new Error(`no SSH server answered on ${ip}:22`));
    });
  });
}

function accountName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return String(process.getuid?.() ?? 'unknown');
  }
}

export interface LoginKeeperOptions {
  nodeName: string;
  nodeIp: string;
  log: (message: string) => void;
  /** The report changed on its own (host keys read after apply). */
  onChange: () => void;
  /** Default: authorizedKeysFile(). */
  file?: string;
  /** Default: scanHostKeys. */
  scan?: (ip: string) => Promise<HostKey[]>;
}

/** The node's login: applies the desired keys, reads the host keys now and then, and says what it did. */
export class LoginKeeper {
  private readonly file: string;
  private readonly user = accountName();
  private login: DesiredLogin | undefined;
  private installed = 0;
  private installProblem: string | undefined;
  private hostKeys: HostKey[] = [];
  private scanProblem: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing = false;
  private stopped = false;
  /** One change of the file at a time, in the order asked: a refresh never writes keys older than an apply's. */
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly o: LoginKeeperOptions) {
    this.file = o.file ?? authorizedKeysFile();
  }

  /** Installs the keys (none, and no login: removes the block) and reads the host keys when they were never read. */
  apply(login: DesiredLogin | undefined): Promise<void> {
    this.login = login;
    if (!login) {
      clearTimeout(this.timer);
      this.timer = undefined;
    } else if (!this.timer && !this.refreshing) {
      this.timer = setTimeout(() => void this.refresh(), 0).unref();
    }
    return this.serially(() => this.install());
  }

  report(): NodeLogin | undefined {
    if (!this.login) return undefined;
    const problem = [this.installProblem, this.scanProblem].filter(Boolean).join('; ');
    return { user: this.user, hostKeys: this.hostKeys, keysInstalled: this.installed, ...(problem ? { problem: problem.slice(0, 1000) } : {}) };
  }

  /** The keys stay: the agent stops, not the node (power off and removal take them out: node-lifecycle.ts). */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private serially(fn: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(fn);
    return this.queue;
  }

  /** The keys of the login as it is when this runs. */
  private async install(): Promise<void> {
    if (this.stopped) return;
    const keys = this.login?.keys ?? [];
    try {
      await keepNodeKeys(this.file, this.o.nodeName, keys);
      this.installed = keys.length;
      this.installProblem = undefined;
    } catch (err) {
      this.installed = 0;
      this.installProblem = `cannot update ${this.file}: ${(err as Error).message}`;
      this.o.log(`login: ${this.installProblem}`);
    }
  }

  private async refresh(): Promise<void> {
    this.timer = undefined;
    this.refreshing = true;
    try {
      try {
        this.hostKeys = await (this.o.scan ?? scanHostKeys)(this.o.nodeIp);
        this.scanProblem = undefined;
      } catch (err) {
        this.hostKeys = [];
        this.scanProblem = (err as Error).message;
      }
      await this.serially(() => this.install());
    } finally {
      this.refreshing = false;
    }
    // The login went away meanwhile: nothing more to read or say.
    if (!this.login || this.stopped) return;
    this.timer = setTimeout(() => void this.refresh(), this.scanProblem ? RETRY_MS : REFRESH_MS).unref();
    this.o.onChange();
  }
}
