import { eq, sql } from 'drizzle-orm';
import compareSemver from 'semver/functions/compare';
import { z } from 'zod';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { pgErrorCode } from '@/lib/errors';
import { templates, templateVersions } from '@/lib/db/schema';
import { parseOrThrow } from '@/lib/zod-fields';
import { getCatalogEntryOrThrow, templateVersionsOf, type CatalogEntry } from './queries';
import { authorizeStaff } from './template-rights';
import { fieldError, parseTemplateOrThrow, templateTextError } from './template-text';

const UNIQUE_VIOLATION = '23505';

const ZTarget = z.object({ slug: z.string().min(1), organizationId: z.uuid('must be an organization id').optional() });
/** 256 KiB: far more than any real template, small enough to parse on a request. */
export const ZTemplateYaml = z.object({ yaml: z.string({ error: 'expected the template as YAML text' }).min(1, 'expected the template as YAML text').max(262_144, 'is too long') });

/** Who may change a template: its organization's builders, or for a shared one NII staff. */
function authorizeEdit(actor: Actor, entry: CatalogEntry): void {
  if (entry.organizationId) authorize(actor, 'build', entry.organizationId, 'template');
  else authorizeStaff(actor);
}

/**
 * A new immutable version of a template from its edited YAML: an organization's own template, or
 * (staff) a shared one, published to everyone. The YAML keeps the template's slug and carries a
 * version greater than the newest; every problem names its line and field.
 */
export async function saveTemplateVersion(db: Database, actor: Actor, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<{ slug: string; version: string; versionId: string }> {
  const target = parseOrThrow(ZTarget, rawInput);
  const entry = await getCatalogEntryOrThrow(db, target.slug, actor, target.organizationId);
  authorizeEdit(actor, entry);
  const { yaml } = parseOrThrow(ZTemplateYaml, rawInput);
  const definition = parseTemplateOrThrow(yaml);
  if (definition.slug !== entry.slug) throw templateTextError([fieldError(yaml, 'slug', `must stay "${entry.slug}"; copy the template to make one with another slug`)]);
  const versions = await templateVersionsOf(db, entry.templateId);
  const newest = versions[0]!;
  const older = () => templateTextError([fieldError(yaml, 'version', `must be greater than the newest version ${newest.version}`)]);
  if (compareSemver(definition.version, newest.version) <= 0) throw older();

  const [saved] = await db
    .transaction(async (tx) => {
      await tx.update(templates).set({ category: definition.category, updatedAt: sql`now()` }).where(eq(templates.id, entry.templateId));
      // The README is not edited here: the new version carries the newest one's.
      return tx.insert(templateVersions).values({ templateId: entry.templateId, version: definition.version, definition, source: yaml, readme: newest.readme, createdBy: actor.userId }).returning();
    })
    .catch((e: unknown) => {
      // Two saves racing for one version number: the unique index decides.
      if (pgErrorCode(e) === UNIQUE_VIOLATION) throw older();
      throw e;
    });

  await recordAudit(db, {
    actor,
    organizationId: entry.organizationId,
    action: entry.organizationId ? 'template.edit' : 'template.publish',
    targetType: 'template',
    targetId: entry.templateId,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { template: `${entry.slug}@${definition.version}`, previous: newest.version, versionId: saved!.id },
  });
  return { slug: entry.slug, version: definition.version, versionId: saved!.id };
}
