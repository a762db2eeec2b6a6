// Prometheus text exposition of the node and its applications. An application's CPU and memory
// include every process it started, since many applications are wrapper scripts.
import { listProcesses, processTree, residentBytes } from './process-tree';
import type { ApplicationStatus } from './protocol';

interface Sample {
  labels: Record<string, string>;
  value: number;
}

interface Family {
  name: string;
  help: string;
  type: 'gauge' | 'counter';
  samples: Sample[];
}

export interface MetricsInput {
  nodeName: string;
  startedAt: Date;
  applications: ApplicationStatus[];
  /** pid of each running application. */
  pids: Map<string, number>;
}

export function renderMetrics(input: MetricsInput): string {
  const node = input.nodeName;
  const cpu = process.cpuUsage();
  const families: Family[] = [
    {
      name: 'ocs_node_uptime_seconds',
      help: 'Seconds since the node (its agent) started.',
      type: 'gauge',
      samples: [{ labels: { node }, value: (Date.now() - input.startedAt.getTime()) / 1000 }],
    },
    {
      name: 'ocs_agent_cpu_seconds_total',
      help: 'CPU seconds used by the node agent.',
      type: 'counter',
      samples: [{ labels: { node }, value: (cpu.user + cpu.system) / 1e6 }],
    },
    {
      name: 'ocs_agent_memory_bytes',
      help: 'Resident memory of the node agent.',
      type: 'gauge',
      samples: [{ labels: { node }, value: process.memoryUsage().rss }],
    },
    ...applicationFamilies(node, input),
  ];
  return families.map(renderFamily).join('');
}

function applicationFamilies(node: string, input: MetricsInput): Family[] {
  const up: Sample[] = [];
  const healthy: Sample[] = [];
  const restarts: Sample[] = [];
  const cpu: Sample[] = [];
  const memory: Sample[] = [];
  const processes = input.pids.size > 0 ? listProcesses() : [];

  for (const app of input.applications) {
    const labels = { node, application: app.name };
    up.push({ labels, value: app.state === 'running' ? 1 : 0 });
    restarts.push({ labels, value: app.restarts });
    if (app.healthy !== undefined) healthy.push({ labels, value: app.healthy ? 1 : 0 });
    const pid = input.pids.get(app.name);
    if (pid === undefined) continue;
    const tree = processTree(pid, processes);
    if (tree.length === 0) continue;
    cpu.push({ labels, value: tree.reduce((sum, p) => sum + p.cpuSeconds, 0) });
    memory.push({ labels, value: tree.reduce((sum, p) => sum + (residentBytes(p.pid) ?? 0), 0) });
  }

  return [
    { name: 'ocs_application_up', help: '1 while the application runs (with a health path: once it has first answered).', type: 'gauge', samples: up },
    { name: 'ocs_application_healthy', help: 'Result of the last health probe.', type: 'gauge', samples: healthy },
    { name: 'ocs_application_restarts_total', help: 'Restarts after unexpected exits.', type: 'counter', samples: restarts },
    { name: 'ocs_application_cpu_seconds_total', help: 'CPU seconds used by the application and its child processes.', type: 'counter', samples: cpu },
    { name: 'ocs_application_memory_bytes', help: 'Resident memory of the application and its child processes.', type: 'gauge', samples: memory },
  ];
}

function renderFamily(family: Family): string {
  if (family.samples.length === 0) return '';
  const lines = [`# HELP ${family.name} ${family.help}`, `# TYPE ${family.name} ${family.type}`];
  for (const sample of family.samples) {
    const labels = Object.entries(sample.labels)
      .map(([key, value]) => `${key}="${escapeLabel(value)}"`)
      .join(',');
    lines.push(`${family.name}{${labels}} ${sample.value}`);
  }
  return `${lines.join('\n')}\n`;
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n');
}
