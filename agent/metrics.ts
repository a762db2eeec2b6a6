// A snapshot of the machine and of each application for the portal (which keeps the history and
// serves Prometheus text). An application's CPU and memory include every process it started,
// since many applications are wrapper scripts.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { listProcesses, processTree, residentBytes } from './process-tree';
import type { MetricsSnapshot } from './protocol';

function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: free memory is the nearest figure.
  }
  return os.freemem();
}

/** `pids`: the process (group leader) of each running process-form application. */
export function metricsSnapshot(pids: Map<string, number>): MetricsSnapshot {
  const processes = pids.size > 0 ? listProcesses() : [];
  const applications = [...pids].map(([name, pid]) => {
    const tree = processTree(pid, processes);
    return {
      name,
      cpuSeconds: tree.reduce((sum, p) => sum + p.cpuSeconds, 0),
      memoryBytes: tree.reduce((sum, p) => sum + (residentBytes(p.pid) ?? 0), 0),
    };
  });
  return {
    at: new Date().toISOString(),
    load1: os.loadavg()[0],
    cpus: os.cpus().length,
    memoryTotalBytes: os.totalmem(),
    memoryAvailableBytes: availableMemory(),
    applications,
  };
}
