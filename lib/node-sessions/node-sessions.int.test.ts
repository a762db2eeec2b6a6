// Browser sessions with a node, end to end but for the browser: the real Agent dials the portal's
// session WebSocket (lib/node-sessions/gateway.ts behind test/agent-portal.ts) when its sync offers
// a session, and a WebSocket client plays the browser with the ticket the API gave. A terminal runs
// a real login shell under `script`; a log follows the application's file as it grows. The portal
// listens on 127.93.2.1, the node is 127.93.2.2.
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { Agent } from '@/agent/agent';
import { ApplicationManager } from '@/agent/applications';
import { applicationLogPath } from '@/agent/application-logs';
import { stopNodeApplications } from '@/agent/node-processes';
import { Overlay } from '@/agent/overlay/overlay';
import type { Actor } from '@/lib/auth/actor';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { closeDb, db } from '@/lib/db/client';
import { applications, auditEvents, nodeSessions, type Node } from '@/lib/db/schema';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { agentDialledHome, failure, nodeRecords, organizationWithMember, setEnv, until } from '@/test/fixtures';
import { openNodeSession } from './open-session';

const PORTAL_IP = '127.93.2.1';
const NODE_IP = '127.93.2.2';

let portal: AgentPortal;
let node: Node;
let owner: Actor;
let organizationId: string;
let stateDir: string;
let stopAgent: () => Promise<void>;
let restoreEnv: () => void;

/** The browser's side: every byte it got, and how the session ended. */
async function browser(path: string): Promise<{ ws: WebSocket; output: () => string; controls: unknown[]; closed: Promise<string> }> {
  const ws = new WebSocket(`${portal.url.replace('http', 'ws')}${path}`);
  let output = '';
  const controls: unknown[] = [];
  ws.on('message', (data, isBinary) => (isBinary ? (output += data.toString()) : controls.push(JSON.parse(data.toString()))));
  const closed = new Promise<string>((resolve) => ws.on('close', (_code, reason) => resolve(reason.toString())));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return { ws, output: () => output, controls, closed };
}

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'ocs-sessions-'));
  // The node is not on the portal's machine, so its agent keeps members' keys: in a file of the test's own.
  restoreEnv = setEnv({ OCS_AGENT_AUTHORIZED_KEYS: path.join(stateDir, 'authorized_keys') });
  portal = await startAgentPortal({ host: PORTAL_IP });
  ({ actor: owner, organizationId } = await organizationWithMember({ role: 'owner' }));
  [node] = (await nodeRecords(1, { provider: 'onpremises', organization: { organizationId, actor: owner } })) as [Node];
  await writeFile(path.join(stateDir, 'bootstrap-token'), await issueBootstrapToken(db(), node.id), { mode: 0o600 });
  const config = { name: node.name, ip: NODE_IP, portalUrl: portal.url, tags: {} };
  let agent: Agent | undefined;
  const processes = new ApplicationManager({ name: config.name, ip: config.ip }, stateDir, () => {}, () => void agent?.noticeChanges().catch(() => {}));
  agent = new Agent({ stateDir, node: config, processes, containers: null, overlay: new Overlay({ stateDir, nodeName: config.name, nodeIp: config.ip, log: () => {} }), log: () => {} });
  const running = agent.run();
  stopAgent = async () => {
    agent.stop();
    await running;
  };
  await agentDialledHome(node);
});

afterAll(async () => {
  await stopAgent?.();
  await stopNodeApplications(stateDir).catch(() => {});
  await portal?.close();
  restoreEnv?.();
  await rm(stateDir, { recursive: true, force: true });
  await closeDb();
});

