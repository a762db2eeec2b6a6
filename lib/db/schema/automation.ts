import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './tenancy';

// Automation: an organization's webhooks and their deliveries, and the answers kept for
// Idempotency-Key retries of POST requests.

/** A URL an organization registered for events (build, node and expiry events). */
export const webhooks = pgTable('webhooks', {
  id: uuid().primaryKey().defaultRandom(),
  organizationId: uuid()
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  url: text().notNull(),
  /** Event names it wants (e.g. build.failed, node.error, unitGroup.expiring); empty: all. */
  events: text().array().notNull().default(sql`'{}'::text[]`),
  description: text(),
  /** The HMAC key deliveries are signed with, sealed by lib/secrets; shown once when made. */
  secret: text().notNull(),
  enabled: boolean().notNull().default(true),
  /** Since when every delivery failed; a day of that disables the webhook. */
  failingSince: timestamp({ withTimezone: true }),
  disabledAt: timestamp({ withTimezone: true }),
  disabledReason: text(),
  createdBy: uuid()
    .notNull()
    .references(() => users.id),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const deliveryState = pgEnum('webhook_delivery_state', ['pending', 'succeeded', 'failed']);

/** One event sent (or being sent) to one webhook, with what its receiver answered. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid().primaryKey().defaultRandom(),
    webhookId: uuid()
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    event: text().notNull(),
    payload: jsonb().$type<Record<string, unknown>>().notNull(),
    state: deliveryState().notNull().default('pending'),
    attempts: integer().notNull().default(0),
    nextAttemptAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastAttemptAt: timestamp({ withTimezone: true }),
    responseStatus: integer(),
    /** The start of what the receiver answered. */
    responseBody: text(),
    error: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('webhook_deliveries_webhook').on(t.webhookId, t.createdAt),
    index('webhook_deliveries_due').on(t.nextAttemptAt).where(sql`state = 'pending'`),
    // The sweep drops finished deliveries past keeping, oldest first (lib/webhooks/sweep.ts).
    index('webhook_deliveries_finished').on(t.createdAt).where(sql`state <> 'pending'`),
  ],
);

/**
 * A POST's first answer under its Idempotency-Key, per caller (user or API token): the same key
 * and body get it again; the same key with another body is refused.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    /** The caller: `token:<id>` or `user:<id>`. */
    caller: text().notNull(),
    key: text().notNull(),
    method: text().notNull(),
    path: text().notNull(),
    /** SHA-256 of the request body. */
    requestHash: text().notNull(),
    /** Null while the first request is still being answered. */
    responseStatus: integer(),
    responseBody: jsonb(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.caller, t.key] }), index('idempotency_keys_created').on(t.createdAt)],
);

export type Webhook = typeof webhooks.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type IdempotencyKey = typeof idempotencyKeys.$inferSelect;
