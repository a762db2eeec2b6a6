import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/schema';

/** Where a request came from, for the audit log. */
export interface RequestMeta {
  ip: string | null;
}

export type AuditOutcome = 'success' | 'denied' | 'failure';

export interface AuditEntry {
  /** Who acted; null for callers the portal could not identify (a bad token, no session). */
  actor: Actor | null;
  /** Used when there is no actor, e.g. "token ocs_abcd1234" or "anonymous". */
  actorLabel?: string;
  organizationId?: string | null;
  /** <area>.<verb>: build.submit, unitGroup.delete, token.issue, token.revoke, application.submit, application.approve, sign-in.saml, … */
  action: string;
  targetType?: string;
  targetId?: string | null;
  ipAddress?: string | null;
  outcome: AuditOutcome;
  details?: Record<string, unknown>;
}

export function actorLabel(actor: Actor): string {
  return actor.token ? `${actor.email} (token ${actor.token.prefix})` : actor.email;
}

/** Records one state-changing action (or an attempt at one) in the audit log. */
export async function recordAudit(db: Database, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({
    actorUserId: entry.actor?.userId ?? null,
    actorLabel: entry.actor ? actorLabel(entry.actor) : (entry.actorLabel ?? 'anonymous'),
    organizationId: entry.organizationId ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    ipAddress: entry.ipAddress ?? null,
    outcome: entry.outcome,
    details: entry.details ?? {},
  });
}
