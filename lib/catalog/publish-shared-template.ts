import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { pgErrorCode } from '@/lib/errors';
import { templates, templateVersions } from '@/lib/db/schema';
import { parseOrThrow } from '@/lib/zod-fields';
import { slugTaken } from './queries';
import { ZTemplateYaml } from './save-template-version';
import { authorizeStaff } from './template-rights';
import { fieldError, parseTemplateOrThrow, templateTextError } from './template-text';

const UNIQUE_VIOLATION = '23505';

/**
 * NII staff put a new template into the shared catalog from its YAML. Its slug may be used by no
 * template at all, an organization's copy included, so a slug always means one template to a member.
 */
export async function publishSharedTemplate(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<{ slug: string; version: string; versionId: string }> {
  authorizeStaff(actor);
  const { yaml } = parseOrThrow(ZTemplateYaml, rawInput);
  const definition = parseTemplateOrThrow(yaml);
  const taken = () => templateTextError([fieldError(yaml, 'slug', `"${definition.slug}" is already a template; publish a new version of it instead`)]);
  if (await slugTaken(db, definition.slug, null)) throw taken();

  const created = await db
    .transaction(async (tx) => {
      const [template] = await tx.insert(templates).values({ slug: definition.slug, category: definition.category }).returning();
      const [version] = await tx.insert(templateVersions).values({ templateId: template!.id, version: definition.version, definition, source: yaml, createdBy: actor.userId }).returning();
      return { templateId: template!.id, versionId: version!.id };
    })
    .catch((e: unknown) => {
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw taken();
      throw e;
    });

  await recordAudit(db, {
    actor,
    organizationId: null,
    action: 'template.publish',
    targetType: 'template',
    targetId: created.templateId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { template: `${definition.slug}@${definition.version}`, versionId: created.versionId },
  });
  return { slug: definition.slug, version: definition.version, versionId: created.versionId };
}
