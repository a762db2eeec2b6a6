import { and, desc, eq, gte, ilike, inArray, like, lt, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { PageQuery } from '@/lib/api/pagination';
import { authorize, can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { auditEvents, auditOutcome, organizations, type AuditEvent } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import type { AuditEventView } from './views';

/** A row with its organization's name, as the CSV export writes it. */
export type AuditEventRow = AuditEvent & { organizationName: string | null };

// PostgreSQL reads a timestamp's year in four digits only (a Date beyond them fails the query).
const ZQueryDate = z.coerce
  .date({ error: 'must be a date or time (ISO 8601)' })
  .refine((d) => d.getUTCFullYear() >= 1 && d.getUTCFullYear() <= 9999, 'must be a date between the years 1 and 9999');

/** The filters of the list and of its CSV export. */
export const ZAuditFilters = z.object({
  organizationId: z.uuid('must be an organization id').optional().describe('Only this organization\'s entries; else those of every organization the caller owns (NII staff: every entry).'),
  action: z.string().trim().max(100, 'must be at most 100 characters').optional().describe('"token.issue" matches that action; "token" matches every token.* action.'),
  actor: z.string().trim().max(200, 'must be at most 200 characters').optional().describe('Part of the actor\'s label (an e-mail or a token prefix), any case.'),
  outcome: z.enum(auditOutcome.enumValues, { error: `must be one of ${auditOutcome.enumValues.join(', ')}` }).optional(),
  from: ZQueryDate.optional().describe('Entries at or after this time (ISO 8601).'),
  to: ZQueryDate.optional().describe('Entries before this time (ISO 8601).'),
});
export type AuditFilters = z.infer<typeof ZAuditFilters>;

const ZAuditQuery = ZAuditFilters.extend({
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
export async function listAuditEvents(db: Database, actor: Actor, rawQuery: unknown): Promise<{ events: AuditEventRow[]; nextBefore: number | null }> {
  return auditRows(db, actor, auditQueryOf(rawQuery));
}

async function auditRows(db: Database, actor: Actor, query: AuditQuery): Promise<{ events: AuditEventRow[]; nextBefore: number | null }> {
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

// The API's cursor names the last entry of the page before (entries are numbered, not timed, so
// lib/api/pagination.ts's keyset of a timestamp and a uuid does not fit them).
const encodeCursor = (id: number) => Buffer.from(JSON.stringify([id])).toString('base64url');

function decodeCursor(cursor: string): number {
  try {
    const [id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) return id;
  } catch {
    // falls through to the 400
  }
  throw invalidInput({ cursor: 'is not a cursor this API gave' });
}

function auditEventView(e: AuditEventRow): AuditEventView {
  return {
    id: e.id,
    at: e.at,
    actorLabel: e.actorLabel,
    organizationId: e.organizationId,
    organizationName: e.organizationName,
    action: e.action,
    targetType: e.targetType,
    targetId: e.targetId,
    ipAddress: e.ipAddress,
    outcome: e.outcome,
    details: e.details,
  };
}

/** For the API: entries newest first, filtered, a page at a time (`cursor` from the page before's nextCursor). */
export async function auditEventPage(db: Database, actor: Actor, query: AuditFilters & PageQuery): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
  const { cursor, ...rest } = query;
  const { events, nextBefore } = await auditRows(db, actor, { ...rest, before: cursor ? decodeCursor(cursor) : undefined });
  return { events: events.map(auditEventView), nextCursor: nextBefore === null ? null : encodeCursor(nextBefore) };
}
