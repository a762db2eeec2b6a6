import { sql } from 'drizzle-orm';
import { check, index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './tenancy';

// The onpremises provider: a lab's own servers, registered in the portal, which nodes are placed on.
// draining: keeps its nodes but gets no new ones; unreachable: the portal could not reach it;
// removed: gone from lists, its name free again (the row stays for the audit trail).
export const hostState = pgEnum('host_state', ['active', 'draining', 'unreachable', 'removed']);

export const hosts = pgTable(
  'hosts',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    name: text().notNull(),
    /** An IPv4 or IPv6 literal or a DNS name. */
    address: text().notNull(),
    sshPort: integer().notNull().default(22),
    sshUser: text().notNull(),
    /** OpenSSH `SHA256:…` of the host key; null until pinned at the first contact. */
    hostKeyFingerprint: text(),
    /** Most nodes this host runs at once. */
    capacity: integer().notNull(),
    /** The Docker-compatible engine the server has (e.g. "Podman Engine 4.3.1"), as its agents or the connection test last found; null when none. */
    containerEngine: text(),
    /** Where on the host the portal installs its agent and nodes ("~/" is the SSH user's home). */
    agentDir: text().notNull().default('~/.ocs-portal'),
    state: hostState().notNull().default('active'),
    stateReason: text(),
    lastContactAt: timestamp({ withTimezone: true }),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    removedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    // A name is free again once its host is removed.
    uniqueIndex('hosts_live_name').on(t.organizationId, t.name).where(sql`state <> 'removed'`),
    // Listing an organization's hosts by name.
    index('hosts_organization_name').on(t.organizationId, t.name),
    check('hosts_ssh_port_range', sql`${t.sshPort} between 1 and 65535`),
    check('hosts_capacity_range', sql`${t.capacity} between 1 and 1000`),
  ],
);

/** The one SSH key pair per organization the portal signs in to its hosts with. */
export const organizationSshKeys = pgTable('organization_ssh_keys', {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: 'cascade' }),
  /** One OpenSSH line: `ssh-ed25519 AAAA… ocs-portal:<organization id>`. */
  publicKey: text().notNull(),
  /** The OpenSSH private key, sealed by lib/secrets (context `organization_ssh_keys:<organization id>`). */
  privateKey: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export type Host = typeof hosts.$inferSelect;
export type HostState = (typeof hostState.enumValues)[number];
export type OrganizationSshKey = typeof organizationSshKeys.$inferSelect;
