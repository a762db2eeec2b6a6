import { and, asc, desc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { can, readableOrganizations, type Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { applications, builds, nodes, organizations, templateVersions, unitGroups, units, type Application, type Node, type Unit, type UnitGroup } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { privateNetworksOf, type PrivateNetworkView } from '@/lib/overlay/node-networks';
import type { TemplateDefinition } from '@/lib/templates/format';

export type UnitGroupSummary = UnitGroup & { organizationName: string; nodeCount: number; runningCount: number };

export async function listUnitGroups(db: Database, actor: Actor): Promise<UnitGroupSummary[]> {
  const scope = readableOrganizations(actor);
  if (scope && scope.length === 0) return [];
  const groups = await db
    .select({ group: unitGroups, organizationName: organizations.name })
    .from(unitGroups)
    .innerJoin(organizations, eq(unitGroups.organizationId, organizations.id))
    .where(and(ne(unitGroups.state, 'DELETED'), scope ? inArray(unitGroups.organizationId, scope) : undefined))
    .orderBy(desc(unitGroups.createdAt));
  if (!groups.length) return [];
  const nodeRows = await db
    .select({ unitGroupId: nodes.unitGroupId, state: nodes.state })
    .from(nodes)
    .where(and(inArray(nodes.unitGroupId, groups.map((g) => g.group.id)), isNull(nodes.deletedAt)));
  return groups.map(({ group, organizationName }) => {
    const mine = nodeRows.filter((n) => n.unitGroupId === group.id);
    return { ...group, organizationName, nodeCount: mine.length, runningCount: mine.filter((n) => n.state === 'RUNNING').length };
  });
}

/** An application as the API shows it: what runs and how it is, never its sealed spec (it holds secrets). */
export type ApplicationView = Omit<Application, 'spec'>;
/** A node as the API shows it: its agent's credential and token hashes stay in the database. */
export type NodeDetail = Omit<Node, 'bootstrapTokenHash' | 'bootstrapTokenExpiresAt' | 'credentialHash'> & {
  applications: ApplicationView[];
  /** Its place on the unit group's private network; null on `local`, whose nodes share the portal's machine. */
  privateNetwork: PrivateNetworkView | null;
};
export type UnitDetail = Unit & { nodes: NodeDetail[] };
export type UnitGroupDetail = UnitGroup & {
  units: UnitDetail[];
  buildId: string | null;
  /** Its template runs a work queue (Slurm) whose jobs can drive a unit's size (a burst policy's `queue`). */
  workQueue: boolean;
};

/** The template version the unit group was built from (its first build's). */
export async function unitGroupTemplate(db: Database, unitGroupId: string): Promise<TemplateDefinition | null> {
  const [row] = await db
    .select({ definition: templateVersions.definition })
    .from(builds)
    .innerJoin(templateVersions, eq(builds.templateVersionId, templateVersions.id))
    .where(eq(builds.unitGroupId, unitGroupId))
    .orderBy(asc(builds.createdAt))
    .limit(1);
  return row?.definition ?? null;
}

/** Whether the template runs a scheduler whose queue its agents report (a burst policy's `queue` needs one). */
export const runsWorkQueue = (def: TemplateDefinition): boolean => def.applications.some((a) => a.workQueue !== undefined);

/** A unit group with its units, nodes and applications; someone else's is "not found". */
export async function getUnitGroupDetail(db: Database, actor: Actor, unitGroupId: string): Promise<UnitGroupDetail> {
  const group = await db.query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) });
  if (!group || group.state === 'DELETED' || !can(actor, 'read', group.organizationId)) throw new AppError('NOT_FOUND', 'No such unit group');
  const unitRows = await db.select().from(units).where(eq(units.unitGroupId, unitGroupId)).orderBy(asc(units.name));
  const nodeRows = await db
    .select()
    .from(nodes)
    .where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)))
    .orderBy(asc(nodes.nodeNo));
  const appRows = nodeRows.length
    ? await db.select().from(applications).where(inArray(applications.nodeId, nodeRows.map((n) => n.id))).orderBy(asc(applications.name))
    : [];
  const networks = await privateNetworksOf(db, nodeRows.map((n) => n.id));
  const [build] = await db.select({ id: builds.id }).from(builds).where(eq(builds.unitGroupId, unitGroupId)).orderBy(desc(builds.createdAt)).limit(1);
  // The page polls this every second: PostgreSQL answers the question, without sending the template.
  const [template] = await db
    .select({ workQueue: sql<boolean>`exists (select 1 from jsonb_array_elements(${templateVersions.definition}->'applications') app where app ? 'workQueue')` })
    .from(builds)
    .innerJoin(templateVersions, eq(builds.templateVersionId, templateVersions.id))
    .where(eq(builds.unitGroupId, unitGroupId))
    .orderBy(asc(builds.createdAt))
    .limit(1);
  return {
    ...group,
    buildId: build?.id ?? null,
    workQueue: template?.workQueue ?? false,
    units: unitRows.map((u) => ({
      ...u,
      nodes: nodeRows
        .filter((n) => n.unitId === u.id)
        .map(({ bootstrapTokenHash: _token, bootstrapTokenExpiresAt: _expires, credentialHash: _credential, ...n }) => ({
          ...n,
          applications: appRows.filter((a) => a.nodeId === n.id).map(({ spec: _spec, ...a }) => a),
          privateNetwork: networks.get(n.id) ?? null,
        })),
    })),
  };
}
