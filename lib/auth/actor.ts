import { and, eq } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { memberships, organizations, users, type MemberRole, type TokenRole } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

/** Who is calling, as every domain function sees it: from a browser session or an API token. */
export interface Actor {
  userId: string;
  email: string;
  name: string;
  /** NII staff (OCS運用担当者): review applications, manage the catalog, read every tenant. */
  isStaff: boolean;
  memberships: { organizationId: string; organizationName: string; role: MemberRole }[];
  /** Set for API tokens: the token acts only in its organization, and a readonly one never changes anything. */
  token?: { id: string; prefix: string; organizationId: string; role: TokenRole };
}

/** `terminal`: a shell on the organization's nodes in the browser. */
export type Permission = 'read' | 'build' | 'manageMembers' | 'manageTokens' | 'manageHosts' | 'manageAccounts' | 'readAudit' | 'terminal';

const ROLE_PERMISSIONS: Record<MemberRole, readonly Permission[]> = {
  owner: ['read', 'build', 'manageMembers', 'manageTokens', 'manageHosts', 'manageAccounts', 'readAudit', 'terminal'],
  admin: ['read', 'build', 'manageMembers', 'manageTokens', 'manageHosts', 'manageAccounts', 'terminal'],
  user: ['read', 'build'],
  viewer: ['read'],
};
const READ_ONLY: readonly Permission[] = ['read', 'readAudit'];

/** Whether members of the role may do `permission` in their organization. */
export function roleMay(role: MemberRole, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

export async function loadActor(db: Database, userId: string): Promise<Actor | null> {
  const user = await db.query.users.findFirst({ where: eq(users.id, userId) });
  if (!user) return null;
  const rows = await db
    .select({ organizationId: memberships.organizationId, organizationName: organizations.name, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(memberships.organizationId, organizations.id))
    .where(and(eq(memberships.userId, userId), eq(organizations.state, 'active')));
  return { userId: user.id, email: user.email, name: user.nameJa ?? user.name, isStaff: user.isStaff, memberships: rows };
}

export function can(actor: Actor, permission: Permission, organizationId: string): boolean {
  if (actor.token) {
    if (actor.token.organizationId !== organizationId) return false;
    if (actor.token.role === 'readonly' && !READ_ONLY.includes(permission)) return false;
  }
  const membership = actor.memberships.find((m) => m.organizationId === organizationId);
  if (membership && ROLE_PERMISSIONS[membership.role].includes(permission)) return true;
  return actor.isStaff && !actor.token && READ_ONLY.includes(permission);
}

/**
 * Throws unless the actor may do `permission` in the organization. Someone who may not even
 * read it is told "not found", so the existence of other tenants' resources is not revealed.
 */
export function authorize(actor: Actor, permission: Permission, organizationId: string, what: string): void {
  if (!can(actor, 'read', organizationId)) throw new AppError('NOT_FOUND', `No such ${what}`);
  if (!can(actor, permission, organizationId)) {
    const why = actor.token?.role === 'readonly' ? 'This API token is read-only' : 'Your role in this organization does not allow this';
    throw new AppError('FORBIDDEN', why);
  }
}

/** Organizations whose resources the actor may read; null means every organization (NII staff in the browser). */
export function readableOrganizations(actor: Actor): string[] | null {
  if (actor.token) return [actor.token.organizationId];
  return actor.isStaff ? null : actor.memberships.map((m) => m.organizationId);
}

/** The organization a new build belongs to: the token's, the one asked for, or the caller's only one. */
export function actingOrganization(actor: Actor, requested?: string): string {
  if (actor.token) {
    // A token never acts outside its organization, even when asked to.
    if (requested && requested !== actor.token.organizationId) throw new AppError('NOT_FOUND', 'No such organization');
    return actor.token.organizationId;
  }
  if (requested) return requested;
  const buildable = actor.memberships.filter((m) => ROLE_PERMISSIONS[m.role].includes('build'));
  if (buildable[0]) return buildable[0].organizationId;
  throw new AppError('FORBIDDEN', 'You are not a member of an organization that may build. Apply for the service or ask an admin to add you.');
}
