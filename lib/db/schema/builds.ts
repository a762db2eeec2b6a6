import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organizations, users } from './tenancy';
import { templateVersions } from './templates';
import { unitGroups } from './unit-groups';

export const buildStatus = pgEnum('build_status', ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED']);
export const stepStatus = pgEnum('build_step_status', ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'SKIPPED']);
export const logLevel = pgEnum('build_log_level', ['info', 'warn', 'error']);
/** create: a template's first run, making the unit group; scale: changing a unit's node count; power: powering a unit's or unit group's nodes off or on. */
export const buildKind = pgEnum('build_kind', ['create', 'scale', 'power']);
/** On cancel: keep what the build made, or tear its unit group down. */
export const cancelMode = pgEnum('build_cancel_mode', ['keep', 'teardown']);

export type BuildOutput = { key: string; label: { ja: string; en: string }; kind: 'url' | 'text' | 'secret'; values: string[] };
/** Secret parameters and generated credentials: workers need them, the API never returns them. */
export type BuildSecrets = { parameters: Record<string, unknown>; generated: Record<string, string> };

export const builds = pgTable(
  'builds',
  {
    id: uuid().primaryKey().defaultRandom(),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    templateVersionId: uuid()
      .notNull()
      .references(() => templateVersions.id),
    createdBy: uuid()
      .notNull()
      .references(() => users.id),
    unitGroupId: uuid().references(() => unitGroups.id, { onDelete: 'set null' }),
    kind: buildKind().notNull().default('create'),
    status: buildStatus().notNull().default('QUEUED'),
    parameters: jsonb().$type<Record<string, unknown>>().notNull(),
    /** Secret outputs are listed here without their values, which are in secretOutputs. */
    outputs: jsonb().$type<BuildOutput[]>().notNull().default([]),
    /** BuildSecrets sealed by lib/secrets (null: none). Rows from before encryption hold plain JSON until reencryptSecrets. */
    secrets: text(),
    /** The values of secret outputs (key → values), sealed; set to null by the one reveal to the creator. */
    secretOutputs: text(),
    /** Secret outputs are shown to the build's creator once; this records when. */
    secretsRevealedAt: timestamp({ withTimezone: true }),
    error: text(),
    /** Set when someone cancels a running build; the worker stops at the next node or step. */
    cancelRequestedAt: timestamp({ withTimezone: true }),
    cancelMode: cancelMode(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  // A unit group's builds: its page reads its latest and its first (the template it was made from).
  (t) => [index('builds_unit_group').on(t.unitGroupId, t.createdAt)],
);

/** One row per step: the checkpoint a resumed worker reads to skip finished work. */
export const buildSteps = pgTable(
  'build_steps',
  {
    id: uuid().primaryKey().defaultRandom(),
    buildId: uuid()
      .notNull()
      .references(() => builds.id, { onDelete: 'cascade' }),
    position: integer().notNull(),
    key: text().notNull(),
    /** What the step does (create-nodes, start-applications, wait-ready, remove-nodes). */
    action: text().notNull(),
    title: jsonb().$type<{ ja: string; en: string }>(),
    /** For start-applications: the applications it starts (empty = every one of the unit's role). */
    applications: text().array().notNull().default(sql`'{}'::text[]`),
    status: stepStatus().notNull().default('PENDING'),
    attempts: integer().notNull().default(0),
    error: text(),
    startedAt: timestamp({ withTimezone: true }),
    finishedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('build_steps_build_key').on(t.buildId, t.key)],
);

export const buildLogs = pgTable(
  'build_logs',
  {
    id: bigserial({ mode: 'number' }).primaryKey(),
    buildId: uuid()
      .notNull()
      .references(() => builds.id, { onDelete: 'cascade' }),
    stepKey: text(),
    level: logLevel().notNull().default('info'),
    message: text().notNull(),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('build_logs_build_id').on(t.buildId, t.id)],
);

export type Build = typeof builds.$inferSelect;
export type BuildStep = typeof buildSteps.$inferSelect;
export type BuildLog = typeof buildLogs.$inferSelect;
export type BuildStatus = (typeof buildStatus.enumValues)[number];
