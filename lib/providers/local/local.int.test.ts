// Integration test of the local provider: real agent processes with their own loopback addresses,
// dialling home to the portal's real agent endpoints (test/agent-portal.ts). Its own state folder
// and subnet (127.79.0.0/16) keep it away from the dev portal's nodes.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcesses, readCommandLine, readProcess } from '../../../agent/process-tree';
import type { ApplicationReport } from '../../../agent/protocol';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { putDesiredApplication } from '@/lib/agent-channel/desired-state';
import { closeDb, db } from '@/lib/db/client';
import { applications, nodes as nodeTable, type Node } from '@/lib/db/schema';
import { nodeRecords, until } from '@/test/fixtures';
import { stopAgentsUnder } from '@/test/stray-agents';
import type { NodeResource, Provider } from '../types';
import { createLocalProvider } from './local-provider';

const APP_PORT = 18080;

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
let records: Node[];
const resources = new Map<string, NodeResource>();

const stateDir = (name: string) => path.join(stateRoot, name);
const agentPid = async (name: string) => Number((await readFile(path.join(stateDir(name), 'agent.pid'), 'utf8')).trim());
const tags = (record: Node) => ({ 'ocs.install': `local-int-${records[0]!.unitGroupId}`, 'ocs.nodeId': record.id });

async function create(record: Node): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'local', flavor: 'small', numNodes: 1, image: 'base', tags: {} },
    tags: tags(record),
    agent: { portalUrl: process.env.OCS_AGENT_PORTAL_URL!, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId: 'not-used-by-local', unitGroupId: record.unitGroupId, nodeId: record.id },
  });
}

async function giveApp(record: Node): Promise<void> {
  await putDesiredApplication(db(), record.id, {
    spec: { name: 'web', kind: 'process', process: { command: [process.execPath, appScript, '{{nodeIp}}', '{{port}}'], port: APP_PORT, healthPath: '/health', restart: 'on-failure' } },
    image: 'tiny',
    port: APP_PORT,
    url: null,
  });
}

async function report(record: Node): Promise<ApplicationReport | undefined> {
  const [row] = await db().select({ report: applications.report }).from(applications).where(and(eq(applications.nodeId, record.id), eq(applications.name, 'web')));
  return row?.report ?? undefined;
}

const healthyWeb = (record: Node) => until(`web on ${record.name} to be up`, async () => {
  const r = await report(record);
  return r?.state === 'running' && r.healthy ? r : undefined;
}, 20_000, 100);

/** The recorded process of the node's application ("<pid> <start time>"). */
const appPid = (record: Node) => Number(readFileSync(path.join(stateDir(record.name), 'apps', 'web.pid'), 'utf8').split(' ')[0]);

async function answer(record: Node): Promise<{ node: string; ip: string; port: string; pid: number }> {
  return (await fetch(`http://${resources.get(record.id)!.ipAddress}:${APP_PORT}/`, { signal: AbortSignal.timeout(3000) })).json() as Promise<{ node: string; ip: string; port: string; pid: number }>;
}

const gone = (pid: number) => !readProcess(pid) || readProcess(pid)!.state === 'Z';

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

