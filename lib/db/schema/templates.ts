import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { TemplateDefinition } from '@/lib/templates/format';

export const templates = pgTable('templates', {
  id: uuid().primaryKey().defaultRandom(),
  slug: text().notNull().unique(),
  category: text().notNull(),
  createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Immutable: a build records the exact version it ran. */
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
    createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('template_versions_template_version').on(t.templateId, t.version)],
);

export type Template = typeof templates.$inferSelect;
export type TemplateVersion = typeof templateVersions.$inferSelect;
