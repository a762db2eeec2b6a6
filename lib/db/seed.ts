import { sql } from 'drizzle-orm';
import { readShippedTemplates } from '@/lib/catalog/template-files';
import { publishTemplateVersion } from '@/lib/catalog/publish';
import type { Database } from './client';
import { institutions, memberships, users } from './schema';

export const DEMO_INSTITUTION = { slug: 'demo-univ', name: 'Demo University', nameJa: 'デモ大学', domain: 'demo-univ.ac.jp' };
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
    const [labAdmin] = await tx
      .insert(users)
      .values(DEMO_LAB_ADMIN)
      .onConflictDoUpdate({ target: users.email, set: { updatedAt: sql`now()` } })
      .returning();
    await tx.insert(users).values({ ...DEMO_STAFF, isStaff: true }).onConflictDoNothing();
    await tx.insert(memberships).values({ institutionId: institution!.id, userId: labAdmin!.id, role: 'admin' }).onConflictDoNothing();
  });
  await syncShippedTemplates(db);
}

/** Publishes every template under templates/ (new versions only). */
export async function syncShippedTemplates(db: Database): Promise<void> {
  for (const definition of await readShippedTemplates()) await publishTemplateVersion(db, definition);
}
