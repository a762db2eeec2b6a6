import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { ApplicationReport, Capabilities, MetricsSnapshot, NodeLogin } from '@/agent/protocol';
import { hosts } from './hosts';
import { providerAccounts } from './provider-accounts';
import { organizations, users } from './tenancy';

// State names follow OCS (VC / unit / node state diagrams).
export const unitGroupState = pgEnum('unit_group_state', ['APPLYING', 'RUNNING', 'DELETING', 'ERROR', 'DELETED']);
export const unitState = pgEnum('unit_state', ['BOOTING', 'RUNNING', 'DELETING', 'ERROR', 'DELETED']);
export const nodeState = pgEnum('node_state', [
  'BOOTING',
  'RUNNING',
  'SUSPENDING',
  'SUSPENDED',
  'RESUMING',
  'SHUTTING_DOWN',
  'POWER_OFF',
  'STOPPING',
  'STOPPED',
  'CONTAINER_ERROR',
  'HOST_ERROR',
  'DELETING',
  'DELETED',
]);
export const applicationState = pgEnum('application_state', ['STARTING', 'RUNNING', 'ERROR', 'STOPPED']);

const timestamps = {
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
};

export const unitGroups = pgTable(
  'unit_groups',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    name: text().notNull(),
    ownerId: uuid()
      .notNull()
      .references(() => users.id),
    state: unitGroupState().notNull().default('APPLYING'),
    stateReason: text(),
    /** The end of its term (lib/expiry): reminders before it, nodes powered off at it, deletion after the organization's grace period. */
    expiresAt: timestamp({ withTimezone: true }),
    /** When its nodes were powered off because it expired; cleared by an extension. */
    expiredAt: timestamp({ withTimezone: true }),
    ...timestamps,
    deletedAt: timestamp({ withTimezone: true }),
  },
  // A name is free again once its unit group is deleted.
  (t) => [
    uniqueIndex('unit_groups_live_name').on(t.organizationId, t.name).where(sql`state <> 'DELETED'`),
    // The unit groups list of an organization, newest first, a page at a time.
    index('unit_groups_organization').on(t.organizationId, t.createdAt.desc(), t.id.desc()),
  ],
);

