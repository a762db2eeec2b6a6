// Catalog entries → the API's views (lib/catalog/views.ts), field by field: the template's row id
// and the rest of what the queries carry stay here.
import type { CatalogEntry, TemplateDetail } from './queries';
import type { TemplateDetailView, TemplateSummaryView } from './views';

export function templateSummaryView(e: CatalogEntry, createdAt: Date): TemplateSummaryView {
  return {
    slug: e.slug,
    category: e.category,
    version: e.version,
    versionId: e.versionId,
    organizationId: e.organizationId,
    sourceSlug: e.sourceSlug,
    title: e.definition.title,
    summary: e.definition.summary,
    createdAt,
  };
}

export function templateDetailView(t: TemplateDetail): TemplateDetailView {
  return {
    slug: t.slug,
    category: t.category,
    version: t.version,
    versionId: t.versionId,
    organizationId: t.organizationId,
    sourceSlug: t.sourceSlug,
    // The parsed template as stored: lib/catalog/views.ts describes every field of it.
    definition: t.definition,
    readme: t.readme,
    versions: t.versions.map((v) => ({ version: v.version, createdAt: v.createdAt })),
  };
}
