// The agent channel end to end: local nodes' agents dial home to this file's own agent endpoints
// (the real route handlers, test/agent-portal.ts), which the tests stop and start like a portal restart.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProcess } from '@/agent/process-tree';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { applications, nodes, type Node } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { closeQueue } from '@/lib/jobs/queue';
import { localProvider } from '@/lib/providers/local';
import { freePort } from '@/scripts/services/free-port';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { getUnitGroupDetail } from '@/lib/unit-groups/detail';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { nodeRecords, seededLabAdmin, uniqueName, until } from '@/test/fixtures';
import { issueBootstrapToken } from './credentials';
import { sweepLiveness } from './liveness';

let portal: AgentPortal;
let port: number;
let unitGroupId: string;
let built: Node[];

const stateDir = (node: Node) => path.join(process.env.OCS_LOCAL_STATE_DIR!, node.name);
const agentPid = (node: Node) => Number(readFileSync(path.join(stateDir(node), 'agent.pid'), 'utf8').trim());
const appPid = (node: Node) => Number(readFileSync(path.join(stateDir(node), 'apps', 'hello.pid'), 'utf8').split(' ')[0]);
const nodeRow = async (node: Node) => (await db().query.nodes.findFirst({ where: eq(nodes.id, node.id) }))!;

async function post(path: string, body: unknown, credential?: string): Promise<{ status: number; body: { error?: { message: string; details?: { fields?: Record<string, string> } } } & Record<string, unknown> }> {
  const res = await fetch(`${portal.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(credential ? { authorization: `Bearer ${credential}` } : {}) }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as never };
}

beforeAll(async () => {
  port = await freePort();
  portal = await startAgentPortal({ port });
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  const actor = await seededLabAdmin();
  const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('channel'), provider: 'local', flavor: 'small', parameters: { nodes: 2 } });
  unitGroupId = submitted.unitGroupId;
  await runBuild(db(), submitted.buildId);
  built = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
});

afterAll(async () => {
  await deleteUnitGroup(db(), unitGroupId);
  await portal.close();
  await closeQueue();
  await closeDb();
});

describe('the agent channel', () => {
  it('lets a bootstrap token register once only', async () => {
    const [record] = await nodeRecords(1);
    const token = await issueBootstrapToken(db(), record!.id);
    const first = await post('/api/agent/v1/register', { token, agentVersion: 'test', hostname: 'h' });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ nodeId: record!.id, nodeName: record!.name });
    const again = await post('/api/agent/v1/register', { token, agentVersion: 'test', hostname: 'h' });
    expect(again.status).toBe(401);
    expect(again.body.error?.message).toContain('already used');
    // Only hashes are kept.
    const row = await nodeRow(record!);
    expect(row.bootstrapTokenHash).toBeNull();
    expect(row.credentialHash).not.toContain(String(first.body.credential));
  });

  it('refuses the credential of another node, and bad input by field', async () => {
    const [a, b] = await nodeRecords(2);
    const credentialOfA = (await post('/api/agent/v1/register', { token: await issueBootstrapToken(db(), a!.id), agentVersion: 'test', hostname: 'a' })).body.credential as string;
    const asB = await post(`/api/agent/v1/nodes/${b!.id}/sync`, { appliedVersion: 0 }, credentialOfA);
    expect(asB.status).toBe(401);
    expect(asB.body.error?.message).toContain(b!.id);
    expect((await post(`/api/agent/v1/nodes/${a!.id}/sync`, { appliedVersion: 0 })).status).toBe(401);
    const asA = await post(`/api/agent/v1/nodes/${a!.id}/sync`, { appliedVersion: 0 }, credentialOfA);
    expect(asA.status).toBe(200);
    expect(asA.body).toMatchObject({ desired: { version: 0, applications: [] } });
    const bad = await post(`/api/agent/v1/nodes/${a!.id}/sync`, { appliedVersion: -1 }, credentialOfA);
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error?.details?.fields ?? {})).toEqual(['appliedVersion']);
  });

  it('keeps applications running and the node RUNNING when the agent restarts', async () => {
    const node = built[0]!;
    const agent = agentPid(node);
    const app = appPid(node);
    const restartedAt = new Date();
    process.kill(agent, 'SIGTERM');
    await until('the agent to stop', async () => !readProcess(agent) || readProcess(agent)!.state === 'Z', 10_000, 50);
    await localProvider().powerOn(node.name);
    await until('the new agent to report', async () => (await nodeRow(node)).startedAt! > restartedAt, 20_000, 100);
    // Several syncs later: the node never left RUNNING and the application is the same process.
    for (let i = 0; i < 10; i++) {
      expect((await nodeRow(node)).state).toBe('RUNNING');
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(appPid(node)).toBe(app);
    const [hello] = await db().select().from(applications).where(eq(applications.nodeId, node.id));
    expect(hello!.report).toMatchObject({ state: 'running', healthy: true, restarts: 0 });
  });

  it('marks a silent node HOST_ERROR within the liveness window, and RUNNING once it is heard again', async () => {
    const node = built[1]!;
    const window = env().OCS_AGENT_LIVENESS_SECONDS;
    const agent = agentPid(node);
    process.kill(agent, 'SIGSTOP');
    const stoppedAt = Date.now();
    try {
      // What the worker's scheduled nodes.check job runs.
      const row = await until('HOST_ERROR', async () => {
        await sweepLiveness(db(), window);
        const r = await nodeRow(node);
        return r.state === 'HOST_ERROR' ? r : undefined;
      }, 30_000, 250);
      expect(row.stateReason).toMatch(/^no heartbeat from its agent since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC \(allowed: 4 s\)$/);
      expect(Date.now() - stoppedAt).toBeLessThan((window + 3) * 1000);
    } finally {
      process.kill(agent, 'SIGCONT');
    }
    await until('RUNNING again', async () => (await nodeRow(node)).state === 'RUNNING', 15_000, 100);
  });

  it('never shows a node\'s credential hash or an application\'s sealed spec through the API', async () => {
    const detail = JSON.stringify(await getUnitGroupDetail(db(), await seededLabAdmin(), unitGroupId));
    expect(detail).toContain('"applications"');
    for (const hidden of ['credentialHash', 'bootstrapTokenHash', 'bootstrapTokenExpiresAt', '"spec"', 'ocsn_', 'ocsb_']) expect(detail).not.toContain(hidden);
  });

  it('reconnects on its own after the portal restarts', async () => {
    await portal.close();
    await new Promise((r) => setTimeout(r, 1500));
    const restartedAt = Date.now();
    portal = await startAgentPortal({ port });
    for (const node of built)
      await until(`${node.name} to sync again`, async () => (await nodeRow(node)).lastHeartbeatAt!.getTime() > restartedAt, 20_000, 100);
    for (const node of built) expect((await nodeRow(node)).state).toBe('RUNNING');
  });
});
