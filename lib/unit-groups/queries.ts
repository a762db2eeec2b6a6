import { and, asc, count, eq, inArray, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { afterCursor, cursorColumn, pageOf, pageOrder, type PageQuery } from '@/lib/api/pagination';
import { can, readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { builds, nodes, nodeState, organizations, templateVersions, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import type { TemplateDefinition } from '@/lib/templates/format';
import type { UnitGroupSummaryView } from './views';

/** Unit groups the caller may see, newest first, a page at a time. */
export async function listUnitGroups(db: Database, actor: Actor, page: PageQuery & { name?: string } = { limit: 50 }): Promise<{ unitGroups: UnitGroupSummaryView[]; nextCursor: string | null }> {
  const scope = readableOrganizations(actor);
  if (scope && scope.length === 0) return { unitGroups: [], nextCursor: null };
  const keyset = { sort: unitGroups.createdAt, id: unitGroups.id };
  const rows = await db
    .select({ group: unitGroups, organizationName: organizations.name, id: unitGroups.id, cursor: cursorColumn(keyset) })
    .from(unitGroups)
    .innerJoin(organizations, eq(unitGroups.organizationId, organizations.id))
    .where(and(ne(unitGroups.state, 'DELETED'), scope ? inArray(unitGroups.organizationId, scope) : undefined, page.name !== undefined ? eq(unitGroups.name, page.name) : undefined, afterCursor(keyset, page.cursor)))
    .orderBy(...pageOrder(keyset))
    .limit(page.limit + 1);
  const { items, nextCursor } = pageOf(rows, page.limit);
  if (!items.length) return { unitGroups: [], nextCursor };
  const counts = await db
    .select({ unitGroupId: nodes.unitGroupId, total: count(), running: sql<number>`count(*) filter (where ${nodes.state} = 'RUNNING')::int` })
    .from(nodes)
    .where(and(inArray(nodes.unitGroupId, items.map((g) => g.id)), isNull(nodes.deletedAt)))
    .groupBy(nodes.unitGroupId);
  return {
    nextCursor,
    unitGroups: items.map(({ group, organizationName }) => {
      const mine = counts.find((c) => c.unitGroupId === group.id);
      return {
        id: group.id,
        name: group.name,
        organizationId: group.organizationId,
        organizationName,
        state: group.state,
        stateReason: group.stateReason,
        nodeCount: mine?.total ?? 0,
        runningCount: mine?.running ?? 0,
        expiresAt: group.expiresAt,
        createdAt: group.createdAt,
      };
    }),
  };
}

/** The template version the unit group was built from (its first build's). */
export async function unitGroupTemplate(db: Database, unitGroupId: string): Promise<TemplateDefinition | null> {
  const [row] = await db
    .select({ definition: templateVersions.definition })
    .from(builds)
    .innerJoin(templateVersions, eq(builds.templateVersionId, templateVersions.id))
    .where(eq(builds.unitGroupId, unitGroupId))
    .orderBy(asc(builds.createdAt))
    .limit(1);
  return row?.definition ?? null;
}

/** Whether the template runs a scheduler whose queue its agents report (a burst policy's `queue` needs one). */
export const runsWorkQueue = (def: TemplateDefinition): boolean => def.applications.some((a) => a.workQueue !== undefined);

export const ZIpAddressQuery = z.object({
  nodeState: z.enum(nodeState.enumValues, { error: `must be one of ${nodeState.enumValues.join(', ')}` }).optional().describe('Only nodes in this state (RUNNING for the ones that answer).'),
  unit: z.string().max(63).optional().describe('Only nodes of the unit of this name.'),
});

/** find_ip_addresses(node_state=…): the addresses of the unit group's live nodes, by unit and node number. */
export async function findIpAddresses(db: Database, actor: Actor, unitGroupId: string, query: z.output<typeof ZIpAddressQuery>): Promise<string[]> {
  const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
  if (!group || group.state === 'DELETED' || !can(actor, 'read', group.organizationId)) throw new AppError('NOT_FOUND', 'No such unit group');
  const rows = await db
    .select({ ip: nodes.ipAddress })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(
      and(
        eq(nodes.unitGroupId, unitGroupId),
        isNull(nodes.deletedAt),
        isNotNull(nodes.ipAddress),
        ne(units.state, 'DELETED'),
        query.nodeState ? eq(nodes.state, query.nodeState) : undefined,
        query.unit ? eq(units.name, query.unit) : undefined,
      ),
    )
    .orderBy(asc(units.name), asc(nodes.nodeNo));
  return rows.map((r) => r.ip!);
}
