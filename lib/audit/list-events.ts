import { and, desc, eq, gte, ilike, inArray, like, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { authorize, can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { auditEvents, auditOutcome, organizations, type AuditEvent } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';

export type AuditEventView = AuditEvent & { organizationName: string | null };

// PostgreSQL reads a timestamp's year in four digits only (a Date beyond them fails the query).
const ZQueryDate = z.coerce
  .date({ error: 'must be a date or time (ISO 8601)' })
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'must be a date between the years 1 and 9999');

const ZAuditQuery = z.object({
  organizationId: z.uuid('must be an organization id').optional(),
  /** "token.issue" matches that action; "token" matches every token.* action. */
  action: z.string().trim().max(100, 'must be at most 100 characters').optional(),
  /** Part of the actor's label (an e-mail or a token prefix), any case. */
  actor: z.string().trim().max(200, 'must be at most 200 characters').optional(),
  outcome: z.enum(auditOutcome.enumValues, { error: `must be one of ${auditOutcome.enumValues.join(', ')}` }).optional(),
  /** Entries at or after this time (ISO 8601). */
  from: ZQueryDate.optional(),
  /** Entries before this time (ISO 8601). */
  to: ZQueryDate.optional(),
  /** Paging: entries older than the one with this id (the previous page's nextBefore). */
  before: z.coerce.number().int('must be an entry id').positive('must be an entry id').optional(),
  limit: z.coerce.number().int('must be a whole number').min(1, 'must be at least 1').max(1000, 'must be at most 1000').default(100),
});

export type AuditQuery = z.infer<typeof ZAuditQuery>;

/** Query parameters as they come from a URL: an empty field means "no filter". */
export function auditQueryOf(raw: unknown): AuditQuery {
  const given = raw && typeof raw === 'object' ? Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== '' && v != null)) : raw;
  return parseOrThrow(ZAuditQuery, given);
}

/**
 * The organizations whose entries the caller may read: the one asked for (if they may), else
 * every one they own; NII staff in the browser read everything, entries of no organization too.
 */
function auditScope(actor: Actor, organizationId: string | undefined): string[] | null {
  if (organizationId) {
    authorize(actor, 'readAudit', organizationId, 'organization');
    return [organizationId];
  }
  if (actor.isStaff && !actor.token) return null;
  const owned = actor.memberships.filter((m) => can(actor, 'readAudit', m.organizationId)).map((m) => m.organizationId);
  if (!owned.length) throw new AppError('FORBIDDEN', 'Only owners of an organization (and NII staff) may read its audit log');
  return owned;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Audit entries newest first, filtered, a page at a time (`nextBefore` fetches the next page). */
export async function listAuditEvents(db: Database, actor: Actor, rawQuery: unknown): Promise<{ events: AuditEventView[]; nextBefore: number | null }> {
  const query = auditQueryOf(rawQuery);
  const scope = auditScope(actor, query.organizationId);
  const filters: (SQL | undefined)[] = [
    scope ? inArray(auditEvents.organizationId, scope) : undefined,
    query.action ? or(eq(auditEvents.action, query.action), like(auditEvents.action, `${escapeLike(query.action)}.%`)) : undefined,
    query.actor ? ilike(auditEvents.actorLabel, `%${escapeLike(query.actor)}%`) : undefined,
    query.outcome ? eq(auditEvents.outcome, query.outcome) : undefined,
    query.from ? gte(auditEvents.at, query.from) : undefined,
    query.to ? lt(auditEvents.at, query.to) : undefined,
    query.before ? lt(auditEvents.id, query.before) : undefined,
  ];
  const rows = await db
    .select({ event: auditEvents, organizationName: organizations.name })
    .from(auditEvents)
    .leftJoin(organizations, eq(auditEvents.organizationId, organizations.id))
    .where(and(...filters))
    .orderBy(desc(auditEvents.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit).map((r) => ({ ...r.event, organizationName: r.organizationName }));
  return { events: page, nextBefore: rows.length > query.limit ? page[page.length - 1]!.id : null };
}
