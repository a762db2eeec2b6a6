// Who may log in to a node over SSH: the members of its organization whose role may build there
// (owner, admin, user; not viewer), with the keys of their profiles. The node's agent keeps them in
// its account's authorized_keys (agent/login.ts); whenever the set changes the nodes' desired
// versions are bumped (./login-changes.ts). Nodes on the portal's own machine get none: a login
// there would be a shell on the portal's machine.
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { DesiredLogin } from '@/agent/protocol';
import { roleMay } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { memberRole, memberships, nodes, unitGroups, userSshKeys, users, type MemberRole } from '@/lib/db/schema';
import { onPortalMachine } from '@/lib/providers/catalog';

/** The roles whose members' keys are installed. */
export const LOGIN_ROLES: MemberRole[] = memberRole.enumValues.filter((role) => roleMay(role, 'build'));

/** The node's login as its agent receives it; undefined for nodes on the portal's machine (and for no node at all). */
export async function desiredLoginOf(db: Database, nodeId: string): Promise<DesiredLogin | undefined> {
  const [node] = await db
    .select({ provider: nodes.provider, organizationId: unitGroups.organizationId })
    .from(nodes)
    .innerJoin(unitGroups, eq(unitGroups.id, nodes.unitGroupId))
    .where(eq(nodes.id, nodeId));
  if (!node || onPortalMachine(node.provider)) return undefined;
  const rows = await db
    .select({ publicKey: userSshKeys.publicKey, email: users.email })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(userSshKeys, eq(userSshKeys.userId, memberships.userId))
    .where(and(eq(memberships.organizationId, node.organizationId), inArray(memberships.role, LOGIN_ROLES)))
    .orderBy(asc(users.email), asc(userSshKeys.createdAt), asc(userSshKeys.id));
  // The comment says whose key a line is; an authorized_keys line is one line, whatever the address holds.
  return { keys: rows.map((r) => `${r.publicKey} ocs:${r.email.replace(/\s/g, '')}`) };
}
