import { stringify } from 'yaml';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import type { TemplateDefinition } from '@/lib/templates/format';
import { getCatalogEntryOrThrow, templateVersionsOf } from './queries';

/** A version's YAML as written; versions stored without it are written out from their definition. */
export function sourceText(definition: TemplateDefinition, source: string | null): string {
  return source ?? stringify(definition, { lineWidth: 0 });
}

/** The newest version of a template the actor sees, as YAML text: what the editor starts from. */
export async function getTemplateSource(db: Database, actor: Actor, slug: string): Promise<{ slug: string; version: string; organizationId: string | null; yaml: string }> {
  const entry = await getCatalogEntryOrThrow(db, slug, actor);
  const newest = (await templateVersionsOf(db, entry.templateId)).find((v) => v.id === entry.versionId);
  return { slug: entry.slug, version: entry.version, organizationId: entry.organizationId, yaml: sourceText(entry.definition, newest?.source ?? null) };
}
