// A node with its applications and its place on the private network, as one JSON value PostgreSQL
// builds: the unit group's read and a unit's node pages share it, so both show a node alike.
import { sql } from 'drizzle-orm';
import { applications, nodes, overlayMembers, overlayNetworks, type Node } from '@/lib/db/schema';
import { privateNetworkView, type OverlayPlace } from '@/lib/overlay/node-networks';
import { nodeView, type ApplicationColumns } from './view-of';
import type { NodeView } from './views';

// JSON carries timestamps as text: these are the rows' shapes before they become Dates again.
export type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };
export type NodeJson = Json<Pick<Node, 'id' | 'unitId' | 'nodeNo' | 'name' | 'state' | 'stateReason' | 'provider' | 'flavor' | 'ipAddress' | 'providerResourceId' | 'startedAt' | 'lastHeartbeatAt' | 'agentVersion' | 'createdAt'>> & {
  applications: ApplicationColumns[];
  overlay: OverlayPlace | null;
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

/** The select list of a row of `nodes` as NodeJson: aggregate it with json_agg. */
export const nodeJsonColumns = sql`${nodes.id}, ${nodes.unitId} as "unitId", ${nodes.nodeNo} as "nodeNo", ${nodes.name}, ${nodes.state}, ${nodes.stateReason} as "stateReason",
  ${nodes.provider}, ${nodes.flavor}, ${nodes.ipAddress} as "ipAddress", ${nodes.providerResourceId} as "providerResourceId",
  ${nodes.startedAt} as "startedAt", ${nodes.lastHeartbeatAt} as "lastHeartbeatAt", ${nodes.agentVersion} as "agentVersion",
  ${nodes.createdAt} as "createdAt", ${applicationsJson} as "applications", ${overlayJson} as "overlay"`;

export const at = (text: string) => new Date(text);
export const atOrNull = (text: string | null) => (text === null ? null : new Date(text));

export function nodeFromJson(n: NodeJson): NodeView {
  return nodeView({ ...n, startedAt: atOrNull(n.startedAt), lastHeartbeatAt: atOrNull(n.lastHeartbeatAt), createdAt: at(n.createdAt) }, n.applications, n.overlay && privateNetworkView(n.overlay));
}
