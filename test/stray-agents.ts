import { readdirSync, readFileSync, readlinkSync, rmSync, statSync } from 'node:fs';
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

/** The file in a test run's scratch folder that its runner touches while it lives (RUN_BEAT_MS). */
export const RUNNER_FILE = 'runner.beat';
export const RUN_BEAT_MS = 10_000;

/**
 * A run killed part-way never tears down: its nodes' applications go on holding their addresses,
 * which the next run's local nodes get again. Stops what runs under the scratch folders
 * (`<tmp>/<prefix>*`) of runs whose beat (or, before it beats, the folder) is older than `deadAfterMs`,
 * and removes those folders. A beat, not a pid: a run in another PID namespace (test/hosts/sandbox.sh)
 * has pids this one cannot see. Returns the folders swept.
 */
export function sweepDeadRuns(tmp: string, prefix: string, deadAfterMs = 6 * RUN_BEAT_MS): string[] {
  const swept: string[] = [];
  for (const name of listing(tmp).filter((n) => n.startsWith(prefix))) {
    const dir = path.join(tmp, name);
    const lastSign = (file: string) => {
      try {
        return statSync(file).mtimeMs;
      } catch {
        return null;
      }
    };
    const seen = lastSign(path.join(dir, RUNNER_FILE)) ?? lastSign(dir);
    if (seen === null || Date.now() - seen < deadAfterMs) continue;
    stopAgentsUnder(path.join(dir, 'nodes'));
    rmSync(dir, { recursive: true, force: true });
    swept.push(dir);
  }
  return swept;
}