describe('local provider', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    stateRoot = await mkdtemp(path.join(os.tmpdir(), 'ocs-local-int-'));
    // Deliberately inside the state root: the provider must ignore files that are not node folders.
    appScript = path.join(stateRoot, 'tiny-app.mjs');
    await writeFile(appScript, APP_SCRIPT);
    provider = createLocalProvider({ stateRoot, subnet: '127.79.0.0/16' });
    records = await nodeRecords(2);
  });

  afterAll(async () => {
    for (const record of records) await provider.deleteNode(record.name).catch(() => undefined);
    stopAgentsUnder(stateRoot);
    await rm(stateRoot, { recursive: true, force: true });
    await closeDb();
  }, 60_000);

  it('creates two nodes, each with its own address, whose agents dial home', async () => {
    for (const record of records) resources.set(record.id, await create(record));
    const [a, b] = records.map((r) => resources.get(r.id)!);
    expect(a!.ipAddress).not.toBe(b!.ipAddress);
    for (const record of records) {
      const node = resources.get(record.id)!;
      expect(node).toMatchObject({ state: 'running', resourceId: record.name, name: record.name });
      expect(node.ipAddress).toMatch(/^127\.79\.\d+\.\d+$/);
      await until('the agent to register', async () => (await db().query.nodes.findFirst({ where: eq(nodeTable.id, record.id) }))?.credentialHash, 20_000, 100);
      // The token is spent and gone from the node; the credential stays, the node user's alone. The
      // agent removes the token just after it writes the credential: both are awaited.
      await until('the agent to keep its credential and drop its token', async () => existsSync(path.join(stateDir(record.name), 'credential.json')) && !existsSync(path.join(stateDir(record.name), 'bootstrap-token')), 5000, 50);
      expect(statSync(path.join(stateDir(record.name), 'credential.json')).mode & 0o077).toBe(0);
    }
  });

  it('returns the same node when created twice, without a second agent', async () => {
    const record = records[0]!;
    const before = await agentPid(record.name);
    const again = await create(record);
    expect(again).toMatchObject({ resourceId: record.name, ipAddress: resources.get(record.id)!.ipAddress, state: 'running' });
    expect(await agentPid(record.name)).toBe(before);
  });

  it('finds its running agent when the pid file is lost (a worker killed between starting and recording it)', async () => {
    const record = records[0]!;
    const before = await agentPid(record.name);
    await rm(path.join(stateDir(record.name), 'agent.pid'));
    expect(await provider.describeNode(record.name)).toMatchObject({ state: 'running' });
    await rm(path.join(stateDir(record.name), 'agent.pid'));
    expect(await create(record)).toMatchObject({ state: 'running' });
    expect(await agentPid(record.name)).toBe(before);
    const agents = listProcesses().filter((p) => p.state !== 'Z' && readCommandLine(p.pid)?.includes(stateDir(record.name)));
    expect(agents.map((p) => p.pid)).toEqual([before]);
  });

  it('runs the application the desired state names, reachable at the node address, and leaves it alone when nothing changed', async () => {
    for (const record of records) {
      await giveApp(record);
      await healthyWeb(record);
      // Same port on both nodes: only possible because each node has its own address.
      const first = await answer(record);
      expect(first).toEqual({ node: record.name, ip: resources.get(record.id)!.ipAddress, port: String(APP_PORT), pid: appPid(record) });
      await giveApp(record);
      expect((await answer(record)).pid).toBe(first.pid);
      expect(readFileSync(path.join(stateDir(record.name), 'apps', 'web.log'), 'utf8')).toContain(`listening on ${first.ip}:${APP_PORT}`);
    }
  });

  it('restarts an application that dies, and reports it', async () => {
    const record = records[1]!;
    const before = appPid(record);
    process.kill(before, 'SIGKILL');
    await until('web to be restarted', async () => ((await report(record))?.restarts === 1 && (await report(record))?.healthy ? true : undefined), 20_000, 100);
    expect((await answer(record)).pid).not.toBe(before);
  });

  it('keeps the applications running across a restart of the agent', async () => {
    const record = records[0]!;
    const agent = await agentPid(record.name);
    const app = appPid(record);
    process.kill(agent, 'SIGTERM');
    await until('the agent to stop', async () => gone(agent), 10_000, 50);
    expect((await answer(record)).pid).toBe(app);
    await create(record);
    expect(await agentPid(record.name)).not.toBe(agent);
    const adopted = await until('the new agent to report web', async () => {
      const r = await report(record);
      return r && new Date(r.startedAt!).getTime() > 0 && (await db().query.nodes.findFirst({ where: eq(nodeTable.id, record.id) }))!.agentVersion ? r : undefined;
    });
    expect(adopted).toMatchObject({ state: 'running', healthy: true, restarts: 0 });
    expect(appPid(record)).toBe(app);
    expect((await answer(record)).pid).toBe(app);
  });

  it('reports metrics of the machine and of each application', async () => {
    const record = records[0]!;
    const metrics = (await db().query.nodes.findFirst({ where: eq(nodeTable.id, record.id) }))!.metrics!;
    expect(metrics.cpus).toBeGreaterThan(0);
    expect(metrics.memoryTotalBytes).toBeGreaterThan(metrics.memoryAvailableBytes);
    expect(metrics.applications.find((a) => a.name === 'web')?.memoryBytes).toBeGreaterThan(0);
  });

  it('powers a node off and on again, keeping its applications', async () => {
    const record = records[0]!;
    const ip = resources.get(record.id)!.ipAddress;
    const agent = await agentPid(record.name);
    const app = appPid(record);
    await provider.powerOff(record.name);
    expect(gone(agent)).toBe(true);
    expect(gone(app)).toBe(true);
    expect(await connectError(ip, APP_PORT)).toBe('ECONNREFUSED');
    expect(existsSync(path.join(stateDir(record.name), 'node.json'))).toBe(true);
    expect(await provider.describeNode(record.name)).toMatchObject({ state: 'stopped', ipAddress: ip });
    await provider.powerOff(record.name); // idempotent

    expect(await provider.powerOn(record.name)).toMatchObject({ state: 'running', ipAddress: ip });
    await until('web to answer again', async () => (await answer(record).catch(() => null))?.node === record.name, 20_000, 100);
    expect(appPid(record)).not.toBe(app);
  });

  it('lists exactly the nodes carrying the given tags', async () => {
    const install = tags(records[0]!)['ocs.install'];
    const all = await provider.listResources({ 'ocs.install': install });
    expect(all.map((n) => n.name).sort()).toEqual(records.map((r) => r.name).sort());
    expect(all.every((n) => n.state === 'running')).toBe(true);
    expect((await provider.listResources({ 'ocs.nodeId': records[1]!.id })).map((n) => n.name)).toEqual([records[1]!.name]);
    expect(await provider.listResources({ 'ocs.install': 'nobody' })).toEqual([]);
  });

  it('deletes nodes without leaving a process, a listener or a folder', async () => {
    for (const record of records) {
      const ip = resources.get(record.id)!.ipAddress;
      const agent = await agentPid(record.name);
      const app = appPid(record);
      await provider.deleteNode(record.name);
      expect(gone(agent)).toBe(true);
      expect(gone(app)).toBe(true);
      expect(await connectError(ip, APP_PORT)).toBe('ECONNREFUSED');
      expect(existsSync(stateDir(record.name))).toBe(false);
      expect(existsSync(path.join(stateRoot, '.ips', ip))).toBe(false);
      expect(await provider.describeNode(record.name)).toBeNull();
      await provider.deleteNode(record.name); // idempotent
    }
  });
});
