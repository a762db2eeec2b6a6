import { eq } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { memberships, users, type MemberRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/** Who is calling, as every domain function sees it (from a session today, from an API token later). */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  isStaff: boolean;
  memberships: { institutionId: string; role: MemberRole }[];
}

export async function loadActor(db: Database, userId: string): Promise<Actor | null> {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) return null;
  const rows = await db.select().from(memberships).where(eq(memberships.userId, userId));
  return {
    userId: user.id,
    email: user.email,
    name: user.nameJa ?? user.name,
    isStaff: user.isStaff,
    memberships: rows.map((m) => ({ institutionId: m.institutionId, role: m.role })),
  };
}

/** Institutions whose resources the actor may read; null means every institution (NII staff). */
export function readableInstitutions(actor: Actor): string[] | null {
  return actor.isStaff ? null : actor.memberships.map((m) => m.institutionId);
}

export function canRead(actor: Actor, institutionId: string): boolean {
  return actor.isStaff || actor.memberships.some((m) => m.institutionId === institutionId);
}

/** The institution the actor builds for: the one where they may build and operate. */
export function operatingInstitution(actor: Actor): string {
  const m = actor.memberships.find((x) => x.role !== 'viewer');
  if (!m) throw new AppError('FORBIDDEN', 'You are not a member of an institution that may build. Ask its admin to add you.');
  return m.institutionId;
}

export function canOperate(actor: Actor, institutionId: string): boolean {
  return actor.memberships.some((m) => m.institutionId === institutionId && m.role !== 'viewer');
}
