import type { TemplateDetailView, TemplateRightsView } from '@/lib/catalog/views';
import type { ProviderView } from '@/lib/providers/views';
import type { Localized, TemplateDefinition } from '@/lib/templates/format';
import type { Json } from '../json-types';

// What the catalog pages receive from /api/v1 (and the catalog page from the server).

/** GET /api/v1/providers: every provider, with whether this installation can build on it. */
export type ProviderOption = Json<ProviderView>;

/** GET /api/v1/organizations/:id/provider-accounts, as a build form chooses from them. */
export interface AccountOption {
  id: string;
  name: string;
  provider: string;
  isDefault: boolean;
}

/** GET /api/v1/templates/:slug */
export type TemplateDetail = Json<TemplateDetailView>;

/** GET /api/v1/templates/:slug's `rights`: what the caller may do with the template. */
export type TemplateRights = Json<TemplateRightsView>;

/** One card of the catalog page. */
export interface CatalogCard {
  slug: string;
  category: string;
  version: string;
  title: Localized;
  summary: Localized;
  /** An organization's own template, not the shared catalog's. */
  own: boolean;
  /** Providers every unit of the template can run on; available: this installation builds there. */
  providers: { id: string; label: Localized; available: boolean }[];
}

/** Providers every unit of a template lists. */
export function templateProviders(definition: TemplateDefinition): string[] {
  const [first, ...rest] = definition.units;
  return Object.keys(first?.providers ?? {}).filter((id) => rest.every((u) => Object.hasOwn(u.providers, id)));
}
