// The create-nodes step: each node's machine is created (idempotent on the node's name) with its
// agent, which then dials home. The step ends when every agent has registered.
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { nodes, overlayMembers, unitGroups } from '@/lib/db/schema';
import { eachLimited } from '@/lib/each-limited';
import { agentPortalUrl, env } from '@/lib/env';
import { joinOverlay } from '@/lib/overlay/membership';
import { joinsOverlay } from '@/lib/providers/catalog';
import { INSTALL_TAG, installationId } from '@/lib/providers/installation';
import { getProvider } from '@/lib/providers/registry';
import { appendBuildLog } from './log';
import { failSummary, label, liveNodes, reasonOf, setNode, specOf, type NodeRow, type StepContext } from './step-context';
import { BuildCancelledError, StepError } from './step-error';

// Cheap reads by primary key: polled often, a build keeps up with its agents.
const POLL_MS = 25;
/** How often a node still silent is asked of its provider, to fail at once when its agent died. */
const DESCRIBE_EVERY_MS = 1000;
export const AGENT_CONNECT_TIMEOUT_MS = Number(process.env.OCS_AGENT_CONNECT_TIMEOUT_MS ?? 60_000);

export async function createNodes(c: StepContext): Promise<void> {
  const rows = await liveNodes(c);
  const [group] = await c.db.select({ organizationId: unitGroups.organizationId }).from(unitGroups).where(eq(unitGroups.id, c.unitGroupId));
  const install = await installationId(c.db);
  const created: NodeRow[] = [];
  const failures = await eachLimited(rows, 4, async (r) => {
    if (await c.cancelRequested()) return;
    const portalUrl = agentPortalUrl(r.node.provider);
    try {
      c.assertHeld();
      // Its address on the unit group's private network, before the machine exists: its agent asks for it first thing.
      const privateIp = joinsOverlay(r.node.provider) ? await joinOverlay(c.db, c.unitGroupId, r.node.id) : null;
      const bootstrapToken = await issueBootstrapToken(c.db, r.node.id);
      const spec = specOf(r);
      const resource = await (await getProvider(r.node.provider)).createNode({
        name: r.node.name,
        spec,
        ipAddress: spec.ipAddresses?.[r.node.nodeNo - 1],
        tags: { ...r.unit.tags, [INSTALL_TAG]: install, 'ocs.organizationId': group!.organizationId, 'ocs.unitGroupId': c.unitGroupId, 'ocs.unitId': r.unit.id, 'ocs.nodeId': r.node.id, 'ocs.buildId': c.buildId },
        agent: { portalUrl, bootstrapToken },
        owner: { organizationId: group!.organizationId, unitGroupId: c.unitGroupId, nodeId: r.node.id, ...(r.node.providerAccountId ? { accountId: r.node.providerAccountId } : {}) },
      });
      // Lost meanwhile: the node stays unrecorded; the next run finds it by its name, teardown by its tags.
      c.assertHeld();
      await setNode(c.db, r.node.id, {
        providerResourceId: resource.resourceId,
        ipAddress: resource.ipAddress,
        state: r.node.state === 'RUNNING' ? 'RUNNING' : 'BOOTING',
        stateReason: null,
      });
      created.push({ ...r, node: { ...r.node, providerResourceId: resource.resourceId } });
      await appendBuildLog(c.db, c.buildId, `node ${label(r)} (${r.node.name}) created at ${resource.ipAddress}${privateIp ? ` (private network ${privateIp})` : ''} on ${r.node.provider}/${r.node.flavor}; its agent dials home to ${portalUrl}`, { stepKey: c.stepKey });
    } catch (e) {
      c.assertHeld();
      const reason = reasonOf(c, e);
      await setNode(c.db, r.node.id, { state: 'HOST_ERROR', stateReason: reason });
      await appendBuildLog(c.db, c.buildId, `node ${label(r)} could not be created: ${reason}`, { stepKey: c.stepKey, level: 'error' });
      throw e;
    }
  });
  if (await c.cancelRequested()) throw new BuildCancelledError();
  if (failures.length) throw failSummary('nodes could not be created', failures, rows.length);
  await waitForAgents(c, created);
}

/** Until every node's agent has registered and is heard from; a provider that sees the agent dead fails it at once. */
async function waitForAgents(c: StepContext, rows: NodeRow[]): Promise<void> {
  const deadline = Date.now() + AGENT_CONNECT_TIMEOUT_MS;
  const window = env().OCS_AGENT_LIVENESS_SECONDS;
  let pending = rows;
  let describedAt = Date.now();
  while (pending.length) {
    if (await c.cancelRequested()) throw new BuildCancelledError();
    const heard = await c.db
      .select({ id: nodes.id })
      .from(nodes)
      // Registered and reported once: what it can run (containers or not) decides how its applications are handed to it.
      .where(and(inArray(nodes.id, pending.map((r) => r.node.id)), isNotNull(nodes.credentialHash), isNotNull(nodes.capabilities), sql`${nodes.lastHeartbeatAt} > now() - make_interval(secs => ${window})`));
    const connected = new Set(heard.map((h) => h.id));
    // A node on the private network counts once its interface is up: its applications may need its peers.
    for (const { nodeId, report } of await overlayReports(c, [...connected])) {
      if (report?.state === 'up') continue;
      connected.delete(nodeId);
      if (report?.state === 'error') await failNode(c, pending.find((p) => p.node.id === nodeId)!, `its private network could not be set up: ${report.problem ?? 'no reason given'}`);
    }
    for (const r of pending.filter((p) => connected.has(p.node.id)))
      await appendBuildLog(c.db, c.buildId, `node ${label(r)}: its agent dialled home`, { stepKey: c.stepKey });
    pending = pending.filter((r) => !connected.has(r.node.id));
    if (!pending.length) return;
    if (Date.now() - describedAt >= DESCRIBE_EVERY_MS) {
      describedAt = Date.now();
      for (const r of pending) {
        const resource = await (await getProvider(r.node.provider)).describeNode(r.node.providerResourceId ?? r.node.name);
        if (resource?.state === 'error') await failNode(c, r, resource.reason ?? 'the provider reports the machine in error');
      }
    }
    if (Date.now() > deadline)
      await failNode(c, pending[0]!, `its agent did not dial home to ${agentPortalUrl(pending[0]!.node.provider)} within ${AGENT_CONNECT_TIMEOUT_MS / 1000} s (can the node reach that address?)`, pending);
    await sleep(POLL_MS);
  }
}

function overlayReports(c: StepContext, nodeIds: string[]) {
  if (!nodeIds.length) return Promise.resolve([]);
  return c.db.select({ nodeId: overlayMembers.nodeId, report: overlayMembers.report }).from(overlayMembers).where(inArray(overlayMembers.nodeId, nodeIds));
}

async function failNode(c: StepContext, r: NodeRow, reason: string, all: NodeRow[] = [r]): Promise<never> {
  c.assertHeld();
  for (const n of all) await setNode(c.db, n.node.id, { state: 'HOST_ERROR', stateReason: reason });
  await appendBuildLog(c.db, c.buildId, `node ${label(r)}: ${reason}`, { stepKey: c.stepKey, level: 'error' });
  throw new StepError(`${all.length} node(s) not connected: ${label(r)}: ${reason}`, false);
}
