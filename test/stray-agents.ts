import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { readProcess } from '@/agent/process-tree';

function listing(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function workingDir(pid: string): string | null {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return null;
  }
}

/** An application process: the agent gives each the node's name (servers such as PostgreSQL may also work under `dir`). */
function startedByAgent(pid: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').some((v) => v.startsWith('NODE_NAME='));
  } catch {
    return false;
  }
}

function kill(pgid: number): boolean {
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    return false; // already gone
  }
}

/**
 * Node agents and their applications outlive the portal by design (as VMs outlive their control
 * plane). A test that failed before tearing its unit groups down leaves them running; this ends
 * every agent whose state folder lies under `dir`, every application process group recorded in
 * those folders (apps/<name>.pid: "<pid> <start time>"), and every application process working in
 * one of them (whose folder was deleted under them). Returns how many agents it stopped.
 */
export function stopAgentsUnder(dir: string): number {
  const root = path.resolve(dir);
  let stopped = 0;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // ended while we looked
    }
    const at = argv.indexOf('--state-dir');
    if (at >= 0 && argv[at + 1]?.startsWith(root + path.sep)) {
      if (kill(Number(pid))) stopped++;
    } else if (workingDir(pid)?.startsWith(root + path.sep) && startedByAgent(pid)) kill(readProcess(Number(pid))?.pgrp ?? Number(pid));
  }
  for (const node of listing(root)) {
    for (const file of listing(path.join(root, node, 'apps')).filter((f) => f.endsWith('.pid'))) {
      const [pid, startTicks] = readFileSync(path.join(root, node, 'apps', file), 'utf8').trim().split(' ').map(Number);
      if (readProcess(pid)?.startTicks === startTicks) kill(pid);
    }
  }
  return stopped;
}
