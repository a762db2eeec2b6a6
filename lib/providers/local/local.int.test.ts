// Integration test of the local provider: real agent processes on real loopback addresses.
// Uses its own state folder and subnet (127.79.0.0/16) so it never meets the dev portal's nodes.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAlive, listProcesses, readCommandLine } from '../../../agent/process-tree';
import type { AgentHealth, ApplicationStatus } from '../../../agent/protocol';
import type { NodeResource, Provider } from '../types';
import { createLocalProvider } from './local-provider';

const APP_PORT = 18080;
const run = randomBytes(3).toString('hex');
const tags = { 'ocs.install': `local-int-${run}` };
const names = [`int-${run}-a`, `int-${run}-b`];

// A tiny application: answers who it is, on the address and port the agent gives it.
const APP_SCRIPT = `
import http from 'node:http';
const [host, port] = process.argv.slice(2);
http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ node: process.env.NODE_NAME, ip: process.env.NODE_IP, port: process.env.PORT, pid: process.pid }));
}).listen(Number(port), host, () => console.log('listening on ' + host + ':' + port));
process.on('SIGTERM', () => process.exit(0));
`;

let stateRoot: string;
let appScript: string;
let provider: Provider;
const nodes = new Map<string, NodeResource>();
/** Every pid seen, so afterAll can make sure none survives a failed test. */
const seenPids = new Set<number>();

interface Reply {
  status: number;
  body: string;
}

