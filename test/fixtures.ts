import { eq } from 'drizzle-orm';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { db } from '@/lib/db/client';
import { users } from '@/lib/db/schema';
import { DEMO_LAB_ADMIN, seedDemo } from '@/lib/db/seed';
import { localProvider } from '@/lib/providers/local';

/** The demo lab admin, after seeding the demo institution and the shipped templates. */
export async function seededLabAdmin(): Promise<Actor> {
  await seedDemo(db());
  const user = await db().query.users.findFirst({ where: eq(users.email, DEMO_LAB_ADMIN.email) });
  return (await loadActor(db(), user!.id))!;
}

/** What the local provider really holds for a unit group (processes and folders on this machine). */
export function localResourcesOf(unitGroupId: string) {
  return localProvider().listResources({ 'ocs.unitGroupId': unitGroupId });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
}
