import { sql } from 'drizzle-orm';
import { boolean, index, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './tenancy';

// An organization's account on a cloud provider: what a build there signs in with, where its nodes
// go (region or zone) and which network they join (OCS's VPN catalog). Credentials are sealed by
// lib/secrets, never shown again and replaced rather than edited. A removed account keeps its row
// for the builds and nodes that name it and for the audit trail.
export const providerAccounts = pgTable(
  'provider_accounts',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    /** A provider id of lib/providers/catalog.ts. */
    provider: text().notNull(),
    name: text().notNull(),
    /** Region or zone (ap-northeast-1, japaneast, is1a, …); null where the provider has none. */
    region: text(),
    /** VPC/subnet/security group, virtual network, compartment, switch, project…: by the provider's own names. */
    network: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** The credentials, sealed (context `provider_accounts:<id>`). */
    credentials: text().notNull(),
    /** What identifies the credentials without revealing them (an access key id, a client id), for people to recognise. */
    credentialHint: text().notNull(),
    /** The account builds on this provider use when none is named. */
    isDefault: boolean().notNull().default(false),
    lastTestAt: timestamp({ withTimezone: true }),
    lastTestOk: boolean(),
    /** The provider's error code when the last test failed (its advice is looked up by it). */
    lastTestCode: text(),
    lastTestMessage: text(),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // A name is free again once its account is removed.
    uniqueIndex('provider_accounts_live_name').on(t.organizationId, t.name).where(sql`removed_at is null`),
    // At most one default per organization and provider.
    uniqueIndex('provider_accounts_default').on(t.organizationId, t.provider).where(sql`is_default and removed_at is null`),
    index('provider_accounts_organization').on(t.organizationId, t.provider),
  ],
);

export type ProviderAccount = typeof providerAccounts.$inferSelect;
