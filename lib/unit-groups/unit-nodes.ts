// A unit's nodes a page at a time, by node number: what a unit group's read leaves out of a big
// unit (its first page of nodes), shown alike (lib/unit-groups/node-json.ts).
import { sql } from 'drizzle-orm';
import type { z } from 'zod';
import { afterNodeNo, nodeNoCursor, type ZPageQuery } from '@/lib/api/pagination';
import { can, type Actor } from '@/lib/auth/actor';
import type { PooledDatabase } from '@/lib/db/client';
import { preparedStatement } from '@/lib/db/prepared';
import { nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { nodeFromJson, nodeJsonColumns, type NodeJson } from './node-json';
import type { NodeView } from './views';

// One more than asked for: the extra node only says there is a next page.
const pageStatement = preparedStatement<{ organizationId: string; nodes: NodeJson[] }>(
  'unit_nodes_page',
  sql`select ${unitGroups.organizationId} as "organizationId", coalesce((select json_agg(n) from (
    select ${nodeJsonColumns} from ${nodes}
    where ${nodes.unitId} = ${units.id} and ${nodes.deletedAt} is null and ${nodes.nodeNo} > ${sql.placeholder('afterNodeNo')}::int
    order by ${nodes.nodeNo} limit ${sql.placeholder('limit')}::int + 1) n), '[]') as nodes
  from ${units} join ${unitGroups} on ${unitGroups.id} = ${units.unitGroupId}
  where ${units.id} = ${sql.placeholder('unitId')} and ${units.state} <> 'DELETED' and ${unitGroups.state} <> 'DELETED'`,
);

/** The unit's nodes after the cursor's, by number; someone else's unit is "not found". */
export async function listUnitNodes(db: PooledDatabase, actor: Actor, unitId: string, page: z.output<typeof ZPageQuery>): Promise<{ nodes: NodeView[]; nextCursor: string | null }> {
  const [row] = await pageStatement.run(db, [afterNodeNo(page.cursor), page.limit, unitId]);
  if (!row || !can(actor, 'read', row.organizationId)) throw new AppError('NOT_FOUND', 'No such unit');
  const kept = row.nodes.slice(0, page.limit);
  return { nodes: kept.map(nodeFromJson), nextCursor: row.nodes.length > page.limit ? nodeNoCursor(kept.at(-1)!.nodeNo) : null };
}
