// Rows → the API's views (lib/unit-groups/views.ts), field by field, so that a column added to a
// table never reaches callers unnoticed.
import type { Application, Node, Unit } from '@/lib/db/schema';
import type { PrivateNetworkView } from '@/lib/overlay/node-networks';
import type { NodeView, UnitView } from './views';

export function nodeView(n: Node, apps: Application[], privateNetwork: PrivateNetworkView | null): NodeView {
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
    applications: apps
      .filter((a) => a.nodeId === n.id)
      .map((a) => ({ id: a.id, name: a.name, image: a.image, port: a.port, url: a.url, state: a.state, stateReason: a.stateReason })),
    privateNetwork,
  };
}

export function unitView(u: Unit, nodes: NodeView[]): UnitView {
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
    nodes,
  };
}
