import { boolean, check, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';

// This portal installation's identity, one row: every cloud resource it makes carries the id (tag
// `ocs.install`, or a name prefix where a provider has no tags), so the leak sweeper and teardown
// never mistake another installation's machines in a shared account for its own.
export const installation = pgTable(
  'installation',
  {
    /** Always true: the table holds one row. */
    singleton: boolean().primaryKey().default(true),
    /** Short and lowercase, so it fits names that clouds restrict (mdx, vSphere). */
    id: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('installation_singleton', sql`${t.singleton}`)],
);
