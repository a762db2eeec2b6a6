// The onpremises provider against real servers: network-namespace hosts with their own sshd
// (test/hosts) on a bridge of this test's own (10.203.5.0/24; nothing else is addressed). Nodes'
// agents are installed over SSH, fetch the agent from the portal and dial home to the portal's
// real agent endpoints on the bridge address.
import { existsSync, readdirSync } from 'node:fs';
import { readlink } from 'node:fs/promises';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { putDesiredApplication } from '@/lib/agent-channel/desired-state';
import { closeDb, db } from '@/lib/db/client';
import { applications, hosts as hostTable, nodes as nodeTable, type Node } from '@/lib/db/schema';
import { registerHost, removeHost } from '@/lib/hosts/manage-hosts';
import { listHosts } from '@/lib/hosts/queries';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { failure, nodeRecords, organizationWithMember, until } from '@/test/fixtures';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '@/test/hosts';
import { ProviderError, type NodeResource } from '../types';
import { OnPremisesProvider } from './onpremises-provider';

const APP_PORT = 18082;
const provider = new OnPremisesProvider(db);
let network: HostNetwork;
let portal: AgentPortal;
let organization: { organizationId: string; actor: Actor };
let servers: NamespaceHost[];
let records: Node[];
const resources = new Map<string, NodeResource>();

const agentDirOf = (host: NamespaceHost) => path.join(host.dir, 'ocs');
const nodeDir = (host: NamespaceHost, name: string) => path.join(agentDirOf(host), 'nodes', name);

/** Processes working in or started from a folder: the agent and applications the portal put there. */
async function processesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '');
    if (cwd.startsWith(dir)) found.push(pid);
  }
  return found;
}

async function create(record: Node): Promise<NodeResource> {
  return provider.createNode({
    name: record.name,
    spec: { provider: 'onpremises', flavor: 'small', numNodes: 1, image: 'ocs/base:1.0', tags: {} },
    tags: { 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
    agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
    owner: { organizationId: organization.organizationId, unitGroupId: record.unitGroupId, nodeId: record.id },
  });
}

async function appReport(record: Node) {
  const [row] = await db().select({ report: applications.report }).from(applications).where(and(eq(applications.nodeId, record.id), eq(applications.name, 'web')));
  return row?.report;
}

async function answers(ip: string): Promise<string | null> {
  return fetch(`http://${ip}:${APP_PORT}/`, { signal: AbortSignal.timeout(2000) }).then((r) => r.text(), () => null);
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsop', subnet: '10.203.5' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  organization = await organizationWithMember();
  const { publicKey } = await organizationSshPublicKey(db(), organization.actor, organization.organizationId);
  servers = [await network.addHost({ authorizedKeys: [publicKey] }), await network.addHost({ authorizedKeys: [publicKey] })];
  for (const [i, host] of servers.entries())
    await registerHost(db(), organization.actor, organization.organizationId, { name: `server${i + 1}`, address: host.ip, sshUser: host.user, capacity: 1, agentDir: agentDirOf(host) });
  records = await nodeRecords(3, { provider: 'onpremises', organization });
});

afterAll(async () => {
  for (const r of resources.values()) await provider.deleteNode(r.resourceId).catch(() => {});
  await portal?.close();
  await network?.destroy();
  await closeDb();
});

