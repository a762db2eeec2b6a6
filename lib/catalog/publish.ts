import { isNull, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { templates, templateVersions } from '@/lib/db/schema';
import type { TemplateDefinition } from '@/lib/templates/format';

/** Puts a shipped template's version into the shared catalog; publishing the same version again changes nothing. */
export async function publishTemplateVersion(db: Database, definition: TemplateDefinition, readme: string | null = null, source: string | null = null): Promise<void> {
  await db.transaction(async (tx) => {
    const [template] = await tx
      .insert(templates)
      .values({ slug: definition.slug, category: definition.category })
      .onConflictDoUpdate({ target: templates.slug, targetWhere: isNull(templates.organizationId), set: { category: definition.category, updatedAt: sql`now()` } })
      .returning();
    await tx
      .insert(templateVersions)
      .values({ templateId: template!.id, version: definition.version, definition, readme, source })
      .onConflictDoNothing();
  });
}
