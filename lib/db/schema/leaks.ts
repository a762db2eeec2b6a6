import { index, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { providerAccounts } from './provider-accounts';
import { organizations } from './tenancy';

// Machines a cloud account holds with this installation's tag that no live node of the portal
// accounts for (a crash between create and record, a failed teardown, a node removed by hand
// from the database). The leak sweeper (lib/leaks) records each the first time it sees it, shows
// it to NII staff and the account's organization, and removes it after the grace period.
export const leakOutcome = pgEnum('leak_outcome', ['removed', 'vanished', 'claimed']);

export const leakedResources = pgTable(
  'leaked_resources',
  {
    id: uuid().primaryKey().defaultRandom(),
    provider: text().notNull(),
    accountId: uuid()
      .notNull()
      .references(() => providerAccounts.id),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    /** The provider's resource id, as NodeResource has it. */
    resourceId: text().notNull(),
    name: text().notNull(),
    tags: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Why it counts as a leak, in words a person understands. */
    reason: text().notNull(),
    firstSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The last removal that failed, with the provider's words. */
    lastError: text(),
    endedAt: timestamp({ withTimezone: true }),
    /** removed by the sweeper; vanished (someone else removed it); claimed (a node recorded it after all). */
    outcome: leakOutcome(),
  },
  (t) => [uniqueIndex('leaked_resources_resource').on(t.provider, t.resourceId), index('leaked_resources_organization').on(t.organizationId, t.firstSeenAt)],
);

export type LeakedResource = typeof leakedResources.$inferSelect;
