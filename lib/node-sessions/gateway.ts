// The portal's WebSocket end of node sessions (scripts/portal-server.ts hands it the upgrades):
// a browser comes with its one-time ticket, the node's agent with its credential, in either order;
// once both are there every frame is passed to the other side as it came. Either side leaving
// ends the session for both, and the end is recorded with its reason.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { WebSocket, WebSocketServer } from 'ws';
import { recordAudit } from '@/lib/audit/record';
import { authenticateAgent } from '@/lib/agent-channel/credentials';
import { loadActor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { nodeSessions, nodes, unitGroups, type NodeSession } from '@/lib/db/schema';
import { safeErrorMessage } from '@/lib/errors';
import { hashTicket, OFFER_TTL_SECONDS } from './open-session';

const BROWSER_PATH = /^\/ws\/node-sessions\/([0-9a-f-]{36})$/;
const AGENT_PATH = /^\/ws\/agent\/nodes\/([0-9a-f-]{36})\/sessions\/([0-9a-f-]{36})$/;
/** A side that waits this long for the other gives up. */
const JOIN_TIMEOUT_MS = 30_000;
/** WebSocket close code for "the other side is not coming" (application range). */
const CLOSE_NO_PARTNER = 4408;

interface Pending {
  browser?: WebSocket;
  agent?: WebSocket;
  /** What a side sent before the other came (a command typed at once), passed on at pairing. */
  early: { from: WebSocket; data: WebSocket.RawData; isBinary: boolean }[];
  keepers: Map<WebSocket, (data: WebSocket.RawData, isBinary: boolean) => void>;
  timer: NodeJS.Timeout;
}

/** Early frames kept per session, at most. */
const EARLY_LIMIT = 256;
/** Bytes kept per session before pairing, and queued towards a side before the other is paused. */
const BUFFER_LIMIT = 1024 * 1024;
/** Each side is pinged this often; one that did not answer the previous ping is gone. */
const PING_EVERY_MS = 30_000;
/** A session ends after this long, whatever it does (a member's rights may have changed since). */
const MAX_SESSION_MS = 8 * 60 * 60_000;

/** The request's URL, or null for a target that is none ("//"). */
function parse(url: string | undefined): URL | null {
  try {
    return new URL(url ?? '/', 'http://portal');
  } catch {
    return null;
  }
}

function byteLength(data: WebSocket.RawData): number {
  return Array.isArray(data) ? data.reduce((sum, b) => sum + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
}

export function isNodeSessionPath(url: string | undefined): boolean {
  const pathname = parse(url)?.pathname ?? '';
  return BROWSER_PATH.test(pathname) || AGENT_PATH.test(pathname);
}

function refuse(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${message}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${message}\n`);
}

/** A browser's WebSocket must come from the portal's own pages (the ticket alone could be replayed from a page elsewhere within its minute). */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true;
  const host = req.headers['x-forwarded-host'] ?? req.headers.host;
  return parse(origin)?.host === host;
}

export class NodeSessionGateway {
  private readonly server = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly db: () => Database) {}

  /** Handles an upgrade for a node-session path; answers an HTTP error and closes for anything refused. */
  async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Node took its own error handler off the socket for the upgrade: a client gone meanwhile must not crash the portal.
    socket.on('error', () => socket.destroy());
    const url = parse(req.url);
    if (!url) return refuse(socket, 400, 'Not a request target');
    try {
      const browser = BROWSER_PATH.exec(url.pathname);
      if (browser) {
        if (!sameOrigin(req)) return refuse(socket, 403, 'This page may not open node sessions');
        const session = await this.claimTicket(browser[1]!, url.searchParams.get('ticket') ?? '');
        if (!session) return refuse(socket, 401, 'The ticket is unknown, used or expired: open the session again');
        this.server.handleUpgrade(req, socket, head, (ws) => this.join(session.id, 'browser', ws));
        return;
      }
      const agent = AGENT_PATH.exec(url.pathname);
      if (agent) {
        const [, nodeId, sessionId] = agent;
        await authenticateAgent(this.db(), nodeId!, req.headers.authorization ?? null);
        const session = await this.agentJoins(nodeId!, sessionId!);
        if (!session) return refuse(socket, 404, 'No such session waiting for this node');
        this.server.handleUpgrade(req, socket, head, (ws) => this.join(session.id, 'agent', ws));
        return;
      }
      refuse(socket, 404, 'Not a node session');
    } catch (e) {
      const status = (e as { code?: string }).code === 'UNAUTHENTICATED' ? 401 : (e as { code?: string }).code === 'NOT_FOUND' ? 404 : 500;
      refuse(socket, status, status === 500 ? 'The session could not be opened' : safeErrorMessage(e));
      if (status === 500) console.error(`[node-sessions] ${safeErrorMessage(e)}`);
    }
  }

  /** The ticket is spent here, whatever comes next. */
  private async claimTicket(sessionId: string, ticket: string): Promise<NodeSession | undefined> {
    const [session] = await this.db()
      .update(nodeSessions)
      .set({ ticketHash: null })
      .where(and(eq(nodeSessions.id, sessionId), eq(nodeSessions.ticketHash, hashTicket(ticket)), gt(nodeSessions.ticketExpiresAt, sql`now()`), isNull(nodeSessions.endedAt)))
      .returning();
    return session;
  }

  private async agentJoins(nodeId: string, sessionId: string): Promise<NodeSession | undefined> {
    const [session] = await this.db()
      .update(nodeSessions)
      .set({ agentJoinedAt: sql`now()` })
      .where(
        and(
          eq(nodeSessions.id, sessionId),
          eq(nodeSessions.nodeId, nodeId),
          isNull(nodeSessions.agentJoinedAt),
          isNull(nodeSessions.endedAt),
          gt(nodeSessions.createdAt, sql`now() - make_interval(secs => ${OFFER_TTL_SECONDS})`),
        ),
      )
      .returning();
    return session;
  }

  private join(sessionId: string, side: 'browser' | 'agent', ws: WebSocket): void {
    const entry: Pending = this.pending.get(sessionId) ?? { early: [], keepers: new Map(), timer: setTimeout(() => this.giveUp(sessionId), JOIN_TIMEOUT_MS) };
    entry[side] = ws;
    this.pending.set(sessionId, entry);
    // A frame the protocol refuses (too big, bad UTF-8) is an error event: the socket goes, not the portal.
    ws.on('error', () => ws.terminate());
    const keep = (data: WebSocket.RawData, isBinary: boolean) => {
      const kept = entry.early.reduce((sum, f) => sum + byteLength(f.data), 0);
      if (entry.early.length < EARLY_LIMIT && kept + byteLength(data) <= BUFFER_LIMIT) entry.early.push({ from: ws, data, isBinary });
    };
    ws.on('message', keep);
    entry.keepers.set(ws, keep);
    // Leaving before the other side came ends the session too.
    ws.once('close', () => {
      if (this.pending.get(sessionId)?.[side] === ws) {
        this.forget(sessionId);
        void this.end(sessionId, `the ${side} left before the session began`);
      }
    });
    if (entry.browser && entry.agent) this.pair(sessionId, entry);
  }

  /** Ends every session (the portal is stopping): upgraded sockets would otherwise keep the server open. */
  close(): void {
    for (const ws of this.server.clients) ws.terminate();
  }

  private giveUp(sessionId: string): void {
    const entry = this.forget(sessionId);
    const reason = entry?.browser ? "the node's agent did not join (is it running, and of this portal's version?)" : 'the browser did not come';
    for (const ws of [entry?.browser, entry?.agent]) ws?.close(CLOSE_NO_PARTNER, reason);
    void this.end(sessionId, reason);
  }

  private forget(sessionId: string): Pending | undefined {
    const entry = this.pending.get(sessionId);
    if (entry) clearTimeout(entry.timer);
    this.pending.delete(sessionId);
    return entry;
  }

  private pair(sessionId: string, entry: Pending): void {
    const browser = entry.browser!;
    const agent = entry.agent!;
    this.forget(sessionId);
    for (const [ws, keep] of entry.keepers) ws.off('message', keep);
    for (const { from, data, isBinary } of entry.early) (from === browser ? agent : browser).send(data, { binary: isBinary });
    const started = Date.now();
    let ended = false;
    // A side that does not read (a browser tab asleep under a busy log) pauses the other, so the portal queues little.
    const pass = (from: WebSocket, to: WebSocket) =>
      from.on('message', (data, isBinary) => {
        if (to.readyState !== WebSocket.OPEN) return;
        to.send(data, { binary: isBinary });
        if (to.bufferedAmount > BUFFER_LIMIT && !from.isPaused) {
          from.pause();
          const drained = setInterval(() => {
            if (to.readyState !== WebSocket.OPEN || to.bufferedAmount <= BUFFER_LIMIT / 2) {
              clearInterval(drained);
              from.resume();
            }
          }, 50);
        }
      });
    // Both sides are pinged: a browser or agent that vanished without closing ends the session.
    const alive = new Map<WebSocket, boolean>([
      [browser, true],
      [agent, true],
    ]);
    for (const ws of alive.keys()) ws.on('pong', () => alive.set(ws, true));
    const pinger = setInterval(() => {
      for (const [ws, answered] of alive) {
        if (!answered) return ws.terminate();
        alive.set(ws, false);
        ws.ping();
      }
    }, PING_EVERY_MS);
    const limit = setTimeout(() => {
      for (const ws of [browser, agent]) ws.close(1000, 'the session reached its longest time');
    }, MAX_SESSION_MS);
    pass(browser, agent);
    pass(agent, browser);
    const finish = (who: string) => (code: number, reason: Buffer) => {
      if (ended) return;
      ended = true;
      clearInterval(pinger);
      clearTimeout(limit);
      const why = reason.toString() || `the ${who} closed the session`;
      for (const ws of [browser, agent]) if (ws.readyState === WebSocket.OPEN) ws.close(code >= 3000 || code === 1000 ? code : 1000, why.slice(0, 120));
      void this.end(sessionId, why, Math.round((Date.now() - started) / 1000));
    };
    browser.once('close', finish('browser'));
    agent.once('close', finish('agent'));
  }

  private async end(sessionId: string, reason: string, seconds?: number): Promise<void> {
    try {
      const [session] = await this.db().update(nodeSessions).set({ endedAt: sql`now()`, endReason: reason }).where(and(eq(nodeSessions.id, sessionId), isNull(nodeSessions.endedAt))).returning();
      if (!session) return;
      const [node] = await this.db()
        .select({ organizationId: unitGroups.organizationId })
        .from(nodes)
        .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
        .where(eq(nodes.id, session.nodeId));
      await recordAudit(this.db(), {
        actor: await loadActor(this.db(), session.userId),
        organizationId: node?.organizationId ?? null,
        action: session.kind === 'terminal' ? 'node.terminal.end' : 'node.logs.end',
        targetType: 'node',
        targetId: session.nodeId,
        outcome: seconds === undefined ? 'failure' : 'success',
        details: { sessionId, reason, ...(seconds === undefined ? {} : { seconds }) },
      });
    } catch (e) {
      console.error(`[node-sessions] could not record the end of session ${sessionId}: ${safeErrorMessage(e)}`);
    }
  }
}
