// A unit group with its units, nodes and applications, read in one statement: its page polls it
// every second and scripts wait on it, so it is one round trip and one plan, however many nodes.
import { sql } from 'drizzle-orm';
import { can, type Actor } from '@/lib/auth/actor';
import type { PooledDatabase } from '@/lib/db/client';
import { preparedStatement } from '@/lib/db/prepared';
import { applications, builds, nodes, overlayMembers, overlayNetworks, templateVersions, unitGroups, units, type BurstPolicy, type Node, type Unit, type UnitGroup } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { privateNetworkView, type OverlayPlace } from '@/lib/overlay/node-networks';
import { nodeView, unitView, type ApplicationColumns } from './view-of';
import type { UnitGroupDetailView } from './views';

// JSON carries timestamps as text: these are the rows' shapes before they become Dates again.
type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
type NodeJson = Json<Pick<Node, 'id' | 'unitId' | 'nodeNo' | 'name' | 'state' | 'stateReason' | 'provider' | 'flavor' | 'ipAddress' | 'providerResourceId' | 'startedAt' | 'lastHeartbeatAt' | 'agentVersion' | 'createdAt'>> & {
  applications: ApplicationColumns[];
  overlay: OverlayPlace | null;
};
type UnitJson = Json<Pick<Unit, 'id' | 'name' | 'role' | 'state' | 'provider' | 'flavor' | 'numNodes' | 'image' | 'instanceType' | 'volumeSize' | 'providerAccountId' | 'ipAddresses' | 'tags' | 'createdAt'>> & {
  burst: BurstPolicy | null;
  nodes: NodeJson[];
};
type DetailJson = Json<Pick<UnitGroup, 'id' | 'name' | 'organizationId' | 'state' | 'stateReason' | 'expiresAt' | 'expiredAt' | 'createdAt' | 'updatedAt'>> & {
  buildId: string | null;
  workQueue: boolean;
  units: UnitJson[];
};

// Lists are json_agg over rows of aliased columns: PostgreSQL looks each column's type up once per
// statement, where json_build_object would per value.
const applicationsJson = sql`coalesce((select json_agg(a) from (
  select ${applications.id}, ${applications.nodeId} as "nodeId", ${applications.name}, ${applications.image}, ${applications.port}, ${applications.url},
    ${applications.state}, ${applications.stateReason} as "stateReason"
  from ${applications} where ${applications.nodeId} = ${nodes.id} order by ${applications.name}) a), '[]')`;

const overlayJson = sql`(
  select json_build_object('hostNo', ${overlayMembers.hostNo}, 'block', ${overlayNetworks.block}, 'report', ${overlayMembers.report})
  from ${overlayMembers} join ${overlayNetworks} on ${overlayNetworks.unitGroupId} = ${overlayMembers.unitGroupId}
  where ${overlayMembers.nodeId} = ${nodes.id})`;

const nodesJson = sql`coalesce((select json_agg(n) from (
  select ${nodes.id}, ${nodes.unitId} as "unitId", ${nodes.nodeNo} as "nodeNo", ${nodes.name}, ${nodes.state}, ${nodes.stateReason} as "stateReason",
    ${nodes.provider}, ${nodes.flavor}, ${nodes.ipAddress} as "ipAddress", ${nodes.providerResourceId} as "providerResourceId",
    ${nodes.startedAt} as "startedAt", ${nodes.lastHeartbeatAt} as "lastHeartbeatAt", ${nodes.agentVersion} as "agentVersion",
    ${nodes.createdAt} as "createdAt", ${applicationsJson} as "applications", ${overlayJson} as "overlay"
  from ${nodes} where ${nodes.unitId} = ${units.id} and ${nodes.deletedAt} is null order by ${nodes.nodeNo}) n), '[]')`;

const unitsJson = sql`coalesce((select json_agg(u) from (
  select ${units.id}, ${units.name}, ${units.role}, ${units.state}, ${units.provider}, ${units.flavor}, ${units.numNodes} as "numNodes",
    ${units.image}, ${units.instanceType} as "instanceType", ${units.volumeSize} as "volumeSize", ${units.providerAccountId} as "providerAccountId",
    ${units.ipAddresses} as "ipAddresses", ${units.tags}, ${units.burst}, ${units.createdAt} as "createdAt", ${nodesJson} as "nodes"
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

const at = (text: string) => new Date(text);
const atOrNull = (text: string | null) => (text === null ? null : new Date(text));

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
        u.nodes.map((n) =>
          nodeView({ ...n, startedAt: atOrNull(n.startedAt), lastHeartbeatAt: atOrNull(n.lastHeartbeatAt), createdAt: at(n.createdAt) }, n.applications, n.overlay && privateNetworkView(n.overlay)),
        ),
      ),
    ),
  };
}