/** A homogeneous set of nodes; its spec columns mirror the VCP SDK spec. */
export const units = pgTable(
  'units',
  {
    id: uuid().primaryKey().defaultRandom(),
    unitGroupId: uuid()
      .notNull()
      .references(() => unitGroups.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    /** Template role the unit plays (web, master, worker, …). */
    role: text().notNull(),
    state: unitState().notNull().default('BOOTING'),
    provider: text().notNull(),
    flavor: text().notNull(),
    numNodes: integer().notNull(),
    image: text().notNull(),
    instanceType: text(),
    volumeSize: integer(),
    /** The organization's account its nodes are made in, on a cloud provider (its default when the build was submitted). */
    providerAccountId: uuid().references(() => providerAccounts.id),
    ipAddresses: text().array().notNull().default(sql`'{}'::text[]`),
    tags: jsonb().$type<Record<string, string>>().notNull().default({}),
    /** Where nodes go that the unit's own provider has no room for (cloud burst); null: nowhere. */
    burst: jsonb().$type<BurstPolicy>(),
    /**
     * A unit made from a spec (the VCP SDK's create_unit): its base container's values (image, port,
     * environment…), which override its unit group's template values for its nodes. Null: a template's unit.
     */
    specValues: jsonb().$type<Record<string, unknown>>(),
    ...timestamps,
  },
  // A name is free again once its unit is deleted (the VCP SDK's delete_units, cleanup).
  (t) => [uniqueIndex('units_group_name').on(t.unitGroupId, t.name).where(sql`state <> 'DELETED'`)],
);

export const nodes = pgTable(
  'nodes',
  {
    id: uuid().primaryKey().defaultRandom(),
    unitId: uuid()
      .notNull()
      .references(() => units.id, { onDelete: 'cascade' }),
    unitGroupId: uuid()
      .notNull()
      .references(() => unitGroups.id, { onDelete: 'cascade' }),
    nodeNo: integer().notNull(),
    /**
     * Where the node's machine is: its unit's provider, account and flavor, or its unit's burst
     * policy's for a node that overflowed to a cloud. Set when the node is recorded, never changed.
     */
    provider: text().notNull(),
    providerAccountId: uuid().references(() => providerAccounts.id),
    flavor: text().notNull(),
    /** Deterministic provider-side name: the idempotency key for creation. */
    name: text().notNull().unique(),
    state: nodeState().notNull().default('BOOTING'),
    stateReason: text(),
    ipAddress: text(),
    providerResourceId: text(),
    /** The lab server an onpremises node is placed on (its capacity counts the node until it is deleted). */
    hostId: uuid().references(() => hosts.id),
    /** When the node's agent last started (uptime is measured from here). */
    startedAt: timestamp({ withTimezone: true }),
    // The agent channel (lib/agent-channel): the agent dials home, first with a one-time bootstrap
    // token, then with its own credential. Only hashes are kept.
    bootstrapTokenHash: text(),
    bootstrapTokenExpiresAt: timestamp({ withTimezone: true }),
    credentialHash: text(),
    agentVersion: text(),
    agentHostname: text(),
    capabilities: jsonb().$type<Capabilities>(),
    /** Set when the agent registers and on every sync; liveness is judged from it. */
    lastHeartbeatAt: timestamp({ withTimezone: true }),
    /**
     * Since when the unit group's work queue (Slurm) has seen the node idle; null while it is busy or
     * unknown. The queue-driven burst removes overflow nodes idle for long (lib/burst/queue-scaling.ts).
     */
    queueIdleSince: timestamp({ withTimezone: true }),
    /** Bumped on every change of what the node should run; the agent reports the version it applied. */
    desiredVersion: integer().notNull().default(0),
    appliedVersion: integer().notNull().default(0),
    /** The agent's latest metrics snapshot. */
    metrics: jsonb().$type<MetricsSnapshot>(),
    /** How people log in over SSH, as the agent reports it: the account and the host keys to trust. */
    login: jsonb().$type<NodeLogin>(),
    ...timestamps,
    deletedAt: timestamp({ withTimezone: true }),
  },
  (t) => [
    uniqueIndex('nodes_unit_no').on(t.unitId, t.nodeNo),
    // The liveness sweep reads only live nodes by their last heartbeat.
    index('nodes_heartbeat').on(t.lastHeartbeatAt).where(sql`deleted_at is null`),
    // A host's free capacity counts its live nodes.
    index('nodes_host').on(t.hostId).where(sql`deleted_at is null`),
    uniqueIndex('nodes_bootstrap_token').on(t.bootstrapTokenHash).where(sql`bootstrap_token_hash is not null`),
    // A unit group's nodes (its page, every build step), newest first for the nodes list of an organization.
    index('nodes_unit_group').on(t.unitGroupId, t.createdAt.desc(), t.id.desc()).where(sql`deleted_at is null`),
    // The nodes list of every organization (NII staff), newest first, a page at a time.
    index('nodes_created').on(t.createdAt.desc(), t.id.desc()).where(sql`deleted_at is null`),
  ],
);

/** OCS application containers: what runs on a node. */
export const applications = pgTable(
  'applications',
  {
    id: uuid().primaryKey().defaultRandom(),
    nodeId: uuid()
      .notNull()
      .references(() => nodes.id, { onDelete: 'cascade' }),
    name: text().notNull(),
    image: text().notNull(),
    port: integer(),
    url: text(),
    state: applicationState().notNull().default('STARTING'),
    stateReason: text(),
    /**
     * What the node's agent must run (desired state: an agent/protocol DesiredApplication), sealed
     * with the secret key since its environment holds the build's secrets (lib/secrets/application-specs).
     * Null for rows made before the agent channel and for applications being removed.
     */
    spec: text(),
    /** What the agent last reported of it. */
    report: jsonb().$type<ApplicationReport>(),
    ...timestamps,
  },
  (t) => [uniqueIndex('applications_node_name').on(t.nodeId, t.name)],
);

/**
 * A unit's overflow: once its own provider (the lab's servers) has no room, new nodes go to this
 * cloud account and flavor, up to maxNodes of them; scaling in removes them first. With `queue`,
 * the work queue of the unit group (Slurm) also drives the count: jobs pending for pendingSeconds
 * add the nodes they ask for, and overflow nodes that ran no job for idleSeconds are removed.
 */
export interface BurstPolicy {
  provider: string;
  providerAccountId: string | null;
  flavor: string;
  maxNodes: number;
  queue?: { pendingSeconds: number; idleSeconds: number };
  /** Who set it: the queue-driven changes are made on their behalf. */
  setBy: string;
}

export type UnitGroup = typeof unitGroups.$inferSelect;
export type Unit = typeof units.$inferSelect;
export type Node = typeof nodes.$inferSelect;
export type Application = typeof applications.$inferSelect;
export type NodeState = (typeof nodeState.enumValues)[number];
export type UnitGroupState = (typeof unitGroupState.enumValues)[number];
