// A unit group with its units, nodes and applications, read in one statement: scripts poll it while
// they wait, so it is one round trip and one plan, and a bounded answer: each unit's first page of
// nodes (lib/unit-groups/unit-nodes.ts pages on).
import { sql } from 'drizzle-orm';
import { can, type Actor } from '@/lib/auth/actor';
import type { PooledDatabase } from '@/lib/db/client';
import { preparedStatement } from '@/lib/db/prepared';
import { nodeNoCursor } from '@/lib/api/pagination';
import { builds, nodes, templateVersions, unitGroups, units, type BurstPolicy, type Unit, type UnitGroup } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { at, atOrNull, nodeFromJson, nodeJsonColumns, type Json, type NodeJson } from './node-json';
import { unitView } from './view-of';
import { UNIT_NODES_PAGE, type UnitGroupDetailView } from './views';

type UnitJson = Json<Pick<Unit, 'id' | 'name' | 'role' | 'state' | 'provider' | 'flavor' | 'numNodes' | 'image' | 'instanceType' | 'volumeSize' | 'providerAccountId' | 'ipAddresses' | 'tags' | 'createdAt'>> & {
  burst: BurstPolicy | null;
  nodeCount: number;
  nodes: NodeJson[];
};
type DetailJson = Json<Pick<UnitGroup, 'id' | 'name' | 'organizationId' | 'state' | 'stateReason' | 'expiresAt' | 'expiredAt' | 'createdAt' | 'updatedAt'>> & {
  buildId: string | null;
  workQueue: boolean;
  units: UnitJson[];
};

const liveNodesOfUnit = sql`${nodes.unitId} = ${units.id} and ${nodes.deletedAt} is null`;
const nodesJson = sql`coalesce((select json_agg(n) from (
  select ${nodeJsonColumns} from ${nodes} where ${liveNodesOfUnit} order by ${nodes.nodeNo} limit ${sql.raw(String(UNIT_NODES_PAGE))}) n), '[]')`;
const nodeCount = sql`(select count(*)::int from ${nodes} where ${liveNodesOfUnit})`;

const unitsJson = sql`coalesce((select json_agg(u) from (
  select ${units.id}, ${units.name}, ${units.role}, ${units.state}, ${units.provider}, ${units.flavor}, ${units.numNodes} as "numNodes",
    ${units.image}, ${units.instanceType} as "instanceType", ${units.volumeSize} as "volumeSize", ${units.providerAccountId} as "providerAccountId",
    ${units.ipAddresses} as "ipAddresses", ${units.tags}, ${units.burst}, ${units.createdAt} as "createdAt", ${nodeCount} as "nodeCount", ${nodesJson} as "nodes"
  from ${units} where ${units.unitGroupId} = ${unitGroups.id} and ${units.state} <> 'DELETED' order by ${units.name}) u), '[]')`;

// Whether the template it was built from (its first build's) runs a work queue: PostgreSQL answers
// without sending the template.
const workQueue = sql`coalesce((
  select exists (select 1 from jsonb_array_elements(${templateVersions.definition}->'applications') app where app ? 'workQueue')
  from ${builds} join ${templateVersions} on ${templateVersions.id} = ${builds.templateVersionId}
  where ${builds.unitGroupId} = ${unitGroups.id} order by ${builds.createdAt} limit 1), false)`;

const latestBuild = sql`(select ${builds.id} from ${builds} where ${builds.unitGroupId} = ${unitGroups.id} order by ${builds.createdAt} desc limit 1)`;

const detailStatement = preparedStatement<{ detail: DetailJson }>(
  'unit_group_detail',
  sql`select json_build_object('id', ${unitGroups.id}, 'name', ${unitGroups.name}, 'organizationId', ${unitGroups.organizationId}, 'state', ${unitGroups.state},
    'stateReason', ${unitGroups.stateReason}, 'expiresAt', ${unitGroups.expiresAt}, 'expiredAt', ${unitGroups.expiredAt}, 'createdAt', ${unitGroups.createdAt},
    'updatedAt', ${unitGroups.updatedAt}, 'buildId', ${latestBuild}, 'workQueue', ${workQueue}, 'units', ${unitsJson}) as detail
  from ${unitGroups} where ${unitGroups.id} = ${sql.placeholder('id')} and ${unitGroups.state} <> 'DELETED'`,
);

/** A unit group with its units, nodes and applications; someone else's is "not found". */
export async function getUnitGroupDetail(db: PooledDatabase, actor: Actor, unitGroupId: string): Promise<UnitGroupDetailView> {
  const [row] = await detailStatement.run(db, [unitGroupId]);
  const group = row?.detail;
  if (!group || !can(actor, 'read', group.organizationId)) throw new AppError('NOT_FOUND', 'No such unit group');
  return {
    id: group.id,
    name: group.name,
    organizationId: group.organizationId,
    state: group.state,
    stateReason: group.stateReason,
    expiresAt: atOrNull(group.expiresAt),
    expiredAt: atOrNull(group.expiredAt),
    createdAt: at(group.createdAt),
    updatedAt: at(group.updatedAt),
    buildId: group.buildId,
    workQueue: group.workQueue,
    units: group.units.map((u) =>
      unitView(
        { ...u, createdAt: at(u.createdAt) },
        { items: u.nodes.map(nodeFromJson), nodeCount: u.nodeCount, nodesNextCursor: u.nodeCount > u.nodes.length ? nodeNoCursor(u.nodes.at(-1)!.nodeNo) : null },
      ),
    ),
  };
}
