import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations } from './tenancy';

export const alertKind = pgEnum('alert_kind', ['node_error', 'build_failed', 'expiry']);

/**
 * What the organization was told by mail, one row per occurrence (lib/alerts): a node in
 * HOST_ERROR or CONTAINER_ERROR until it leaves that state, a build that failed, a unit group's
 * coming or passed end date (one per reminder, resolved when the date moves). The row is
 * written before the mail, so a worker that dies between the two sends it on the next round (at
 * least once).
 */
export const alerts = pgTable(
  'alerts',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    kind: alertKind().notNull(),
    /** The node, build or (for expiry) unit group it is about. */
    targetId: uuid().notNull(),
    /** The node's state it reports (HOST_ERROR, CONTAINER_ERROR); the build's status for a build; for expiry remind7, remind1, expired or deleted. */
    state: text().notNull(),
    /** What it says, in a line: the mail's subject (Japanese and English). */
    subject: text().notNull(),
    reason: text().notNull(),
    link: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp({ withTimezone: true }),
    attempts: integer().notNull().default(0),
    lastError: text(),
    /** A node alert ends when the node leaves the state; a new one may then begin. */
    resolvedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // One open alert per node and state, one per failed build.
    uniqueIndex('alerts_open_target').on(t.kind, t.targetId, t.state).where(sql`resolved_at is null`),
    index('alerts_unsent').on(t.createdAt).where(sql`sent_at is null`),
  ],
);

export type Alert = typeof alerts.$inferSelect;
