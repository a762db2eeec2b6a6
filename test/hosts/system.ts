// Running programs and finding processes for the namespace hosts: no shell strings, a small
// environment of the hosts' own, and the /proc scans that cleanup relies on.
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

/** Host processes get a small environment of their own, not the test worker's. */
export const HOST_ENV = Object.fromEntries([
  ['PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
  ['LANG', 'C.UTF-8'],
  ['HOME', os.userInfo().homedir],
]) as NodeJS.ProcessEnv;

const CAP_NET_ADMIN = 12;
const CAP_SYS_ADMIN = 21;

class CommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

/** Runs a program (no shell); rejects with its stderr unless it exits 0. */
export function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { maxBuffer: 16 * 1024 * 1024, env: HOST_ENV }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      reject(new CommandError(`${file} ${args.join(' ')}: ${stderr.trim() || error.message}`, stderr));
    });
  });
}

/** Like run, for removals: a thing that is already gone is fine. */
export async function runIgnoringMissing(file: string, args: string[]): Promise<void> {
  try {
    await run(file, args);
  } catch (error) {
    const stderr = error instanceof CommandError ? error.stderr : '';
    if (!/Cannot find device|No such device|No such file|does not exist/i.test(stderr)) throw error;
  }
}

/**
 * Why this process cannot make namespace hosts, or undefined when it can. Making them takes
 * CAP_NET_ADMIN and CAP_SYS_ADMIN over this process's own network and mount namespaces: root has
 * them, and so has an ordinary user inside a user namespace of their own (test/hosts/sandbox.sh).
 */
export async function missingPrivileges(): Promise<string | undefined> {
  const status = await readFile('/proc/self/status', 'utf8');
  const effective = BigInt(`0x${/^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1] ?? '0'}`);
  const has = (cap: number) => ((effective >> BigInt(cap)) & 1n) === 1n;
  if (has(CAP_NET_ADMIN) && has(CAP_SYS_ADMIN)) return undefined;
  return 'namespace hosts need root, or CAP_NET_ADMIN and CAP_SYS_ADMIN in a user namespace of your own: run the tests through test/hosts/sandbox.sh';
}

export function accepting(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}

interface ProcessInfo {
  cmdline: string;
  /** The inode of its network namespace ('net:[N]'), 0 when unreadable (gone, or not ours to see). */
  netns: number;
}

/** The inode of the process's network namespace, 0 when unreadable (gone, a zombie, or not ours to see). */
export async function netnsOf(pid: number | 'self'): Promise<number> {
  const link = await readlink(`/proc/${pid}/ns/net`).catch(() => '');
  return Number(/^net:\[(\d+)\]$/.exec(link)?.[1] ?? 0);
}

/** The inode of this process's own network namespace: never one to empty. */
export function ownNetns(): Promise<number> {
  return netnsOf('self');
}

/** Every other process this one may see, with its command line and network namespace. */
export async function listProcesses(): Promise<ProcessInfo[]> {
  const infos: ProcessInfo[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
    if (cmdline === undefined) continue;
    infos.push({ cmdline: cmdline.replaceAll('\0', ' '), netns: await netnsOf(pid) });
  }
  return infos;
}

/** Kills every process in these network namespaces, repeatedly: a dying sshd session may still spawn one. */
export async function killNetnsProcesses(namespaces: number[]): Promise<void> {
  const own = await ownNetns();
  const targets = new Set(namespaces.filter((ns) => ns !== 0 && ns !== own));
  if (targets.size === 0) return;
  for (let round = 0; round < 100; round++) {
    const pids: number[] = [];
    for (const entry of await readdir('/proc')) {
      const pid = Number(entry);
      if (Number.isInteger(pid) && pid !== process.pid && targets.has(await netnsOf(pid))) pids.push(pid);
    }
    if (pids.length === 0) return;
    for (const pid of pids) kill(pid, 'SIGKILL');
    await sleep(20);
  }
  throw new Error(`processes in network namespace(s) ${[...targets].join(', ')} would not die`);
}
