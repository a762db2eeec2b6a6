// For the namespace hosts' own tests: what is still running on this machine, seen through /proc.
import { readFileSync } from 'node:fs';
import { readdir, readFile, readlink } from 'node:fs/promises';

/** A zombie has exited (it only waits to be reaped); a pid that is gone counts as one. */
export function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

/** Live processes, but this one, whose /proc/<pid>/<file> passes the test (unreadable files never do). */
async function livePidsWhere(file: string, test: (content: string) => boolean): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!/^\d+$/.test(entry) || pid === process.pid) continue;
    const content = await (file === 'ns/net' ? readlink(`/proc/${pid}/ns/net`) : readFile(`/proc/${pid}/${file}`, 'utf8')).catch(() => undefined);
    if (content !== undefined && test(content) && !isZombie(pid)) pids.push(pid);
  }
  return pids;
}

/** Live processes in a network namespace ('net:[N]'). */
export function pidsIn(netns: string): Promise<number[]> {
  return livePidsWhere('ns/net', (link) => link === netns);
}

/** Live processes whose command line names a path under the folder (a host's sshd, its namespace holder, its podman). */
export function processesNaming(dir: string): Promise<number[]> {
  return livePidsWhere('cmdline', (cmdline) => cmdline.replaceAll('\0', ' ').includes(`${dir}/`));
}

/** Live processes with `NAME=value` in their environment (a container's, whose command line names nothing of its host's). */
export function processesWithEnv(variable: string): Promise<number[]> {
  return livePidsWhere('environ', (environ) => environ.split('\0').includes(variable));
}
