// A snapshot of the machine and of each application for the portal, which turns the counters into
// rates, keeps the history and serves Prometheus text. An application's CPU and memory include
// every process it started, since many applications are wrapper scripts; a container's are the
// engine's figures for it.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';
import type { NodeContainers } from './containers';
import type { NetworkTraffic } from './network-traffic';
import { listProcesses, processTree, residentBytes } from './process-tree';
import type { ApplicationMetrics, GpuMetrics, MetricsSnapshot } from './protocol';

const MIB = 1024 * 1024;

export interface MetricsSources {
  /** The process (group leader) of each running process-form application. */
  pids: Map<string, number>;
  containers: NodeContainers | null;
  /** The node's folder: its filesystem is the node's disk. */
  diskPath: string;
  traffic: NetworkTraffic;
  log: (message: string) => void;
}

function availableMemory(): number {
  try {
    const match = /^MemAvailable:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // Not Linux: free memory is the nearest figure.
  }
  return os.freemem();
}

/** Busy time of every processor since boot (Node reports cumulative milliseconds per processor). */
function cpuBusySeconds(): number {
  return os.cpus().reduce((sum, { times }) => sum + times.user + times.nice + times.sys + times.irq, 0) / 1000;
}

async function disk(path: string): Promise<Pick<MetricsSnapshot, 'diskTotalBytes' | 'diskAvailableBytes'>> {
  const fs = await statfs(path);
  return { diskTotalBytes: fs.blocks * fs.bsize, diskAvailableBytes: fs.bavail * fs.bsize };
}

const run = promisify(execFile);
const GPU_QUERY = ['--query-gpu=name,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'];
/** Set once nvidia-smi is found missing: a machine without NVIDIA's driver is not asked again. */
let noNvidiaSmi = false;

/** NVIDIA GPUs as nvidia-smi reports them (memory in MiB); none without the driver. */
async function gpus(): Promise<GpuMetrics[]> {
  if (noNvidiaSmi) return [];
  try {
    const { stdout } = await run('nvidia-smi', GPU_QUERY, { timeout: 5000 });
    return stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', utilization, used, total] = line.split(',').map((f) => f.trim());
        return { name, utilizationPercent: Number(utilization) || 0, memoryUsedBytes: Number(used) * MIB || 0, memoryTotalBytes: Number(total) * MIB || 0 };
      });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    noNvidiaSmi = true;
    return [];
  }
}

function processApplications(pids: Map<string, number>): ApplicationMetrics[] {
  const processes = pids.size > 0 ? listProcesses() : [];
  return [...pids].map(([name, pid]) => {
    const tree = processTree(pid, processes);
    return { name, cpuSeconds: tree.reduce((sum, p) => sum + p.cpuSeconds, 0), memoryBytes: tree.reduce((sum, p) => sum + (residentBytes(p.pid) ?? 0), 0) };
  });
}

/** A reading that fails is left out of the snapshot (and logged), never the whole snapshot. */
async function optional<T extends object>(what: string, read: () => Promise<T>, log: (message: string) => void): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    log(`metrics: cannot read ${what}: ${(err as Error).message}`);
    return undefined;
  }
}

export async function metricsSnapshot(sources: MetricsSources): Promise<MetricsSnapshot> {
  const { log } = sources;
  const [diskReading, networkReading, gpuReading, containerApplications] = await Promise.all([
    optional('the disk', () => disk(sources.diskPath), log),
    optional('the network', () => sources.traffic.read(), log),
    optional('the GPUs', gpus, log),
    sources.containers ? optional('the containers', () => sources.containers!.usage(), log) : undefined,
  ]);
  return {
    at: new Date().toISOString(),
    load1: os.loadavg()[0],
    cpus: os.cpus().length,
    memoryTotalBytes: os.totalmem(),
    memoryAvailableBytes: availableMemory(),
    cpuBusySeconds: cpuBusySeconds(),
    ...diskReading,
    ...networkReading,
    ...(gpuReading?.length ? { gpus: gpuReading } : {}),
    applications: [...processApplications(sources.pids), ...(containerApplications ?? [])],
  };
}
