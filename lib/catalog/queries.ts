import { and, eq, inArray, isNull, or } from 'drizzle-orm';
import compareSemver from 'semver/functions/compare';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { templates, templateVersions } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { TemplateDefinition } from '@/lib/templates/format';
import { templateSummaryView } from './view-of';
import type { TemplateSummaryView } from './views';

export interface CatalogEntry {
  templateId: string;
  slug: string;
  category: string;
  versionId: string;
  version: string;
  definition: TemplateDefinition;
  /** Null: the shared NII catalog; set: that organization's own template. */
  organizationId: string | null;
  /** The shipped folder whose local programs it runs (a copy's original); null: its own slug. */
  sourceSlug: string | null;
}

/** Semantic version order: 1.10.0 is newer than 1.9.0, 1.0.0-rc.1 older than 1.0.0, build metadata (+…) does not count. */
const newestFirst = (a: { version: string }, b: { version: string }) => compareSemver(b.version, a.version);

/**
 * Organizations whose own templates the actor sees: its memberships, or a token's one organization.
 * Not every tenant for staff: the catalog is what one may build from, and staff build in their own.
 */
function catalogOrganizations(actor?: Actor): string[] {
  if (!actor) return [];
  return actor.token ? [actor.token.organizationId] : actor.memberships.map((m) => m.organizationId);
}

/** Shared templates, and those of the organizations given. */
const visibleTo = (own: string[]) => (own.length ? or(isNull(templates.organizationId), inArray(templates.organizationId, own)) : isNull(templates.organizationId));

/** Each template with its newest version: the shared catalog and the actor's organizations' own (none without an actor). */
export async function listCatalog(db: Database, actor?: Actor): Promise<CatalogEntry[]> {
  const own = catalogOrganizations(actor);
  const rows = await db
    .select({
      templateId: templates.id,
      slug: templates.slug,
      category: templates.category,
      organizationId: templates.organizationId,
      sourceSlug: templates.sourceSlug,
      versionId: templateVersions.id,
      version: templateVersions.version,
      definition: templateVersions.definition,
    })
    .from(templates)
    .innerJoin(templateVersions, eq(templateVersions.templateId, templates.id))
    .where(visibleTo(own))
    .orderBy(templates.slug);
  const newest = new Map<string, CatalogEntry>();
  for (const row of rows) {
    const seen = newest.get(row.templateId);
    if (!seen || newestFirst(row, seen) < 0) newest.set(row.templateId, row);
  }
  return [...newest.values()];
}

/** The catalog as the API lists it: each template with its newest version, newest template first, a page at a time. */
export async function listTemplates(db: Database, actor: Actor, page: PageQuery = { limit: 50 }): Promise<{ templates: TemplateSummaryView[]; nextCursor: string | null }> {
  const keyset = { sort: templates.createdAt, id: templates.id };
  const rows = await db
    .select({ template: templates, id: templates.id, cursor: cursorColumn(keyset) })
    .from(templates)
    .where(and(visibleTo(catalogOrganizations(actor)), afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  if (!items.length) return { templates: [], nextCursor };
  const versions = await db
    .select({ templateId: templateVersions.templateId, versionId: templateVersions.id, version: templateVersions.version, definition: templateVersions.definition })
    .from(templateVersions)
    .where(inArray(templateVersions.templateId, items.map((t) => t.id)));
  const list: TemplateSummaryView[] = [];
  for (const { template: t } of items) {
    const newest = versions.filter((v) => v.templateId === t.id).sort(newestFirst)[0];
    if (newest)
      list.push(
        templateSummaryView(
          { templateId: t.id, slug: t.slug, category: t.category, organizationId: t.organizationId, sourceSlug: t.sourceSlug, versionId: newest.versionId, version: newest.version, definition: newest.definition },
          t.createdAt,
        ),
      );
  }
  return { templates: list, nextCursor };
}

/**
 * The template the actor means by a slug: the given organization's own, else the shared one,
 * else one of the actor's organizations'. Another organization's template is "not found".
 */
export async function getCatalogEntryOrThrow(db: Database, slug: string, actor?: Actor, organizationId?: string): Promise<CatalogEntry> {
  const candidates = (await listCatalog(db, actor)).filter((e) => e.slug === slug);
  const entry =
    (organizationId ? candidates.find((e) => e.organizationId === organizationId) : undefined) ??
    candidates.find((e) => e.organizationId === null) ??
    (organizationId ? undefined : candidates[0]);
  if (!entry) throw new AppError('NOT_FOUND', `No template "${slug}" in the catalog`);
  return entry;
}

export interface TemplateVersionRow {
  id: string;
  version: string;
  createdAt: Date;
  readme: string | null;
  source: string | null;
}

/** Every version of a template, newest first. */
export async function templateVersionsOf(db: Database, templateId: string): Promise<TemplateVersionRow[]> {
  const rows = await db
    .select({ id: templateVersions.id, version: templateVersions.version, createdAt: templateVersions.createdAt, readme: templateVersions.readme, source: templateVersions.source })
    .from(templateVersions)
    .where(eq(templateVersions.templateId, templateId));
  return rows.sort(newestFirst);
}

export interface TemplateDetail extends CatalogEntry {
  readme: string | null;
  versions: { version: string; createdAt: Date }[];
}

/** A template's newest version with its README and the list of its versions. */
export async function getTemplateDetail(db: Database, slug: string, actor?: Actor): Promise<TemplateDetail> {
  const entry = await getCatalogEntryOrThrow(db, slug, actor);
  const rows = await templateVersionsOf(db, entry.templateId);
  return {
    ...entry,
    readme: rows.find((r) => r.id === entry.versionId)?.readme ?? null,
    versions: rows.map(({ version, createdAt }) => ({ version, createdAt })),
  };
}

/** Whether a slug is taken by a shared template or by the organization's own (null: by any organization's). */
export async function slugTaken(db: Database, slug: string, organizationId: string | null): Promise<boolean> {
  const rows = await db
    .select({ id: templates.id })
    .from(templates)
    .where(and(eq(templates.slug, slug), organizationId ? or(isNull(templates.organizationId), eq(templates.organizationId, organizationId)) : undefined))
    .limit(1);
  return rows.length > 0;
}
