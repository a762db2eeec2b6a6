// One node as its page shows it: where it is, how to log in (the agent's report), what it runs,
// and what the caller may do there.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import { can, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { applications, nodes, unitGroups, units } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { privateNetworksOf } from '@/lib/overlay/node-networks';
import { findProvider } from '@/lib/providers/catalog';
import { nodeView } from '@/lib/unit-groups/view-of';
import { ZNodeView } from '@/lib/unit-groups/views';

/** How people log in to the node over SSH, as its agent reported it. */
export const ZNodeLogin = z
  .object({
    user: z.string().describe('The account whose authorized_keys the agent keeps.'),
    hostKeys: z.array(z.object({ type: z.string(), fingerprint: z.string().describe('SHA256:…, as `ssh-keygen -l` prints it.') })).describe('Compare them on the first connection.'),
    keysInstalled: z.number().int().describe('Members\' keys the agent has installed.'),
    problem: z.string().optional().describe('Why the keys could not be installed, or the host keys not read.'),
  })
  .meta({ id: 'NodeLogin' });

export const ZNodeDetail = ZNodeView.extend({
  unit: z.object({ id: z.uuid(), name: z.string() }),
  unitGroup: z.object({ id: z.uuid(), name: z.string(), organizationId: z.uuid() }),
  login: ZNodeLogin.nullable().describe('null until its agent reports one, and on the portal\'s own machine.'),
  onPortalMachine: z.boolean().describe('The node runs on the portal\'s own machine (`local`): no SSH keys, no terminal there.'),
  mayOpenTerminal: z.boolean().describe('The caller may open a terminal on it (owners and admins, not on the portal\'s machine).'),
}).meta({ id: 'NodeDetail' });

export type NodeDetail = z.input<typeof ZNodeDetail>;

export async function getNodeDetail(db: Database, actor: Actor, nodeId: string): Promise<NodeDetail> {
  const [row] = await db
    .select({ node: nodes, unit: { id: units.id, name: units.name }, unitGroup: { id: unitGroups.id, name: unitGroups.name, organizationId: unitGroups.organizationId } })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .innerJoin(unitGroups, eq(nodes.unitGroupId, unitGroups.id))
    .where(and(eq(nodes.id, nodeId), isNull(nodes.deletedAt)));
  if (!row || !can(actor, 'read', row.unitGroup.organizationId)) throw new AppError('NOT_FOUND', 'No such node');
  const { node } = row;
  const apps = await db.select().from(applications).where(eq(applications.nodeId, nodeId)).orderBy(asc(applications.name));
  const network = (await privateNetworksOf(db, [nodeId])).get(nodeId) ?? null;
  const onPortalMachine = findProvider(node.provider)?.onPortalMachine === true;
  const login = onPortalMachine || !node.login ? null : node.login;
  return {
    ...nodeView(node, apps, network),
    unit: { id: row.unit.id, name: row.unit.name },
    unitGroup: { id: row.unitGroup.id, name: row.unitGroup.name, organizationId: row.unitGroup.organizationId },
    login: login && {
      user: login.user,
      hostKeys: login.hostKeys.map((k) => ({ type: k.type, fingerprint: k.fingerprint })),
      keysInstalled: login.keysInstalled,
      ...(login.problem !== undefined ? { problem: login.problem } : {}),
    },
    onPortalMachine,
    mayOpenTerminal: !onPortalMachine && can(actor, 'terminal', row.unitGroup.organizationId),
  };
}