describe('a terminal on the node', { timeout: 60_000 }, () => {
  it('runs a login shell of the size asked, follows resizes, and ends when the shell exits, all in the audit log', async () => {
    const opened = await openNodeSession(db(), owner, node.id, { kind: 'terminal', columns: 100, rows: 30 });
    const b = await browser(opened.webSocketPath);
    const type = (text: string) => b.ws.send(Buffer.from(text), { binary: true });
    type('uname -s; stty size\n');
    await until('the shell to answer', async () => b.output().includes('30 100'), 20_000);
    expect(b.output()).toContain('Linux');
    b.ws.send(JSON.stringify({ type: 'resize', columns: 120, rows: 40 }));
    await until('the new size', async () => {
      type('stty size\n');
      await new Promise((r) => setTimeout(r, 200));
      return b.output().includes('40 120');
    });
    type('exit 3\n');
    expect(await b.closed).toBe('the shell exited');
    expect(b.controls).toContainEqual({ type: 'exit', code: 3 });
    await until('the end recorded', async () => (await db().select().from(auditEvents).where(and(eq(auditEvents.targetId, node.id), eq(auditEvents.action, 'node.terminal.end'))))[0]);
    expect((await db().select().from(nodeSessions).where(eq(nodeSessions.id, opened.sessionId)))[0]).toMatchObject({ endReason: 'the shell exited', endedAt: expect.any(Date) });
    const audit = await db().select().from(auditEvents).where(eq(auditEvents.targetId, node.id));
    expect(audit.map((a) => [a.action, a.actorUserId, a.outcome])).toEqual(
      expect.arrayContaining([
        ['node.terminal', owner.userId, 'success'],
        ['node.terminal.end', owner.userId, 'success'],
      ]),
    );
  });

  it('ends the shell and what runs in it when the browser leaves', async () => {
    const opened = await openNodeSession(db(), owner, node.id, { kind: 'terminal' });
    const b = await browser(opened.webSocketPath);
    const marker = `ocs-session-${Date.now()}`;
    b.ws.send(Buffer.from(`exec -a ${marker} sleep 300\n`), { binary: true });
    const running = async () => (await import('node:child_process')).execFileSync('ps', ['-eo', 'args']).toString().includes(marker);
    await until('the command to run', running);
    b.ws.close();
    await until('the command to be gone', async () => !(await running()), 10_000);
  });

  it('spends the ticket once, and refuses a viewer, another organization and a node on the portal machine', async () => {
    const opened = await openNodeSession(db(), owner, node.id, { kind: 'terminal' });
    const b = await browser(opened.webSocketPath);
    await expect(browser(opened.webSocketPath)).rejects.toThrow(/401/);
    b.ws.close();
    const viewer = await organizationWithMember({ role: 'viewer' });
    await db().insert((await import('@/lib/db/schema')).memberships).values({ organizationId, userId: viewer.actor.userId, role: 'viewer' });
    const asViewer = { ...viewer.actor, memberships: [{ organizationId, organizationName: 'x', role: 'viewer' as const }] };
    expect((await failure(openNodeSession(db(), asViewer, node.id, { kind: 'terminal' }))).code).toBe('FORBIDDEN');
    const stranger = await organizationWithMember({ role: 'owner' });
    expect((await failure(openNodeSession(db(), stranger.actor, node.id, { kind: 'terminal' }))).code).toBe('NOT_FOUND');
    const [local] = await nodeRecords(1, { organization: { organizationId, actor: owner } });
    expect(await failure(openNodeSession(db(), owner, local!.id, { kind: 'terminal' }))).toMatchObject({ code: 'CONFLICT', details: { fields: { kind: 'is not available on local nodes' } } });
    expect((await failure(openNodeSession(db(), owner, node.id, { kind: 'shell' }))).details?.fields).toEqual({ kind: 'must be "terminal" or "logs"' });
  });

  it('refuses an agent of another node', async () => {
    const opened = await openNodeSession(db(), owner, node.id, { kind: 'terminal' });
    const forged = new WebSocket(`${portal.url.replace('http', 'ws')}/ws/agent/nodes/${node.id}/sessions/${opened.sessionId}`, { headers: { authorization: 'Bearer not-the-credential' } });
    const status = await new Promise<number | undefined>((resolve) => forged.on('unexpected-response', (_req, res) => resolve(res.statusCode)));
    expect(status).toBe(401);
  });
});

describe("an application's log", { timeout: 60_000 }, () => {
  it('shows the last lines, then what the application writes, to anyone who may read', async () => {
    await db().insert(applications).values({ nodeId: node.id, name: 'hello', image: 'process' });
    const file = applicationLogPath(stateDir, 'hello');
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, Array.from({ length: 600 }, (_, i) => `line ${i}`).join('\n') + '\n');
    const viewer = { ...owner, memberships: [{ organizationId, organizationName: 'x', role: 'viewer' as const }] };
    const opened = await openNodeSession(db(), viewer, node.id, { kind: 'logs', application: 'hello' });
    const b = await browser(opened.webSocketPath);
    await until('the tail', async () => b.output().includes('line 599'));
    // The last 500 lines only.
    expect(b.output()).toContain('line 100\n');
    expect(b.output()).not.toContain('line 99\n');
    await appendFile(file, 'written later\n');
    await until('the new line', async () => b.output().includes('written later'));
    b.ws.close();
    expect((await failure(openNodeSession(db(), owner, node.id, { kind: 'logs', application: 'nothing' }))).details?.fields).toEqual({ application: 'is not an application of this node' });
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'node.logs'), eq(auditEvents.targetId, node.id)));
    expect(audit?.details).toMatchObject({ sessionId: opened.sessionId, application: 'hello' });
  });
});
