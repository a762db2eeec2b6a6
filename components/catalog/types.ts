import type { Localized, TemplateDefinition } from '@/lib/templates/format';

// What the catalog pages receive from /api/v1 (and the catalog page from the server).

/** GET /api/v1/providers: every provider, with whether this installation can build on it. */
export interface ProviderOption {
  id: string;
  label: Localized;
  flavors: { name: string; label: Localized; values: Record<string, string | number> }[];
  region: string;
  available: boolean;
  unavailableReason?: Localized;
  /** Whose accounts its nodes are made in, when another provider's (aws_spot: aws). */
  accountsOf?: string;
}

/** GET /api/v1/organizations/:id/provider-accounts, as a build form chooses from them. */
export interface AccountOption {
  id: string;
  name: string;
  provider: string;
  isDefault: boolean;
}

/** GET /api/v1/templates/:slug */
export interface TemplateDetail {
  slug: string;
  category: string;
  version: string;
  versionId: string;
  /** Null: the shared catalog; set: the caller's organization's own template (a copy). */
  organizationId: string | null;
  /** The shipped template a copy was made from (whose local programs it runs). */
  sourceSlug: string | null;
  definition: TemplateDefinition;
  /** The template's README.md (Markdown), if it has one. */
  readme: string | null;
  versions: { version: string; createdAt: string }[];
}

/** GET /api/v1/templates/:slug's `rights`: what the caller may do with the template. */
export interface TemplateRights {
  edit: boolean;
  /** Organizations the caller may copy it into. */
  copyTo: { id: string; name: string }[];
}

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
