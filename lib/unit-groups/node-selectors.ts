// The VCP SDK's node selectors: add nodes by a count or at given fixed addresses; delete nodes by
// node number, IP address, resource id, or a count (highest numbers first). Each resolves to exact
// nodes first, so the confirmation names the very nodes that go, then runs as a scale build.
import { and, asc, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { RequestMeta } from '@/lib/audit/record';
import { authorize, type Actor } from '@/lib/auth/actor';
import { nodesToRemove } from '@/lib/burst/placement';
import type { Database } from '@/lib/db/client';
import { nodes, nodeState, unitGroups, units, type Node, type Unit } from '@/lib/db/schema';
import { AppError, invalidInput } from '@/lib/errors';
import { hasFixedIps } from '@/lib/providers/catalog';
import { parseOrThrow } from '@/lib/zod-fields';
import { changeUnitNodes } from './scale-unit';

const MAX_CHANGE = 10;
const list = <T extends z.ZodType>(item: T, what: string) => z.array(item).min(1, `name at least one ${what}`).max(MAX_CHANGE, `at most ${MAX_CHANGE} at a time`);

/** Exactly one way of choosing nodes. */
export const ZDeleteNodesInput = z
  .strictObject({
    nodeNos: list(z.number().int().min(1), 'node number').optional(),
    ipAddresses: list(z.ipv4('must be IPv4 addresses'), 'address').optional(),
    resourceIds: list(z.string().min(1), 'resource id').optional(),
    count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_CHANGE, `must be at most ${MAX_CHANGE}`).optional(),
  })
  .refine((s) => [s.nodeNos, s.ipAddresses, s.resourceIds, s.count].filter((v) => v !== undefined).length === 1, { message: 'give exactly one of nodeNos, ipAddresses, resourceIds or count', path: ['selector'] });

export const ZAddNodesInput = z
  .strictObject({
    count: z.number().int('must be a whole number').min(1, 'must be at least 1').max(MAX_CHANGE, `must be at most ${MAX_CHANGE}`).optional(),
    ipAddresses: list(z.ipv4('must be IPv4 addresses'), 'address').optional(),
  })
  .refine((s) => (s.count === undefined) !== (s.ipAddresses === undefined), { message: 'give a count or ipAddresses', path: ['selector'] });

/** A node as a confirmation shows it. */
export const ZSelectedNode = z
  .object({
    id: z.uuid(),
    nodeNo: z.number().int().describe('The node\'s number in its unit.'),
    ipAddress: z.string().nullable(),
    provider: z.string(),
    state: z.enum(nodeState.enumValues),
  })
  .meta({ id: 'SelectedNode' });
export type SelectedNode = z.input<typeof ZSelectedNode>;

/** What a deletion answers: the nodes that go, and the build taking them away (null for a dry run). */
export const ZNodeDeletion = z
  .object({
    nodes: z.array(ZSelectedNode),
    buildId: z.uuid().nullable().describe('The scale build deleting them: watch it at GET /api/v1/builds/{id}; null for a dry run.'),
  })
  .meta({ id: 'NodeDeletion' });

const shown = (n: Node): SelectedNode => ({ id: n.id, nodeNo: n.nodeNo, ipAddress: n.ipAddress, provider: n.provider, state: n.state });

async function unitOf(db: Database, actor: Actor, unitId: string): Promise<{ unit: Unit; organizationId: string; live: Node[] }> {
  const [row] = await db.select({ unit: units, organizationId: unitGroups.organizationId, groupState: unitGroups.state }).from(units).innerJoin(unitGroups, eq(units.unitGroupId, unitGroups.id)).where(eq(units.id, unitId));
  if (!row || row.groupState === 'DELETED' || row.unit.state === 'DELETED') throw new AppError('NOT_FOUND', 'No such unit');
  authorize(actor, 'build', row.organizationId, 'unit');
  if (row.groupState === 'DELETING') throw new AppError('CONFLICT', 'The unit group is being deleted');
  const live = await db
    .select()
    .from(nodes)
    .where(and(eq(nodes.unitId, unitId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')))
    .orderBy(asc(nodes.nodeNo));
  return { unit: row.unit, organizationId: row.organizationId, live };
}

/** The nodes a delete selector names, or a 400 naming what matches none. */
function selected(unit: Unit, live: Node[], input: z.infer<typeof ZDeleteNodesInput>): Node[] {
  if (input.count !== undefined) {
    if (input.count > live.length) throw invalidInput({ count: `the unit has ${live.length} node(s)` });
    return nodesToRemove(live, unit, input.count).sort((a, b) => a.nodeNo - b.nodeNo);
  }
  const [field, wanted, key] = input.nodeNos
    ? (['nodeNos', input.nodeNos.map(String), (n: Node) => String(n.nodeNo)] as const)
    : input.ipAddresses
      ? (['ipAddresses', input.ipAddresses, (n: Node) => n.ipAddress ?? ''] as const)
      : (['resourceIds', input.resourceIds!, (n: Node) => n.providerResourceId ?? ''] as const);
  const missing = wanted.filter((w) => !live.some((n) => key(n) === w));
  if (missing.length) throw invalidInput({ [field]: `no live node of this unit has ${missing.join(', ')}` });
  return live.filter((n) => wanted.includes(key(n)));
}

/**
 * Deletes the nodes the selector names (dryRun: only says which, for the confirmation). The
 * nodes go in one scale build; their places in the quota are free as soon as it is recorded.
 */
export async function requestNodeDeletion(db: Database, actor: Actor, unitId: string, raw: unknown, opts: { dryRun?: boolean; meta?: RequestMeta } = {}): Promise<{ nodes: SelectedNode[]; buildId: string | null }> {
  const input = parseOrThrow(ZDeleteNodesInput, raw);
  const { unit, live } = await unitOf(db, actor, unitId);
  const going = selected(unit, live, input);
  if (opts.dryRun) return { nodes: going.map(shown), buildId: null };
  const { buildId } = await changeUnitNodes(db, { actor }, unitId, { removeNodeIds: going.map((n) => n.id) }, opts.meta);
  return { nodes: going.map(shown), buildId };
}

/**
 * Adds `count` nodes, or one node at each fixed address (on providers that let a node have one),
 * after the unit's highest number, inside the quota.
 */
export async function requestNodeAddition(db: Database, actor: Actor, unitId: string, raw: unknown, meta: RequestMeta = { ip: null }): Promise<{ buildId: string }> {
  const input = parseOrThrow(ZAddNodesInput, raw);
  const { unit, live } = await unitOf(db, actor, unitId);
  if (!input.ipAddresses) return changeUnitNodes(db, { actor }, unitId, { addNodes: input.count! }, meta);
  if (!hasFixedIps(unit.provider)) throw invalidInput({ ipAddresses: `nodes on ${unit.provider} get their addresses from it; give a count instead` });
  const taken = input.ipAddresses.filter((ip, i) => input.ipAddresses!.indexOf(ip) !== i || live.some((n) => n.ipAddress === ip));
  if (taken.length) throw invalidInput({ ipAddresses: `${[...new Set(taken)].join(', ')} already taken in this unit` });
  return changeUnitNodes(db, { actor }, unitId, { addNodes: input.ipAddresses.length, ipAddresses: input.ipAddresses }, meta);
}
