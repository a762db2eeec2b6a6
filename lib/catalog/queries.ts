import { desc, eq } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { templates, templateVersions } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { TemplateDefinition } from '@/lib/templates/format';

export interface CatalogEntry {
  slug: string;
  category: string;
  versionId: string;
  version: string;
  definition: TemplateDefinition;
}

function newestFirst(a: { version: string }, b: { version: string }): number {
  const pa = a.version.split('.').map(Number);
  const pb = b.version.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pb[i] ?? 0) - (pa[i] ?? 0);
  return 0;
}

/** Each template with its newest version. */
export async function listCatalog(db: Database): Promise<CatalogEntry[]> {
  const rows = await db
    .select({ slug: templates.slug, category: templates.category, versionId: templateVersions.id, version: templateVersions.version, definition: templateVersions.definition })
    .from(templates)
    .innerJoin(templateVersions, eq(templateVersions.templateId, templates.id))
    .orderBy(templates.slug, desc(templateVersions.createdAt));
  const newest = new Map<string, CatalogEntry>();
  for (const row of rows) {
    const seen = newest.get(row.slug);
    if (!seen || newestFirst(row, seen) < 0) newest.set(row.slug, row);
  }
  return [...newest.values()];
}

export async function getCatalogEntryOrThrow(db: Database, slug: string): Promise<CatalogEntry> {
  const entry = (await listCatalog(db)).find((e) => e.slug === slug);
  if (!entry) throw new AppError('NOT_FOUND', `No template "${slug}" in the catalog`);
  return entry;
}

export interface TemplateDetail extends CatalogEntry {
  readme: string | null;
  versions: { version: string; createdAt: Date }[];
}

/** A template's newest version with its README and the list of its versions. */
export async function getTemplateDetail(db: Database, slug: string): Promise<TemplateDetail> {
  const entry = await getCatalogEntryOrThrow(db, slug);
  const rows = await db
    .select({ id: templateVersions.id, version: templateVersions.version, createdAt: templateVersions.createdAt, readme: templateVersions.readme })
    .from(templateVersions)
    .innerJoin(templates, eq(templateVersions.templateId, templates.id))
    .where(eq(templates.slug, slug));
  return {
    ...entry,
    readme: rows.find((r) => r.id === entry.versionId)?.readme ?? null,
    versions: rows.sort(newestFirst).map(({ version, createdAt }) => ({ version, createdAt })),
  };
}
