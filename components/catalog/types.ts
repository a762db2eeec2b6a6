import type { Localized, TemplateDefinition } from '@/lib/templates/format';

// What the catalog pages receive from /api/v1 (and the catalog page from the server).

/** GET /api/v1/providers: providers this installation can build on. */
export interface ProviderOption {
  id: string;
  label: Localized;
  flavors: { name: string; label: Localized; values: Record<string, string | number> }[];
}

/** GET /api/v1/templates/:slug */
export interface TemplateDetail {
  slug: string;
  category: string;
  version: string;
  versionId: string;
  definition: TemplateDefinition;
  /** The template's README.md (Markdown), if it has one. */
  readme: string | null;
  versions: { version: string; createdAt: string }[];
}

/** One card of the catalog page. */
export interface CatalogCard {
  slug: string;
  category: string;
  version: string;
  title: Localized;
  summary: Localized;
  /** Providers every unit of the template can run on; available: this installation builds there. */
  providers: { id: string; label: Localized; available: boolean }[];
}

/** Providers every unit of a template lists. */
export function templateProviders(definition: TemplateDefinition): string[] {
  const [first, ...rest] = definition.units;
  return Object.keys(first?.providers ?? {}).filter((id) => rest.every((u) => Object.hasOwn(u.providers, id)));
}