describe('onpremises provider', { timeout: 120_000 }, () => {
  it('places nodes on servers with room, installs the agent over SSH, and the agents dial home', async () => {
    for (const record of records.slice(0, 2)) resources.set(record.id, await create(record));
    const ips = [...resources.values()].map((r) => r.ipAddress).sort();
    expect(ips).toEqual(servers.map((s) => s.ip).sort());
    for (const record of records.slice(0, 2)) {
      // Registered, then its first report: what it can run.
      await until('the agent to register and report', async () => (await db().query.nodes.findFirst({ where: eq(nodeTable.id, record.id) }))?.capabilities, 30_000, 100);
      const row = await db().query.nodes.findFirst({ where: eq(nodeTable.id, record.id) });
      // The agent runs on the server's own host name, and says it can run processes.
      expect(row!.agentHostname).toMatch(/^ocsop-h\d$/);
      expect(row!.capabilities).toMatchObject({ processes: true });
    }
    // First contact pinned each server's key, and the servers' usage shows the placements.
    const listed = (await listHosts(db(), organization.actor, organization.organizationId)).hosts;
    for (const [i, host] of servers.entries()) expect(listed.find((h) => h.address === host.ip)).toMatchObject({ hostKeyFingerprint: host.hostKeyFingerprint, nodes: 1, freeCapacity: 0, name: `server${i + 1}` });
  });

  it('refuses a node when every server is full, saying why', async () => {
    const error = await create(records[2]!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).code).toBe('no_capacity');
    expect((error as Error).message).toContain("none of the organization's 2 server(s) can take another node");
  });

  it('runs the desired application on the server, reachable at its address', async () => {
    for (const record of records.slice(0, 2)) {
      const server = `require('node:http').createServer((q, s) => s.end(process.env.NODE_NAME)).listen(Number(process.env.PORT), process.env.NODE_IP)`;
      await putDesiredApplication(db(), record.id, { spec: { name: 'web', kind: 'process', process: { command: ['node', '-e', server], port: APP_PORT, healthPath: '/', restart: 'on-failure' } }, image: 'web', port: APP_PORT, url: null });
      await until('web to run', async () => (await appReport(record))?.healthy, 30_000, 100);
      expect(await answers(resources.get(record.id)!.ipAddress)).toBe(record.name);
    }
  });

  it('powers a node off (its files stay) and on again', async () => {
    const record = records[0]!;
    const resource = resources.get(record.id)!;
    const host = servers.find((s) => s.ip === resource.ipAddress)!;
    await provider.powerOff(resource.resourceId);
    expect(await answers(resource.ipAddress)).toBeNull();
    expect(await processesUnder(nodeDir(host, record.name))).toEqual([]);
    expect(existsSync(path.join(nodeDir(host, record.name), 'credential.json'))).toBe(true);
    expect(await provider.describeNode(resource.resourceId)).toMatchObject({ state: 'stopped', ipAddress: resource.ipAddress });
    await provider.powerOn(resource.resourceId);
    await until('web to answer again', async () => (await answers(resource.ipAddress)) === record.name, 30_000, 200);
    expect(await provider.describeNode(resource.resourceId)).toMatchObject({ state: 'running' });
  });

  it('lists its nodes by tag, and refuses removing a server that still runs one', async () => {
    const listed = await provider.listResources({ 'ocs.unitGroupId': records[0]!.unitGroupId });
    expect(listed.map((r) => r.name).sort()).toEqual(records.slice(0, 2).map((r) => r.name).sort());
    const [placed] = await db().select({ hostId: nodeTable.hostId }).from(nodeTable).where(eq(nodeTable.id, records[0]!.id));
    const refused = await failure(removeHost(db(), organization.actor, placed!.hostId!));
    expect(refused.code).toBe('CONFLICT');
    expect(refused.message).toContain('still runs 1 node(s)');
  });

  it('deletes nodes leaving nothing the portal put on the servers', async () => {
    for (const [id, resource] of resources) {
      await provider.deleteNode(resource.resourceId);
      await provider.deleteNode(resource.resourceId); // idempotent
      resources.delete(id);
      // As releaseNode records it: the server's place is free again.
      await db().update(nodeTable).set({ state: 'DELETED', deletedAt: new Date() }).where(eq(nodeTable.id, id));
      expect(await answers(resource.ipAddress)).toBeNull();
    }
    for (const host of servers) {
      expect(existsSync(agentDirOf(host))).toBe(false);
      expect(await processesUnder(agentDirOf(host))).toEqual([]);
    }
  });

  it('fails with the server and the reason when it refuses the key, cannot be reached or shows another key, leaving nothing', async () => {
    const stranger = newSshKeyPair('');
    const wrongKey = await network.addHost({ authorizedKeys: [stranger.public] });
    const { organizationId, actor } = organization;
    const register = (name: string, host: NamespaceHost) => registerHost(db(), actor, organizationId, { name, address: host.ip, sshUser: host.user, capacity: 1, agentDir: agentDirOf(host) });
    // Only the failing server is active at a time, so the node is placed there.
    const only = async (hostId: string) => {
      await db().update(hostTable).set({ state: 'draining' }).where(eq(hostTable.organizationId, organizationId));
      await db().update(hostTable).set({ state: 'active' }).where(eq(hostTable.id, hostId));
      await db().update(nodeTable).set({ hostId: null }).where(eq(nodeTable.id, records[2]!.id));
    };
    const expectRefused = async (code: string, text: RegExp) => {
      const error = (await create(records[2]!).catch((e: unknown) => e)) as ProviderError;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(text);
    };

    const refusing = await register('refuses-key', wrongKey);
    await only(refusing.id);
    await expectRefused('auth_refused', /^server refuses-key: .* refused the portal's key: add the organization's public key/);
    expect((await db().query.hosts.findFirst({ where: eq(hostTable.id, refusing.id) }))).toMatchObject({ state: 'unreachable' });
    expect(existsSync(agentDirOf(wrongKey))).toBe(false);

    const [first] = servers;
    const down = (await db().query.hosts.findFirst({ where: eq(hostTable.address, first!.ip) }))!;
    await only(down.id);
    await first!.stopSshd();
    await expectRefused('unreachable', /^server server1: .* cannot be reached: ECONNREFUSED/);
    await first!.startSshd();

    await first!.replaceHostKey();
    await only(down.id);
    await expectRefused('host_key_changed', /^server server1: the host key of .* changed \(pinned SHA256:/);
    expect(existsSync(agentDirOf(first!))).toBe(false);
  });
});
