import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Node agents outlive the portal by design (as VMs outlive their control plane). A test that
 * failed before tearing its unit groups down leaves them running; this ends every agent (with its
 * applications: each agent leads its own process group) whose state folder lies under `dir`.
 * Returns how many agents it stopped.
 */
export function stopAgentsUnder(dir: string): number {
  const prefix = path.resolve(dir) + path.sep;
  let stopped = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended while we looked
    }
    const at = argv.indexOf('--state-dir');
    if (at < 0 || !argv[at + 1]?.startsWith(prefix)) continue;
    try {
      process.kill(-Number(pid), 'SIGKILL');
      stopped++;
    } catch {
      /* already gone */
    }
  }
  return stopped;
}
