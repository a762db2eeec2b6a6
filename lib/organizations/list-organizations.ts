import { and, asc, eq, inArray, type SQL } from 'drizzle-orm';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { can, readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { institutions, organizations } from '@/lib/db/schema';
import { PERMISSIONS, type OrganizationView } from './views';

export type { OrganizationView } from './views';

const columns = {
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
};

type Row = Omit<OrganizationView, 'role' | 'permissions'>;

function organizationView(actor: Actor, o: Row): OrganizationView {
  return {
    id: o.id,
    name: o.name,
    kind: o.kind,
    department: o.department,
    state: o.state,
    maxNodes: o.maxNodes,
    maxNodesPerProvider: o.maxNodesPerProvider,
    extensionAutoApproveDays: o.extensionAutoApproveDays,
    expiryGraceDays: o.expiryGraceDays,
    institutionName: o.institutionName,
    institutionNameJa: o.institutionNameJa,
    role: actor.memberships.find((m) => m.organizationId === o.id)?.role ?? null,
    permissions: PERMISSIONS.filter((p) => can(actor, p, o.id)),
  };
}

/** The organizations the caller may read (NII staff in the browser: every one); none when the scope is empty. */
function scopeOf(actor: Actor): SQL | undefined | null {
  const scope = readableOrganizations(actor);
  if (scope && scope.length === 0) return null;
  return scope ? inArray(organizations.id, scope) : undefined;
}

/** The caller's organizations with their role and quotas, by institution and name; NII staff (in the browser) see every one. For the portal's own pages. */
export async function listOrganizations(db: Database, actor: Actor): Promise<OrganizationView[]> {
  const scope = scopeOf(actor);
  if (scope === null) return [];
  const rows = await db
    .select(columns)
    .from(organizations)
    .innerJoin(institutions, eq(organizations.institutionId, institutions.id))
    .where(scope)
    .orderBy(asc(institutions.name), asc(organizations.name));
  return rows.map((o) => organizationView(actor, o));
}

/** The same, newest first, a page at a time (GET /api/v1/organizations). */
export async function listOrganizationPage(db: Database, actor: Actor, page: PageQuery = { limit: 50 }): Promise<{ organizations: OrganizationView[]; nextCursor: string | null }> {
  const scope = scopeOf(actor);
  if (scope === null) return { organizations: [], nextCursor: null };
  const keyset = { sort: organizations.createdAt, id: organizations.id };
  const rows = await db
    .select({ ...columns, cursor: cursorColumn(keyset) })
    .from(organizations)
    .innerJoin(institutions, eq(organizations.institutionId, institutions.id))
    .where(and(scope, afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  return { organizations: items.map((o) => organizationView(actor, o)), nextCursor };
}
