// The VCP SDK's df_nodes over every unit group the caller may see: newest first, a page at a time,
// by unit group and state when asked.
import { and, eq, inArray, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import { afterCursor, cursorColumn, pageOf, pageOrder, ZPageQuery } from '@/lib/api/pagination';
import { ZTimestamp } from '@/lib/api/schemas/common';
import { readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { nodes, nodeState, unitGroups, units } from '@/lib/db/schema';

export const ZNodeListQuery = ZPageQuery.extend({
  unitGroupId: z.uuid('must be a unit group id').optional().describe('Only the nodes of this unit group.'),
  state: z.enum(nodeState.enumValues, { error: `must be one of ${nodeState.enumValues.join(', ')}` }).optional(),
});

export const ZNodeListItem = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    unitGroupId: z.uuid(),
    unitGroupName: z.string().describe('vcname.'),
    unitId: z.uuid(),
    unitName: z.string().describe('unit_name.'),
    nodeNo: z.number().int().describe('node_no.'),
    name: z.string().describe('cloud_instance_name.'),
    state: z.enum(nodeState.enumValues).describe('node_state.'),
    provider: z.string(),
    flavor: z.string(),
    ipAddress: z.string().nullable().describe('cloud_instance_address.'),
    cloudInstanceId: z.string().nullable().describe('cloud_instance_id.'),
    createdAt: ZTimestamp,
  })
  .meta({ id: 'NodeListItem' });

export async function listNodes(db: Database, actor: Actor, query: z.output<typeof ZNodeListQuery>): Promise<{ nodes: z.input<typeof ZNodeListItem>[]; nextCursor: string | null }> {
  const scope = readableOrganizations(actor);
  if (scope && !scope.length) return { nodes: [], nextCursor: null };
  const keyset = { sort: nodes.createdAt, id: nodes.id };
  const rows = await db
    .select({
      id: nodes.id,
      cursor: cursorColumn(keyset),
      organizationId: unitGroups.organizationId,
      unitGroupId: nodes.unitGroupId,
      unitGroupName: unitGroups.name,
      unitId: nodes.unitId,
      unitName: units.name,
      nodeNo: nodes.nodeNo,
      name: nodes.name,
      state: nodes.state,
      provider: nodes.provider,
      flavor: nodes.flavor,
      ipAddress: nodes.ipAddress,
      cloudInstanceId: nodes.providerResourceId,
      createdAt: nodes.createdAt,
    })
    .from(nodes)
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(
      and(
        isNull(nodes.deletedAt),
        ne(unitGroups.state, 'DELETED'),
        scope ? inArray(unitGroups.organizationId, scope) : undefined,
        query.unitGroupId ? eq(nodes.unitGroupId, query.unitGroupId) : undefined,
        query.state ? eq(nodes.state, query.state) : undefined,
        afterCursor(keyset, query.cursor),
      ),
    )
    .orderBy(...pageOrder(keyset))
    .limit(query.limit + 1);
  const { items, nextCursor } = pageOf(rows, query.limit);
  return { nodes: items, nextCursor };
}
