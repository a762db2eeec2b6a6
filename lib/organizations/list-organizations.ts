import { asc, eq, inArray } from 'drizzle-orm';
import { can, readableOrganizations, type Actor, type Permission } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { institutions, organizations, type MemberRole, type Organization } from '@/lib/db/schema';

export type OrganizationView = Pick<Organization, 'id' | 'name' | 'kind' | 'department' | 'state' | 'maxNodes' | 'maxNodesPerProvider' | 'extensionAutoApproveDays' | 'expiryGraceDays'> & {
  institutionName: string;
  institutionNameJa: string;
  /** The caller's role; null for NII staff looking at an organization they do not belong to. */
  role: MemberRole | null;
  /** What the caller may do there, so pages can offer only what will work. */
  permissions: Permission[];
};

const PERMISSIONS: readonly Permission[] = ['read', 'build', 'manageMembers', 'manageTokens', 'manageHosts', 'manageAccounts', 'readAudit'];

/** The caller's organizations with their role and quotas; NII staff (in the browser) see every one. */
export async function listOrganizations(db: Database, actor: Actor): Promise<OrganizationView[]> {
  const scope = readableOrganizations(actor);
  if (scope && scope.length === 0) return [];
  const rows = await db
    .select({
      id: organizations.id,
      name: organizations.name,
      kind: organizations.kind,
      department: organizations.department,
      state: organizations.state,
      maxNodes: organizations.maxNodes,
      maxNodesPerProvider: organizations.maxNodesPerProvider,
      extensionAutoApproveDays: organizations.extensionAutoApproveDays,
      expiryGraceDays: organizations.expiryGraceDays,
      institutionName: institutions.name,
      institutionNameJa: institutions.nameJa,
    })
    .from(organizations)
    .innerJoin(institutions, eq(organizations.institutionId, institutions.id))
    .where(scope ? inArray(organizations.id, scope) : undefined)
    .orderBy(asc(institutions.name), asc(organizations.name));
  return rows.map((o) => ({
    ...o,
    role: actor.memberships.find((m) => m.organizationId === o.id)?.role ?? null,
    permissions: PERMISSIONS.filter((p) => can(actor, p, o.id)),
  }));
}
