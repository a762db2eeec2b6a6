import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { OverlayReport } from '@/agent/protocol';
import { nodes, unitGroups } from './unit-groups';

// Each unit group whose nodes run on machines gets a private network of its own (WireGuard, see
// lib/overlay): a /24 block of the installation's overlay range, and an address in it per node.
// The portal hands every node its peers' public keys and endpoints; private keys stay on nodes.

export const overlayNetworks = pgTable('overlay_networks', {
  unitGroupId: uuid()
    .primaryKey()
    .references(() => unitGroups.id, { onDelete: 'cascade' }),
  /** Which /24 of the overlay range (lib/overlay/addresses.ts): unique while the unit group lives. */
  block: integer().notNull().unique(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

export const overlayMembers = pgTable(
  'overlay_members',
  {
    nodeId: uuid()
      .primaryKey()
      .references(() => nodes.id, { onDelete: 'cascade' }),
    unitGroupId: uuid()
      .notNull()
      .references(() => overlayNetworks.unitGroupId, { onDelete: 'cascade' }),
    /** The node's host number in its unit group's block (1–254). */
    hostNo: integer().notNull(),
    /** Reported by the node's agent; a node without one is not yet anybody's peer. */
    publicKey: text(),
    /** Where peers may reach it directly, as its agent reports them ("ip:port"). */
    endpoints: jsonb().$type<string[]>().notNull().default([]),
    /** The agent's latest word on its interface and on the path to each peer. */
    report: jsonb().$type<OverlayReport>(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('overlay_members_address').on(t.unitGroupId, t.hostNo)],
);

export type OverlayMember = typeof overlayMembers.$inferSelect;