/** One HTTP exchange on a fresh connection (no keep-alive pool between restarts). */
function request(url: string, method = 'GET', body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(url, { method, agent: false, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

async function getJson<T>(url: string): Promise<T> {
  const reply = await request(url);
  expect(reply.status, `${url}: ${reply.body}`).toBe(200);
  return JSON.parse(reply.body) as T;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

function connectError(host: string, port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** 'ESRCH' once the process is gone. A killed agent is this test process's child, so until Node
 * reaps it, it lingers as a zombie (state Z): dead, and counted as gone. */
function signalZeroCode(pid: number): string | null {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z') ? 'ESRCH' : null;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unknown';
  }
}

function stateDir(name: string): string {
  return path.join(stateRoot, name);
}

async function agentPid(name: string): Promise<number> {
  const pid = Number((await readFile(path.join(stateDir(name), 'agent.pid'), 'utf8')).trim());
  seenPids.add(pid);
  return pid;
}

/** Live agent processes serving this node's folder. */
function agentProcesses(name: string): number[] {
  return listProcesses()
    .filter((p) => p.state !== 'Z')
    .filter((p) => {
      const argv = readCommandLine(p.pid) ?? [];
      return argv.includes('--state-dir') && argv[argv.indexOf('--state-dir') + 1] === stateDir(name);
    })
    .map((p) => p.pid);
}

async function putApp(node: NodeResource): Promise<ApplicationStatus> {
  const reply = await request(`${node.agentUrl}/applications/web`, 'PUT', {
    command: [process.execPath, appScript, '{{nodeIp}}', '{{port}}'],
    port: APP_PORT,
    healthPath: '/health',
  });
  expect(reply.status, reply.body).toBe(200);
  return JSON.parse(reply.body) as ApplicationStatus;
}

async function runningApp(node: NodeResource): Promise<ApplicationStatus> {
  const app = await waitFor(`web on ${node.name} to be running`, async () => {
    const apps = await getJson<ApplicationStatus[]>(`${node.agentUrl}/applications`);
    const web = apps.find((a) => a.name === 'web');
    return web?.state === 'running' && web.healthy ? web : undefined;
  });
  seenPids.add(app.pid!);
  return app;
}

describe('local provider', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    stateRoot = await mkdtemp(path.join(os.tmpdir(), 'ocs-local-int-'));
    // Deliberately inside the state root: the provider must ignore files that are not node folders.
    appScript = path.join(stateRoot, 'tiny-app.mjs');
    await writeFile(appScript, APP_SCRIPT);
    provider = createLocalProvider({ stateRoot, subnet: '127.79.0.0/16' });
  });

  afterAll(async () => {
    for (const name of names) await provider.deleteNode(name).catch(() => undefined);
    // Whatever a failed test may have left behind.
    for (const pid of seenPids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await rm(stateRoot, { recursive: true, force: true });
  }, 60_000);

  it('creates two nodes, each answering on its own address', async () => {
    const created = await Promise.all(
      names.map((name, i) =>
        provider.createNode({
          name,
          spec: { provider: 'local', flavor: 'small', numNodes: 1, image: 'base', tags },
          tags: { ...tags, role: i === 0 ? 'first' : 'second' },
        }),
      ),
    );
    for (const node of created) nodes.set(node.name, node);
    const [a, b] = created;
    expect(a.ipAddress).not.toBe(b.ipAddress);
    for (const node of created) {
      expect(node.state).toBe('running');
      expect(node.resourceId).toBe(node.name);
      expect(node.ipAddress).toMatch(/^127\.79\.\d+\.\d+$/);
      expect(node.agentUrl).toBe(`http://${node.ipAddress}:9100`);
      const health = await getJson<AgentHealth>(`${node.agentUrl}/health`);
      expect(health).toMatchObject({ status: 'ok', nodeName: node.name, ip: node.ipAddress });
      await agentPid(node.name);
      expect(await provider.describeNode(node.name)).toMatchObject({ state: 'running', ipAddress: node.ipAddress });
    }
  });

  it('returns the same node when created twice, without a second agent', async () => {
    const a = nodes.get(names[0])!;
    const pidBefore = await agentPid(a.name);
    const again = await provider.createNode({
      name: a.name,
      spec: { provider: 'local', flavor: 'small', numNodes: 1, image: 'base', tags },
      tags,
    });
    expect(again).toMatchObject({ resourceId: a.resourceId, ipAddress: a.ipAddress, state: 'running' });
    expect(await agentPid(a.name)).toBe(pidBefore);
    expect(agentProcesses(a.name)).toEqual([pidBefore]);
  });

  it('runs an application on each node, reachable at the node address', async () => {
    for (const node of nodes.values()) {
      const first = await putApp(node);
      expect(first.port).toBe(APP_PORT);
      const app = await runningApp(node);
      // Same port on both nodes: only possible because each node has its own address.
      const answer = await getJson<{ node: string; ip: string; port: string; pid: number }>(`http://${node.ipAddress}:${APP_PORT}/`);
      expect(answer).toEqual({ node: node.name, ip: node.ipAddress, port: String(APP_PORT), pid: app.pid });

      // Same definition again: no restart.
      const again = await putApp(node);
      expect(again.pid).toBe(app.pid);
      expect(again.restarts).toBe(0);

      const log = await request(`${node.agentUrl}/applications/web/logs?tail=20`);
      expect(log.body).toContain(`listening on ${node.ipAddress}:${APP_PORT}`);
    }
  });

  it('restarts an application that dies', async () => {
    const node = nodes.get(names[1])!;
    const before = await runningApp(node);
    process.kill(before.pid!, 'SIGKILL');
    const after = await waitFor('web to be restarted', async () => {
      const app = await runningApp(node);
      return app.pid !== before.pid ? app : undefined;
    });
    expect(after.restarts).toBe(1);
    expect((await request(`http://${node.ipAddress}:${APP_PORT}/`)).status).toBe(200);
  });

  it('exposes node and application metrics', async () => {
    const node = nodes.get(names[0])!;
    const reply = await request(`${node.agentUrl}/metrics`);
    expect(reply.status).toBe(200);
    const labels = `{node="${node.name}",application="web"}`;
    expect(reply.body).toMatch(new RegExp(`^ocs_node_uptime_seconds\\{node="${node.name}"\\} \\d`, 'm'));
    expect(reply.body).toMatch(new RegExp(`^ocs_agent_cpu_seconds_total\\{node="${node.name}"\\} \\d`, 'm'));
    expect(reply.body).toMatch(new RegExp(`^ocs_agent_memory_bytes\\{node="${node.name}"\\} [1-9]`, 'm'));
    expect(reply.body).toContain(`ocs_application_up${labels} 1`);
    expect(reply.body).toMatch(new RegExp(`^ocs_application_cpu_seconds_total${regexEscape(labels)} \\d`, 'm'));
    expect(reply.body).toMatch(new RegExp(`^ocs_application_memory_bytes${regexEscape(labels)} [1-9]`, 'm'));
  });

  it('powers a node off and on again, keeping its applications', async () => {
    const node = nodes.get(names[0])!;
    const agent = await agentPid(node.name);
    const app = await runningApp(node);

    await provider.powerOff(node.resourceId);
    expect(signalZeroCode(agent)).toBe('ESRCH');
    expect(signalZeroCode(app.pid!)).toBe('ESRCH');
    expect(await connectError(node.ipAddress, 9100)).toBe('ECONNREFUSED');
    expect(await connectError(node.ipAddress, APP_PORT)).toBe('ECONNREFUSED');
    expect(existsSync(path.join(stateDir(node.name), 'node.json'))).toBe(true);
    expect(await provider.describeNode(node.resourceId)).toMatchObject({ state: 'stopped', ipAddress: node.ipAddress });
    await provider.powerOff(node.resourceId); // idempotent

    const on = await provider.powerOn(node.resourceId);
    expect(on).toMatchObject({ state: 'running', ipAddress: node.ipAddress });
    expect(await agentPid(node.name)).not.toBe(agent);
    const restored = await runningApp(node);
    expect(restored.pid).not.toBe(app.pid);
    const answer = await getJson<{ node: string; ip: string }>(`http://${node.ipAddress}:${APP_PORT}/`);
    expect(answer).toMatchObject({ node: node.name, ip: node.ipAddress });
  });

  it('lists exactly the nodes carrying the given tags', async () => {
    const all = await provider.listResources(tags);
    expect(all.map((n) => n.name).sort()).toEqual([...names].sort());
    expect(all.every((n) => n.state === 'running')).toBe(true);
    const first = await provider.listResources({ ...tags, role: 'first' });
    expect(first.map((n) => n.name)).toEqual([names[0]]);
    expect(await provider.listResources({ 'ocs.install': 'nobody' })).toEqual([]);
  });

  it('deletes nodes without leaving a process, a listener or a folder', async () => {
    for (const node of nodes.values()) {
      const agent = await agentPid(node.name);
      const app = await runningApp(node);
      await provider.deleteNode(node.resourceId);
      expect(signalZeroCode(agent)).toBe('ESRCH');
      expect(signalZeroCode(app.pid!)).toBe('ESRCH');
      expect(agentProcesses(node.name)).toEqual([]);
      expect(await connectError(node.ipAddress, 9100)).toBe('ECONNREFUSED');
      expect(await connectError(node.ipAddress, APP_PORT)).toBe('ECONNREFUSED');
      expect(existsSync(stateDir(node.name))).toBe(false);
      expect(existsSync(path.join(stateRoot, '.ips', node.ipAddress))).toBe(false);
      expect(await provider.describeNode(node.resourceId)).toBeNull();
      await provider.deleteNode(node.resourceId); // idempotent
    }
    expect(await provider.listResources(tags)).toEqual([]);
  });
});

function regexEscape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
