// What every build step gets, and the small helpers the steps share.
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { nodes, units, type Node, type Unit } from '@/lib/db/schema';
import { getSpec } from '@/lib/providers/catalog';
import type { NodeSpec } from '@/lib/providers/types';
import { StepError, isRetryable } from './step-error';
import type { TemplateRuntime } from './template-runtime';

export interface StepContext {
  db: Database;
  buildId: string;
  unitGroupId: string;
  runtime: TemplateRuntime;
  stepKey: string;
  /** For start-applications: the applications to start (empty = all of each unit's role). */
  applications: string[];
  /** True once someone cancelled the build; long steps check it between nodes. */
  cancelRequested: () => Promise<boolean>;
  /** Throws LockLostError once the unit group's lock is gone: called before every change, so none is made without it. */
  assertHeld: () => void;
}

export type NodeRow = { node: Node; unit: Unit };

export async function liveNodes(c: StepContext): Promise<NodeRow[]> {
  return c.db
    .select({ node: nodes, unit: units })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(and(eq(nodes.unitGroupId, c.unitGroupId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')))
    .orderBy(asc(units.name), asc(nodes.nodeNo));
}

export const label = (r: NodeRow) => `${r.unit.name}-${r.node.nodeNo}`;

export async function setNode(db: Database, nodeId: string, values: Partial<typeof nodes.$inferInsert>): Promise<void> {
  await db.update(nodes).set({ ...values, updatedAt: sql`now()` }).where(eq(nodes.id, nodeId));
}

/**
 * The node's spec as the VCP SDK built it: get_spec(provider, flavor) of where the node is, then
 * its unit's own values. A node that overflowed to another provider (cloud burst) takes that
 * provider's sizes: the unit's instance type, volume size (the template's per provider) and
 * fixed addresses are its own provider's. The image is the same: OCS images are named alike everywhere.
 */
export function specOf({ node, unit }: NodeRow): NodeSpec {
  const spec = getSpec(node.provider, node.flavor);
  const home = node.provider === unit.provider;
  return {
    ...spec,
    numNodes: unit.numNodes,
    image: unit.image,
    ...(home ? { instanceType: unit.instanceType ?? spec.instanceType, volumeSize: unit.volumeSize ?? spec.volumeSize, ipAddresses: unit.ipAddresses } : {}),
    tags: unit.tags,
  };
}

export function failSummary(what: string, failures: unknown[], total: number): StepError {
  const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
  return new StepError(`${failures.length} of ${total} ${what}: ${first}`, failures.every(isRetryable));
}

/** The reason of an error, with any secret the template computed taken out. */
export function reasonOf(c: StepContext, e: unknown): string {
  return c.runtime.redact(e instanceof Error ? e.message : String(e));
}
