import { index, pgEnum, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { users } from './tenancy';
import { unitGroups } from './unit-groups';

export const extensionState = pgEnum('expiry_extension_state', ['pending', 'approved', 'rejected']);

/**
 * A request to move a unit group's end date (lib/expiry). Within the organization's policy it is
 * approved at once; beyond it, it waits in NII staff's approval queue.
 */
export const expiryExtensions = pgTable(
  'expiry_extensions',
  {
    id: uuid().primaryKey().defaultRandom(),
    unitGroupId: uuid()
      .notNull()
      .references(() => unitGroups.id, { onDelete: 'cascade' }),
    requestedBy: uuid()
      .notNull()
      .references(() => users.id),
    /** The end date when it was asked for, and the one asked for. */
    fromExpiresAt: timestamp({ withTimezone: true }).notNull(),
    untilExpiresAt: timestamp({ withTimezone: true }).notNull(),
    reason: text().notNull(),
    state: extensionState().notNull(),
    /** Null when the organization's policy approved it. */
    decidedBy: uuid().references(() => users.id),
    decidedAt: timestamp({ withTimezone: true }),
    decisionNote: text(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('expiry_extensions_unit_group').on(t.unitGroupId), index('expiry_extensions_state').on(t.state)],
);

export type ExpiryExtension = typeof expiryExtensions.$inferSelect;
