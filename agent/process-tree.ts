// Reads the Linux process table from /proc. Both the agent (metrics, stopping an application's
// whole tree) and the local provider (finding every process of a node) rely on it.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux reports CPU times in clock ticks; USER_HZ is 100 on every mainstream architecture. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcessInfo {
  pid: number;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  /** One-letter state; 'Z' is a zombie, i.e. already dead. */
  state: string;
  /** CPU seconds used by the process and its reaped children. */
  cpuSeconds: number;
  /** When it started, in clock ticks since boot: with the pid, it names one process for good. */
  startTicks: number;
}

/** null when the process does not exist (or vanished while reading). */
export function readProcess(pid: number): ProcessInfo | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (2nd field) is in parentheses and may itself contain spaces or ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
  return {
    pid,
    state: fields[0],
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    cpuSeconds: ticks / CLOCK_TICKS_PER_SECOND,
    startTicks: Number(fields[19]),
  };
}

export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const info = readProcess(Number(entry));
    if (info) processes.push(info);
  }
  return processes;
}

/** A live (non-zombie) process with that pid exists. */
export function isAlive(pid: number): boolean {
  const info = readProcess(pid);
  return info !== null && info.state !== 'Z';
}

/** The pid itself plus every live descendant, given one snapshot of the process table. */
export function processTree(rootPid: number, processes: ProcessInfo[]): ProcessInfo[] {
  const children = new Map<number, ProcessInfo[]>();
  for (const p of processes) {
    const siblings = children.get(p.ppid) ?? [];
    siblings.push(p);
    children.set(p.ppid, siblings);
  }
  const root = processes.find((p) => p.pid === rootPid);
  if (!root) return [];
  const tree: ProcessInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const p = queue.shift()!;
    if (p.state !== 'Z') tree.push(p);
    queue.push(...(children.get(p.pid) ?? []));
  }
  return tree;
}

/** Resident memory in bytes, or null when the process is gone. */
export function residentBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    // Kernel threads and zombies have no VmRSS line.
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return null;
  }
}

/** argv of a process, or null when it is gone. */
export function readCommandLine(pid: number): string[] | null {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((arg) => arg.length > 0);
  } catch {
    return null;
  }
}
