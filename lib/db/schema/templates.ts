import { sql } from 'drizzle-orm';
import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import type { TemplateDefinition } from '@/lib/templates/format';
import { organizations, users } from './tenancy';

export const templates = pgTable(
  'templates',
  {
    id: uuid().primaryKey().defaultRandom(),
    slug: text().notNull(),
    category: text().notNull(),
    /** Null: the shared NII catalog. Set: an organization's own copy, seen only by its members. */
    organizationId: uuid().references(() => organizations.id, { onDelete: 'cascade' }),
    /** The shipped folder (templates/<sourceSlug>/) whose local programs a copy runs; null: its own slug. */
    sourceSlug: text(),
    /** The version a copy was made from. */
    copiedFromVersionId: uuid().references((): AnyPgColumn => templateVersions.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  // Shared slugs are unique among shared templates; an organization's within that organization.
  (t) => [
    uniqueIndex('templates_shared_slug').on(t.slug).where(sql`${t.organizationId} is null`),
    uniqueIndex('templates_organization_slug').on(t.organizationId, t.slug).where(sql`${t.organizationId} is not null`),
  ],
);

/** Immutable: a build records the exact version it ran; an edit makes a new version. */
export const templateVersions = pgTable(
  'template_versions',
  {
    id: uuid().primaryKey().defaultRandom(),
    templateId: uuid()
      .notNull()
      .references(() => templates.id, { onDelete: 'cascade' }),
    version: text().notNull(),
    definition: jsonb().$type<TemplateDefinition>().notNull(),
    /** The template's README (markdown, Japanese then English), as published with this version. */
    readme: text(),
    /** The YAML as written (comments included), for the editor; null: only the definition is known. */
    source: text(),
    /** Who saved it: null for versions published from templates/ by the portal itself. */
    createdBy: uuid().references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('template_versions_template_version').on(t.templateId, t.version)],
);

export type Template = typeof templates.$inferSelect;
export type TemplateVersion = typeof templateVersions.$inferSelect;
