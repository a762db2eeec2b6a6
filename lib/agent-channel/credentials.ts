// Who an agent is. A node's agent first presents a one-time bootstrap token bound to that node
// (handed to it by the provider: a file, SSH, cloud-init), and gets its own credential back.
// Only SHA-256 hashes of both are kept; the secrets are 32 random bytes, so a hash suffices.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { RegisterRequest, RegisterResponse } from '@/agent/protocol';
import type { Database } from '@/lib/db/client';
import { nodes } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

/** A verified credential is trusted this long before PostgreSQL is asked again. */
const VERIFIED_FOR_MS = 30_000;

const cache = globalThis as unknown as { __ocsAgentCredentials?: Map<string, { hash: string; until: number }> };
const verified = (cache.__ocsAgentCredentials ??= new Map());

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A new bootstrap token for the node; any earlier one stops working. Returned once, stored hashed. */
export async function issueBootstrapToken(db: Database, nodeId: string): Promise<string> {
  const token = `ocsb_${randomBytes(32).toString('base64url')}`;
  const ttl = env().OCS_AGENT_BOOTSTRAP_TTL_SECONDS;
  await db
    .update(nodes)
    .set({ bootstrapTokenHash: hashSecret(token), bootstrapTokenExpiresAt: sql`now() + make_interval(secs => ${ttl})` })
    .where(eq(nodes.id, nodeId));
  return token;
}

/** Spends a bootstrap token: the node it was bound to gets a new credential (any earlier one stops working). */
export async function registerAgent(db: Database, req: RegisterRequest): Promise<RegisterResponse> {
  const credential = `ocsn_${randomBytes(32).toString('base64url')}`;
  // One statement: two agents presenting the same token cannot both win.
  const [node] = await db
    .update(nodes)
    .set({
      bootstrapTokenHash: null,
      bootstrapTokenExpiresAt: null,
      credentialHash: hashSecret(credential),
      agentVersion: req.agentVersion,
      agentHostname: req.hostname,
      lastHeartbeatAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(nodes.bootstrapTokenHash, hashSecret(req.token)), gt(nodes.bootstrapTokenExpiresAt, sql`now()`), isNull(nodes.deletedAt)))
    .returning({ id: nodes.id, name: nodes.name });
  if (!node) throw new AppError('UNAUTHENTICATED', 'This bootstrap token is unknown, already used or expired; the portal gives the node a new one when it creates the node again.');
  verified.delete(node.id);
  return { nodeId: node.id, nodeName: node.name, credential };
}

/** Throws UNAUTHENTICATED unless `authorization` carries the credential of this very node. */
export async function authenticateAgent(db: Database, nodeId: string, authorization: string | null): Promise<void> {
  const [scheme, secret] = authorization?.split(/\s+/, 2) ?? [];
  if (scheme?.toLowerCase() !== 'bearer' || !secret) throw new AppError('UNAUTHENTICATED', 'Send the node credential as "Authorization: Bearer <credential>"');
  if (!z.uuid().safeParse(nodeId).success) throw new AppError('NOT_FOUND', `There is no node ${nodeId}`);
  const hash = hashSecret(secret);
  const known = verified.get(nodeId);
  if (known && known.until > Date.now() && known.hash === hash) return;
  const [node] = await db.select({ credentialHash: nodes.credentialHash }).from(nodes).where(and(eq(nodes.id, nodeId), isNull(nodes.deletedAt)));
  if (!node?.credentialHash || !timingSafeEqual(Buffer.from(node.credentialHash), Buffer.from(hash))) {
    verified.delete(nodeId);
    throw new AppError('UNAUTHENTICATED', `This is not the credential of node ${nodeId}`);
  }
  verified.set(nodeId, { hash, until: Date.now() + VERIFIED_FOR_MS });
}

/** Forgets a node's credential (on delete): its agent can no longer sync. */
export async function revokeAgent(db: Database, nodeId: string): Promise<void> {
  await db.update(nodes).set({ credentialHash: null, bootstrapTokenHash: null, bootstrapTokenExpiresAt: null }).where(eq(nodes.id, nodeId));
  verified.delete(nodeId);
}
