// One node as its page shows it: where it is, how to log in (the agent's report), what it runs,
// and what the caller may do there.
import { and, asc, eq, isNull } from 'drizzle-orm';
import type { NodeLogin } from '@/agent/protocol';
import { can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { applications, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { findProvider } from '@/lib/providers/catalog';

export interface NodeDetail {
  id: string;
  nodeNo: number;
  name: string;
  state: string;
  stateReason: string | null;
  ipAddress: string | null;
  provider: string;
  flavor: string;
  startedAt: Date | null;
  agentVersion: string | null;
  unit: { id: string; name: string };
  unitGroup: { id: string; name: string; organizationId: string };
  login: NodeLogin | null;
  /** The node runs on the portal's own machine (`local`): no SSH keys, no terminal there. */
  onPortalMachine: boolean;
  /** The caller may open a terminal on it (owners and admins, not on the portal's machine). */
  mayOpenTerminal: boolean;
  applications: { name: string; state: string; url: string | null }[];
}

export async function getNodeDetail(db: Database, actor: Actor, nodeId: string): Promise<NodeDetail> {
  const [row] = await db
    .select({ node: nodes, unit: { id: units.id, name: units.name }, unitGroup: { id: unitGroups.id, name: unitGroups.name, organizationId: unitGroups.organizationId } })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(eq(nodes.id, nodeId), isNull(nodes.deletedAt)));
  if (!row || !can(actor, 'read', row.unitGroup.organizationId)) throw new AppError('NOT_FOUND', 'No such node');
  const { node } = row;
  const apps = await db
    .select({ name: applications.name, state: applications.state, url: applications.url })
    .from(applications)
    .where(eq(applications.nodeId, nodeId))
    .orderBy(asc(applications.name));
  const onPortalMachine = findProvider(node.provider)?.onPortalMachine === true;
  return {
    id: node.id,
    nodeNo: node.nodeNo,
    name: node.name,
    state: node.state,
    stateReason: node.stateReason,
    ipAddress: node.ipAddress,
    provider: node.provider,
    flavor: node.flavor,
    startedAt: node.startedAt,
    agentVersion: node.agentVersion,
    unit: row.unit,
    unitGroup: row.unitGroup,
    login: onPortalMachine ? null : node.login,
    onPortalMachine,
    mayOpenTerminal: !onPortalMachine && can(actor, 'terminal', row.unitGroup.organizationId),
    applications: apps,
  };
}
