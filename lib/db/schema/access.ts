import { bigserial, index, jsonb, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './tenancy';

// API tokens (as VCP Manager issued VCC access tokens) and the audit trail.
export const tokenRole = pgEnum('api_token_role', ['fullaccess', 'readonly']);
export const auditOutcome = pgEnum('audit_outcome', ['success', 'denied', 'failure']);

export const apiTokens = pgTable('api_tokens', {
  id: uuid().primaryKey().defaultRandom(),
  organizationId: uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** The member the token acts as. */
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  note: text().notNull(),
  role: tokenRole().notNull(),
  /** SHA-256 of the secret; the secret itself is shown once and never stored. */
  secretHash: text().notNull().unique(),
  /** The first characters of the secret, so people can tell tokens apart. */
  prefix: text().notNull(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  lastUsedAt: timestamp({ withTimezone: true }),
  revokedAt: timestamp({ withTimezone: true }),
  createdBy: uuid()
    .notNull()
    .references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    at: timestamp({ withTimezone: true }).notNull().defaultNow(),
    actorUserId: uuid().references(() => users.id, { onDelete: 'set null' }),
    /** Who, readable even after the user is gone: an e-mail, or "token abcd1234 (e-mail)". */
    actorLabel: text().notNull(),
    organizationId: uuid().references(() => organizations.id, { onDelete: 'set null' }),
    /** What, as <area>.<verb>: build.submit, unitGroup.delete, token.issue, application.approve, … */
    action: text().notNull(),
    targetType: text(),
    targetId: text(),
    ipAddress: text(),
    outcome: auditOutcome().notNull(),
    details: jsonb().$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [index('audit_events_organization_at').on(t.organizationId, t.at), index('audit_events_at').on(t.at)],
);

/** Assertion ids already consumed, so a captured SAML response cannot be replayed. */
export const samlReplays = pgTable('saml_replays', {
  assertionId: text().primaryKey(),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
});

/** One-time tickets that carry a verified SAML sign-in into a next-auth session. */
export const loginTickets = pgTable('login_tickets', {
  secretHash: text().primaryKey(),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' }),
  expiresAt: timestamp({ withTimezone: true }).notNull(),
  usedAt: timestamp({ withTimezone: true }),
});

export type ApiToken = typeof apiTokens.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
export type TokenRole = (typeof tokenRole.enumValues)[number];
