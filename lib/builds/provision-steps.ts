// The build engine's step runners by action (a template names its steps; the action says what each does).
import { and, eq, isNull } from 'drizzle-orm';
import { nodes, units } from '@/lib/db/schema';
import { eachLimited } from '@/lib/each-limited';
import { powerNodes } from '@/lib/nodes/power-many';
import { releaseNode } from '@/lib/nodes/release-node';
import { startApplications, waitReady } from './application-steps';
import { createNodes } from './create-nodes';
import { appendBuildLog } from './log';
import { failSummary, label, type StepContext } from './step-context';

export type { StepContext } from './step-context';

/** Releases the nodes a scale-in marked DELETING (highest numbers first). */
async function removeNodes(c: StepContext): Promise<void> {
  const rows = await c.db
    .select({ node: nodes, unit: units })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(and(eq(nodes.unitGroupId, c.unitGroupId), isNull(nodes.deletedAt), eq(nodes.state, 'DELETING')));
  const failures = await eachLimited(rows, 4, async (r) => {
    c.assertHeld();
    await releaseNode(c.db, r.node);
    await appendBuildLog(c.db, c.buildId, `node ${label(r)} (${r.node.ipAddress ?? 'no address'}) removed`, { stepKey: c.stepKey });
  });
  c.assertHeld();
  if (failures.length) throw failSummary('nodes could not be removed', failures, rows.length);
}

export const STEP_RUNNERS: Record<string, (c: StepContext) => Promise<void>> = {
  'remove-nodes': removeNodes,
  'create-nodes': createNodes,
  'start-applications': startApplications,
  'wait-ready': waitReady,
  'power-nodes': powerNodes,
};
