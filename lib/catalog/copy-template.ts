import { parseDocument } from 'yaml';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { actingOrganization, authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { templates, templateVersions } from '@/lib/db/schema';
import { invalidInput, pgErrorCode } from '@/lib/errors';
import { parseOrThrow } from '@/lib/zod-fields';
import { getCatalogEntryOrThrow, slugTaken, templateVersionsOf } from './queries';
import { sourceText } from './template-source';
import { parseTemplateOrThrow } from './template-text';

const UNIQUE_VIOLATION = '23505';
/** A copy starts its own version line. */
export const COPY_VERSION = '0.1.0';

export const ZCopyTemplateInput = z.strictObject({
  slug: z.string().min(1),
  organizationId: z.uuid().optional(),
  newSlug: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, 'expected lower-case letters, digits and "-", starting with a letter (up to 31)'),
});

/**
 * An organization's own copy of a template it sees: the newest version's YAML (comments kept)
 * under the new slug, titled "(copy)", at version 0.1.0. The copy still runs the original's
 * local programs (templates/<original>/).
 */
export async function copyTemplate(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<{ slug: string; templateId: string; versionId: string }> {
  const input = parseOrThrow(ZCopyTemplateInput, rawInput);
  const organizationId = actingOrganization(actor, input.organizationId);
  authorize(actor, 'build', organizationId, 'organization');
  const original = await getCatalogEntryOrThrow(db, input.slug, actor);
  if (await slugTaken(db, input.newSlug, organizationId)) throw invalidInput({ newSlug: `"${input.newSlug}" is already used in the catalog or by your organization` });

  const newest = (await templateVersionsOf(db, original.templateId)).find((v) => v.id === original.versionId);
  const doc = parseDocument(sourceText(original.definition, newest?.source ?? null));
  const { title } = original.definition;
  doc.set('slug', input.newSlug);
  doc.set('version', COPY_VERSION);
  doc.setIn(['title', 'ja'], `${title.ja} (コピー)`);
  doc.setIn(['title', 'en'], `${title.en} (copy)`);
  // The original's history belongs to the original; the copy's starts here.
  doc.set(
    'changelog',
    doc.createNode([
      {
        version: COPY_VERSION,
        date: new Date().toISOString().slice(0, 10),
        changes: { ja: `${original.slug} ${original.version} からコピーしました。`, en: `Copied from ${original.slug} ${original.version}.` },
      },
    ]),
  );
  const source = doc.toString({ lineWidth: 0 });
  const definition = parseTemplateOrThrow(source);

  const created = await db
    .transaction(async (tx) => {
      const [template] = await tx
        .insert(templates)
        .values({ slug: input.newSlug, category: definition.category, organizationId, sourceSlug: original.sourceSlug ?? original.slug, copiedFromVersionId: original.versionId })
        .returning();
      const [version] = await tx
        .insert(templateVersions)
        .values({ templateId: template!.id, version: COPY_VERSION, definition, source, readme: newest?.readme ?? null, createdBy: actor.userId })
        .returning();
      return { templateId: template!.id, versionId: version!.id };
    })
    .catch((e: unknown) => {
      // Two copies racing for one slug: the unique index decides.
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw invalidInput({ newSlug: `"${input.newSlug}" is already used by your organization` });
      throw e;
    });

  await recordAudit(db, {
    actor,
    organizationId,
    action: 'template.copy',
    targetType: 'template',
    targetId: created.templateId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { from: `${original.slug}@${original.version}`, fromVersionId: original.versionId, slug: input.newSlug },
  });
  return { slug: input.newSlug, ...created };
}
