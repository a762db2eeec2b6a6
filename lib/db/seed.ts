import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { templateDir } from '@/lib/catalog/template-files';
import { loadShippedTemplates, templateFile } from '@/lib/templates/load';
import { publishTemplateVersion } from '@/lib/catalog/publish';
import type { Database } from './client';
import { institutions, memberships, organizations, users } from './schema';

export const DEMO_INSTITUTION = { slug: 'demo-univ', name: 'Demo University', nameJa: 'デモ大学', domain: 'demo-univ.ac.jp' };
export const DEMO_ORGANIZATION = { name: '情報科学研究室 (Demo Lab)', kind: 'lab' as const, department: '情報科学科', maxNodes: 20 };
export const DEMO_LAB_ADMIN = { email: 'labadmin@demo-univ.ac.jp', name: 'Hanako Yamada', nameJa: '山田 花子' };
export const DEMO_STAFF = { email: 'staff@nii.ac.jp', name: 'Taro Suzuki', nameJa: '鈴木 太郎' };

/** Demo data for a first start; running it again changes nothing. */
export async function seedDemo(db: Database): Promise<void> {
  await db.transaction(async (tx) => {
    const [institution] = await tx
      .insert(institutions)
      .values(DEMO_INSTITUTION)
      .onConflictDoUpdate({ target: institutions.slug, set: { updatedAt: sql`now()` } })
      .returning();
    await tx.insert(organizations).values({ ...DEMO_ORGANIZATION, institutionId: institution!.id }).onConflictDoNothing();
    const organization = await tx.query.organizations.findFirst({ where: (o, { and, eq }) => and(eq(o.institutionId, institution!.id), eq(o.name, DEMO_ORGANIZATION.name)) });
    const [labAdmin] = await tx
      .insert(users)
      .values(DEMO_LAB_ADMIN)
      .onConflictDoUpdate({ target: users.email, set: { updatedAt: sql`now()` } })
      .returning();
    await tx.insert(users).values({ ...DEMO_STAFF, isStaff: true }).onConflictDoNothing();
    await tx.insert(memberships).values({ organizationId: organization!.id, userId: labAdmin!.id, role: 'owner' }).onConflictDoNothing();
  });
  await syncShippedTemplates(db);
}

/** Publishes every template under templates/ (new versions only). */
export async function syncShippedTemplates(db: Database): Promise<void> {
  for (const definition of await loadShippedTemplates()) {
    const readme = await readFile(path.join(templateDir(definition.slug), 'README.md'), 'utf8').catch(() => null);
    await publishTemplateVersion(db, definition, readme, await readFile(templateFile(definition.slug), 'utf8'));
  }
}
