import { sql } from 'drizzle-orm';
import { index, integer, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from './tenancy';
import { nodes } from './unit-groups';

// Reaching a node: members' SSH keys (installed on nodes by their agents) and the sessions the
// portal relays between a browser and a node's agent (a terminal, an application's log).

/** A member's SSH public key, from their profile. */
export const userSshKeys = pgTable(
  'user_ssh_keys',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** What the member calls it ("laptop"). */
    name: text().notNull(),
    /** One OpenSSH line: `<type> <base64>`, the comment replaced by the portal's. */
    publicKey: text().notNull(),
    /** SHA256:… as `ssh-keygen -l` prints it. */
    fingerprint: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('user_ssh_keys_user_fingerprint').on(t.userId, t.fingerprint)],
);

export const nodeSessionKind = pgEnum('node_session_kind', ['terminal', 'logs']);

/**
 * A browser's session with a node, relayed through the node's agent (which dials the portal, so it
 * works behind NAT). The browser proves itself with a one-time ticket; the agent with its credential.
 */
export const nodeSessions = pgTable(
  'node_sessions',
  {
    id: uuid().primaryKey().defaultRandom(),
    nodeId: uuid()
      .notNull()
      .references(() => nodes.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => users.id),
    kind: nodeSessionKind().notNull(),
    /** The application whose log it follows. */
    application: text(),
    /** SHA-256 of the browser's one-time ticket; cleared when used. */
    ticketHash: text(),
    ticketExpiresAt: timestamp({ withTimezone: true }).notNull(),
    /** The terminal's size when it was opened. */
    columns: integer(),
    rows: integer(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** When the agent joined; when either side left, and why. */
    agentJoinedAt: timestamp({ withTimezone: true }),
    endedAt: timestamp({ withTimezone: true }),
    endReason: text(),
  },
  (t) => [
    uniqueIndex('node_sessions_ticket').on(t.ticketHash).where(sql`ticket_hash is not null`),
    // Agents are told of their node's sessions that wait for them.
    index('node_sessions_waiting').on(t.nodeId).where(sql`agent_joined_at is null and ended_at is null`),
  ],
);

export type UserSshKey = typeof userSshKeys.$inferSelect;
export type NodeSession = typeof nodeSessions.$inferSelect;
