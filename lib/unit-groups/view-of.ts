// Rows → the API's views (lib/unit-groups/views.ts), field by field, so that a column added to a
// table never reaches callers unnoticed.
import { applications, nodes, type Application, type Node, type Unit } from '@/lib/db/schema';
import type { PrivateNetworkView } from '@/lib/overlay/node-networks';
import type { NodeView, UnitView } from './views';

/** The columns a node's view needs: not its agent's credential hashes, metrics or capabilities. */
export const NODE_VIEW_COLUMNS = {
  id: nodes.id,
  unitId: nodes.unitId,
  nodeNo: nodes.nodeNo,
  name: nodes.name,
  state: nodes.state,
  stateReason: nodes.stateReason,
  provider: nodes.provider,
  flavor: nodes.flavor,
  ipAddress: nodes.ipAddress,
  providerResourceId: nodes.providerResourceId,
  startedAt: nodes.startedAt,
  lastHeartbeatAt: nodes.lastHeartbeatAt,
  agentVersion: nodes.agentVersion,
  createdAt: nodes.createdAt,
};
export const APPLICATION_VIEW_COLUMNS = {
  id: applications.id,
  nodeId: applications.nodeId,
  name: applications.name,
  image: applications.image,
  port: applications.port,
  url: applications.url,
  state: applications.state,
  stateReason: applications.stateReason,
};
type NodeColumns = Pick<Node, keyof typeof NODE_VIEW_COLUMNS>;
export type ApplicationColumns = Pick<Application, keyof typeof APPLICATION_VIEW_COLUMNS>;

export function groupBy<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** `apps`: the node's own applications. */
export function nodeView(n: NodeColumns, apps: ApplicationColumns[], privateNetwork: PrivateNetworkView | null): NodeView {
  return {
    id: n.id,
    unitId: n.unitId,
    nodeNo: n.nodeNo,
    name: n.name,
    state: n.state,
    stateReason: n.stateReason,
    provider: n.provider,
    flavor: n.flavor,
    ipAddress: n.ipAddress,
    cloudInstanceId: n.providerResourceId,
    startedAt: n.startedAt,
    lastHeartbeatAt: n.lastHeartbeatAt,
    agentVersion: n.agentVersion,
    createdAt: n.createdAt,
    applications: apps.map((a) => ({ id: a.id, name: a.name, image: a.image, port: a.port, url: a.url, state: a.state, stateReason: a.stateReason })),
    privateNetwork,
  };
}

/** The unit's columns its view shows. */
type UnitColumns = Pick<Unit, 'id' | 'name' | 'role' | 'state' | 'provider' | 'flavor' | 'numNodes' | 'image' | 'instanceType' | 'volumeSize' | 'providerAccountId' | 'ipAddresses' | 'tags' | 'burst' | 'createdAt'>;

/** `nodes`: its first page of nodes, `nodeCount` of them in all, `nodesNextCursor` to page on. */
export function unitView(u: UnitColumns, nodes: { items: NodeView[]; nodeCount: number; nodesNextCursor: string | null }): UnitView {
  const burst = u.burst ? { provider: u.burst.provider, providerAccountId: u.burst.providerAccountId, flavor: u.burst.flavor, maxNodes: u.burst.maxNodes, ...(u.burst.queue ? { queue: u.burst.queue } : {}) } : null;
  return {
    id: u.id,
    name: u.name,
    role: u.role,
    state: u.state,
    provider: u.provider,
    flavor: u.flavor,
    numNodes: u.numNodes,
    image: u.image,
    instanceType: u.instanceType,
    volumeSize: u.volumeSize,
    providerAccountId: u.providerAccountId,
    ipAddresses: u.ipAddresses,
    tags: u.tags,
    burst,
    createdAt: u.createdAt,
    nodeCount: nodes.nodeCount,
    nodes: nodes.items,
    nodesNextCursor: nodes.nodesNextCursor,
  };
}
