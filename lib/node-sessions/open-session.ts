// Opening a browser session with a node: a terminal (organization owners and admins) or an
// application's log (anyone who may read the organization). The browser gets a one-time ticket for
// the portal's WebSocket; the node's agent is woken and told of the session in its next sync, then
// dials the portal itself, so this works for nodes behind NAT. Every session is in the audit log.
import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { SessionOffer } from '@/agent/protocol';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import { DESIRED_STATE_CHANNEL } from '@/lib/agent-channel/desired-state';
import type { Database } from '@/lib/db/client';
import { applications, nodeSessions, nodes, unitGroups } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { findProvider } from '@/lib/providers/catalog';
import { parseOrThrow } from '@/lib/zod-fields';

/** The browser must open its WebSocket this soon after asking. */
const TICKET_TTL_SECONDS = 60;
/** Agents are told of sessions this young; an older one was abandoned. */
export const OFFER_TTL_SECONDS = 60;

export const ZOpenSession = z.discriminatedUnion(
  'kind',
  [
    z.object({
      kind: z.literal('terminal'),
      columns: z.number({ error: 'must be a number of columns' }).int().min(10).max(500).default(80),
      rows: z.number({ error: 'must be a number of rows' }).int().min(5).max(200).default(24),
    }),
    z.object({ kind: z.literal('logs'), application: z.string({ error: 'is required' }).min(1, 'is required') }),
  ],
  { error: 'must be "terminal" or "logs"' },
);

/** The one-time ticket for the session's WebSocket. */
export const ZOpenedSession = z
  .object({
    sessionId: z.uuid(),
    webSocketPath: z.string().describe('Path of the WebSocket to open on the portal, with its one-time ticket.'),
    expiresAt: ZTimestamp.describe('Open the WebSocket before this (a minute after asking).'),
  })
  .meta({ id: 'NodeSessionTicket' });
export type OpenedSession = z.input<typeof ZOpenedSession>;

export function hashTicket(ticket: string): string {
  return createHash('sha256').update(ticket).digest('hex');
}

export async function openNodeSession(db: Database, actor: Actor, nodeId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<OpenedSession> {
  const [row] = await db
    .select({ node: nodes, organizationId: unitGroups.organizationId })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(eq(nodes.id, nodeId), isNull(nodes.deletedAt)));
  if (!row) throw new AppError('NOT_FOUND', 'No such node');
  const input = parseOrThrow(ZOpenSession, raw);
  authorize(actor, input.kind === 'terminal' ? 'terminal' : 'read', row.organizationId, 'node');
  const { node } = row;
  if (input.kind === 'terminal' && findProvider(node.provider)?.onPortalMachine)
    throw new AppError('CONFLICT', 'A local node runs on the portal’s own machine: a terminal there would be a shell on the portal. Use a node on a lab server or a cloud.', {
      fields: { kind: 'is not available on local nodes' },
    });
  if (!node.credentialHash || !['RUNNING', 'CONTAINER_ERROR'].includes(node.state))
    throw new AppError('CONFLICT', `Node ${node.nodeNo} is ${node.state}: its agent must be running to open a session`, { fields: { node: `is ${node.state}` } });
  if (input.kind === 'logs') {
    const [app] = await db.select({ id: applications.id }).from(applications).where(and(eq(applications.nodeId, nodeId), eq(applications.name, input.application)));
    if (!app) throw new AppError('INVALID_INPUT', `Node ${node.nodeNo} runs no application ${input.application}`, { fields: { application: 'is not an application of this node' } });
  }

  const ticket = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + TICKET_TTL_SECONDS * 1000);
  const session = await db.transaction(async (tx) => {
    const [created] = await tx
      .insert(nodeSessions)
      .values({
        nodeId,
        userId: actor.userId,
        kind: input.kind,
        application: input.kind === 'logs' ? input.application : null,
        ticketHash: hashTicket(ticket),
        ticketExpiresAt: expiresAt,
        ...(input.kind === 'terminal' ? { columns: input.columns, rows: input.rows } : {}),
      })
      .returning();
    // Wakes the agent's waiting sync (delivered at commit), which then carries the offer.
    await tx.execute(sql`select pg_notify(${DESIRED_STATE_CHANNEL}, ${nodeId})`);
    return created!;
  });
  await recordAudit(db, {
    actor,
    organizationId: row.organizationId,
    action: input.kind === 'terminal' ? 'node.terminal' : 'node.logs',
    targetType: 'node',
    targetId: nodeId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { sessionId: session.id, nodeNo: node.nodeNo, ...(session.application ? { application: session.application } : {}) },
  });
  return { sessionId: session.id, webSocketPath: `/ws/node-sessions/${session.id}?ticket=${ticket}`, expiresAt };
}

/** The sessions waiting for the node's agent, as its sync answers them. */
export async function sessionOffersFor(db: Database, nodeId: string): Promise<SessionOffer[]> {
  const waiting = await db
    .select()
    .from(nodeSessions)
    .where(
      and(
        eq(nodeSessions.nodeId, nodeId),
        isNull(nodeSessions.agentJoinedAt),
        isNull(nodeSessions.endedAt),
        gt(nodeSessions.createdAt, sql`now() - make_interval(secs => ${OFFER_TTL_SECONDS})`),
      ),
    );
  return waiting.map((s) =>
    s.kind === 'terminal' ? { id: s.id, kind: 'terminal' as const, columns: s.columns ?? 80, rows: s.rows ?? 24 } : { id: s.id, kind: 'logs' as const, application: s.application! },
  );
}
