// The processes a node's applications run as, recorded in <stateDir>/apps/<name>.pid as
// "<pid> <start time>": the pair names one process for good, so a reused pid is never signalled.
// The agent adopts them after its own restart; power off and delete stop them even when the
// agent is not running (the local provider calls stopNodeApplications, `ocs-agent stop` too).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listProcesses, readCommandLine, readProcess } from './process-tree';

const STOP_GRACE_MS = 3000;
const KILL_WAIT_MS = 2000;
const POLL_MS = 50;

export interface RecordedPid {
  pid: number;
  startTicks: number;
}

const pidFile = (stateDir: string, name: string) => path.join(stateDir, 'apps', `${name}.pid`);

function parse(raw: string): RecordedPid | null {
  const [pid, startTicks] = raw.trim().split(' ').map(Number);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(startTicks) ? { pid, startTicks } : null;
}

/** The same process still runs (not a newer one that got its pid). */
export function stillRuns(rec: RecordedPid): boolean {
  const info = readProcess(rec.pid);
  return info !== null && info.state !== 'Z' && info.startTicks === rec.startTicks;
}

export function writeApplicationPid(stateDir: string, name: string, pid: number): RecordedPid | null {
  const info = readProcess(pid);
  if (!info) return null;
  const rec = { pid, startTicks: info.startTicks };
  writeFileSync(pidFile(stateDir, name), `${rec.pid} ${rec.startTicks}\n`, { mode: 0o600 });
  return rec;
}

export async function readApplicationPid(stateDir: string, name: string): Promise<RecordedPid | null> {
  let raw: string;
  try {
    raw = readFileSync(pidFile(stateDir, name), 'utf8');
  } catch {
    return null;
  }
  const rec = parse(raw);
  return rec && stillRuns(rec) ? rec : null;
}

export function forgetApplicationPid(stateDir: string, name: string): void {
  rmSync(pidFile(stateDir, name), { force: true });
}

/** Live processes of a process group. */
export function groupMembers(pgid: number): number[] {
  return listProcesses()
    .filter((p) => p.pgrp === pgid && p.state !== 'Z')
    .map((p) => p.pid);
}

function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

async function groupGone(pgid: number, timeoutMs: number): Promise<boolean> {
  for (const deadline = Date.now() + timeoutMs; groupMembers(pgid).length > 0; ) {
    if (Date.now() >= deadline) return false;
    await sleep(POLL_MS);
  }
  return true;
}

/** SIGTERM to a process group, SIGKILL after `graceMs`; true once the group is empty. */
export async function terminateGroup(pgid: number, graceMs = STOP_GRACE_MS): Promise<boolean> {
  if (!groupMembers(pgid).length) return true;
  signalGroup(pgid, 'SIGTERM');
  if (await groupGone(pgid, graceMs)) return true;
  signalGroup(pgid, 'SIGKILL');
  return groupGone(pgid, KILL_WAIT_MS);
}

/**
 * SIGTERM to the application's process group (it leads one: it was started detached), SIGKILL
 * after a grace period. Resolves once the group is empty.
 */
export async function stopProcessGroup(rec: RecordedPid): Promise<void> {
  // The leader may be gone while what it started lives on in its group; a reused pid leads no group of ours.
  const leader = readProcess(rec.pid);
  if (leader && leader.state !== 'Z' && leader.startTicks !== rec.startTicks) return;
  if (!(await terminateGroup(rec.pid))) throw new Error(`processes ${groupMembers(rec.pid).join(', ')} are still alive after SIGKILL`);
}

/** Stops every recorded application process of the node, with or without its agent. */
export async function stopNodeApplications(stateDir: string): Promise<void> {
  let files: string[];
  try {
    files = readdirSync(path.join(stateDir, 'apps')).filter((f) => f.endsWith('.pid'));
  } catch {
    return;
  }
  await Promise.all(
    files.map(async (file) => {
      const rec = parse(readFileSync(path.join(stateDir, 'apps', file), 'utf8'));
      if (rec) await stopProcessGroup(rec);
      rmSync(path.join(stateDir, 'apps', file), { force: true });
    }),
  );
}

/** Stops the agent serving this folder (its pid in agent.pid, checked against its command line). */
export async function stopAgent(stateDir: string): Promise<void> {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(stateDir, 'agent.pid'), 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return;
  const argv = readCommandLine(pid) ?? [];
  const info = readProcess(pid);
  if (!info || info.state === 'Z' || argv[argv.indexOf('--state-dir') + 1] !== stateDir) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  for (const deadline = Date.now() + STOP_GRACE_MS; stillRuns({ pid, startTicks: info.startTicks }); ) {
    if (Date.now() >= deadline) {
      process.kill(pid, 'SIGKILL');
      break;
    }
    await sleep(POLL_MS);
  }
}
