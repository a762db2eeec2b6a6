// What each node should run. Workers write it here (never to the node); the node's agent reads
// it over its sync call. Every change bumps the node's desired version and notifies the portal
// processes holding that agent's long-poll, in the same transaction.
import { and, asc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import { isDeepStrictEqual } from 'node:util';
import type { DesiredApplication, DesiredState } from '@/agent/protocol';
import type { Database, Transaction } from '@/lib/db/client';
import { applications, nodes } from '@/lib/db/schema';
import { desiredLoginOf } from '@/lib/nodes/ssh-login';
import { desiredNetworkOf } from '@/lib/overlay/desired-network';
import { openApplicationSpec, sealApplicationSpec } from '@/lib/secrets/application-specs';

/** PostgreSQL channel whose payload is the id of a node whose desired state changed. */
export const DESIRED_STATE_CHANNEL = 'ocs_node_desired';

export interface DesiredApplicationRow {
  spec: DesiredApplication;
  /** Shown in the portal: the template's image, and where the application answers. */
  image: string;
  port: number | null;
  url: string | null;
}

/** The node's desired state, or null when the node is gone. */
export async function desiredStateOf(db: Database, nodeId: string): Promise<DesiredState | null> {
  const [node] = await db.select({ version: nodes.desiredVersion }).from(nodes).where(and(eq(nodes.id, nodeId), isNull(nodes.deletedAt)));
  if (!node) return null;
  const rows = await db
    .select({ name: applications.name, spec: applications.spec })
    .from(applications)
    .where(and(eq(applications.nodeId, nodeId), isNotNull(applications.spec)))
    .orderBy(asc(applications.name));
  const network = await desiredNetworkOf(db, nodeId);
  const login = await desiredLoginOf(db, nodeId);
  return { version: node.version, applications: rows.map((r) => openApplicationSpec(nodeId, r.name, r.spec!)), ...(network ? { network } : {}), ...(login ? { login } : {}) };
}

/** Tells the agents of these nodes that their desired state changed. */
export async function bumpDesiredVersions(tx: Transaction, nodeIds: string[]): Promise<void> {
  if (!nodeIds.length) return;
  // Locked in one order first: transactions bumping overlapping sets (peers leaving a private
  // network at once) would otherwise lock the rows in the order each UPDATE met them, and deadlock.
  await tx.select({ id: nodes.id }).from(nodes).where(inArray(nodes.id, nodeIds)).orderBy(asc(nodes.id)).for('update');
  await tx.update(nodes).set({ desiredVersion: sql`${nodes.desiredVersion} + 1`, updatedAt: sql`now()` }).where(inArray(nodes.id, nodeIds));
  // Delivered at commit, and only then: an agent never sees a version that was rolled back.
  for (const id of nodeIds) await tx.execute(sql`select pg_notify(${DESIRED_STATE_CHANNEL}, ${id})`);
}

/** Sets (adds or replaces) one application of a node's desired state; unchanged specs change nothing. */
export async function putDesiredApplication(db: Database, nodeId: string, row: DesiredApplicationRow): Promise<void> {
  await db.transaction(async (tx) => {
    const [existing] = await tx
      .select({ spec: applications.spec })
      .from(applications)
      .where(and(eq(applications.nodeId, nodeId), eq(applications.name, row.spec.name)));
    const same = !!existing?.spec && isDeepStrictEqual(openApplicationSpec(nodeId, row.spec.name, existing.spec), row.spec);
    // Unchanged, the sealed text is kept as it is: a new one would only differ by its nonce.
    const spec = same ? existing.spec! : sealApplicationSpec(nodeId, row.spec);
    await tx
      .insert(applications)
      .values({ nodeId, name: row.spec.name, image: row.image, port: row.port, url: row.url, spec, state: 'STARTING' })
      .onConflictDoUpdate({
        target: [applications.nodeId, applications.name],
        set: { image: row.image, port: row.port, url: row.url, spec, ...(same ? {} : { state: 'STARTING' as const, stateReason: null, report: null }), updatedAt: sql`now()` },
      });
    if (!same) await bumpDesiredVersions(tx, [nodeId]);
  });
}

/** Empties the desired state of nodes (before they are deleted): their agents stop and remove every application. */
export async function clearDesiredApplications(db: Database, nodeIds: string[]): Promise<void> {
  if (!nodeIds.length) return;
  await db.transaction(async (tx) => {
    await tx.update(applications).set({ spec: null, state: 'STOPPED', updatedAt: sql`now()` }).where(inArray(applications.nodeId, nodeIds));
    await bumpDesiredVersions(tx, nodeIds);
  });
}
