import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { renderLocalRun } from '@/lib/templates/render';
import type { Database } from '@/lib/db/client';
import { applications, nodes, units, type Node, type Unit } from '@/lib/db/schema';
import { agentHealth, applicationLogTail, putApplication } from '@/lib/nodes/agent-client';
import { getSpec } from '@/lib/providers/catalog';
import { getProvider } from '@/lib/providers/registry';
import type { NodeSpec } from '@/lib/providers/types';
import { eachLimited } from '@/lib/each-limited';
import { releaseNode } from '@/lib/nodes/release-node';
import { appendBuildLog } from './log';
import { BuildCancelledError, StepError, isRetryable } from './step-error';
import { groupRuntime, type TemplateRuntime } from './template-runtime';

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

type NodeRow = { node: Node; unit: Unit };

async function liveNodes(c: StepContext): Promise<NodeRow[]> {
  return c.db
    .select({ node: nodes, unit: units })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(and(eq(nodes.unitGroupId, c.unitGroupId), isNull(nodes.deletedAt), ne(nodes.state, 'DELETING')))
    .orderBy(asc(units.name), asc(nodes.nodeNo));
}

const label = (r: NodeRow) => `${r.unit.name}-${r.node.nodeNo}`;

async function setNode(db: Database, nodeId: string, values: Partial<typeof nodes.$inferInsert>): Promise<void> {
  await db.update(nodes).set({ ...values, updatedAt: sql`now()` }).where(eq(nodes.id, nodeId));
}

/** The unit's spec as the VCP SDK built it: get_spec(provider, flavor), then the unit's own values. */
function specOf(unit: Unit): NodeSpec {
  return {
    ...getSpec(unit.provider, unit.flavor),
    numNodes: unit.numNodes,
    image: unit.image,
    instanceType: unit.instanceType ?? undefined,
    volumeSize: unit.volumeSize ?? undefined,
    ipAddresses: unit.ipAddresses,
    tags: unit.tags,
  };
}

function failSummary(what: string, failures: unknown[], total: number): StepError {
  const first = failures[0] instanceof Error ? failures[0].message : String(failures[0]);
  return new StepError(`${failures.length} of ${total} ${what}: ${first}`, failures.every(isRetryable));
}

/** Creates every node of the unit group (provider calls are idempotent on the node's name). */
async function createNodes(c: StepContext): Promise<void> {
  const rows = await liveNodes(c);
  const failures = await eachLimited(rows, 4, async (r) => {
    if (await c.cancelRequested()) return;
    try {
      const resource = await getProvider(r.unit.provider).createNode({
        name: r.node.name,
        spec: specOf(r.unit),
        ipAddress: r.unit.ipAddresses[r.node.nodeNo - 1],
        tags: { ...r.unit.tags, 'ocs.unitGroupId': c.unitGroupId, 'ocs.unitId': r.unit.id, 'ocs.nodeId': r.node.id, 'ocs.buildId': c.buildId },
      });
      // Lost meanwhile: the node stays unrecorded; the next run finds it by its name, teardown by its tags.
      c.assertHeld();
      await setNode(c.db, r.node.id, {
        providerResourceId: resource.resourceId,
        ipAddress: resource.ipAddress,
        agentUrl: resource.agentUrl,
        startedAt: resource.startedAt ?? null,
        state: r.node.state === 'RUNNING' ? 'RUNNING' : 'BOOTING',
        stateReason: null,
      });
      await appendBuildLog(c.db, c.buildId, `node ${label(r)} (${r.node.name}) is up at ${resource.ipAddress} on ${r.unit.provider}/${r.unit.flavor}`, { stepKey: c.stepKey });
    } catch (e) {
      c.assertHeld();
      const reason = c.runtime.redact(e instanceof Error ? e.message : String(e));
      await setNode(c.db, r.node.id, { state: 'HOST_ERROR', stateReason: reason });
      await appendBuildLog(c.db, c.buildId, `node ${label(r)} could not be created: ${reason}`, { stepKey: c.stepKey, level: 'error' });
      throw e;
    }
  });
  if (await c.cancelRequested()) throw new BuildCancelledError();
  if (failures.length) throw failSummary('nodes could not be created', failures, rows.length);
}

/** Starts the step's applications on every node of the role they belong to. */
async function startApplications(c: StepContext): Promise<void> {
  const rows = await liveNodes(c);
  const { definition, values, secrets } = c.runtime;
  const group = await groupRuntime(c.db, c.unitGroupId, secrets);
  const wanted = (name: string) => !c.applications.length || c.applications.includes(name);
  const work = rows.flatMap((r) => definition.applications.filter((a) => a.role === r.unit.role && wanted(a.name)).map((app) => ({ r, app })));
  const failures = await eachLimited(work, 4, async ({ r, app }) => {
    try {
      if (r.unit.provider !== 'local' || !app.local) throw new StepError(`application "${app.name}" has no way to run on the ${r.unit.provider} provider yet`, false);
      if (!r.node.agentUrl || !r.node.ipAddress) throw new StepError(`node ${label(r)} has no agent address`, false);
      const run = await renderLocalRun(definition, app, values, group, { name: r.node.name, ip: r.node.ipAddress, no: r.node.nodeNo }, { templateDir: c.runtime.templateDir, nodejs: process.execPath });
      c.assertHeld();
      await putApplication(r.node.agentUrl, app.name, run);
      c.assertHeld();
      const url = run.port ? `http://${r.node.ipAddress}:${run.port}/` : null;
      await c.db
        .insert(applications)
        .values({ nodeId: r.node.id, name: app.name, image: app.image, port: run.port ?? null, url, state: 'STARTING' })
        .onConflictDoUpdate({ target: [applications.nodeId, applications.name], set: { state: 'STARTING', url, stateReason: null, updatedAt: sql`now()` } });
      await appendBuildLog(c.db, c.buildId, `application ${app.name} started on ${label(r)}${url ? ` (${url})` : ''}`, { stepKey: c.stepKey });
    } catch (e) {
      c.assertHeld();
      // A template expression's error may quote a value it computed from a secret.
      const reason = c.runtime.redact(e instanceof Error ? e.message : String(e));
      await setNode(c.db, r.node.id, { state: 'CONTAINER_ERROR', stateReason: `${app.name}: ${reason}` });
      await appendBuildLog(c.db, c.buildId, `application ${app.name} could not start on ${label(r)}: ${reason}`, { stepKey: c.stepKey, level: 'error' });
      throw e;
    }
  });
  c.assertHeld();
  if (failures.length) throw failSummary('applications could not start', failures, work.length);
}

const READY_TIMEOUT_MS = Number(process.env.OCS_READY_TIMEOUT_MS ?? 60_000);

/** Waits until every node's agent answers and every application on it is healthy. */
async function waitReady(c: StepContext): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let pending = await liveNodes(c);
  // What each node must run: the applications started on it so far.
  const started = pending.length ? await c.db.select().from(applications).where(inArray(applications.nodeId, pending.map((r) => r.node.id))) : [];
  const problems = new Map<string, { state: 'HOST_ERROR' | 'CONTAINER_ERROR'; reason: string }>();
  while (pending.length) {
    if (await c.cancelRequested()) throw new BuildCancelledError();
    const stillPending: NodeRow[] = [];
    for (const r of pending) {
      const expected = started.filter((a) => a.nodeId === r.node.id);
      try {
        const health = await agentHealth(r.node.agentUrl ?? '');
        const notReady = expected.filter((a) => {
          const s = health.applications.find((x) => x.name === a.name);
          return !s || s.state !== 'running' || s.healthy === false;
        });
        const exited = expected.find((a) => health.applications.find((x) => x.name === a.name)?.state === 'exited');
        if (exited) {
          const tail = await applicationLogTail(r.node.agentUrl!, exited.name, 5);
          // The application may have printed the secrets it was given.
          const reason = c.runtime.redact(`${exited.name} exited${tail ? `; last log lines: ${tail.trim().split('\n').slice(-3).join(' | ')}` : ''}`);
          c.assertHeld();
          await setNode(c.db, r.node.id, { state: 'CONTAINER_ERROR', stateReason: reason });
          await c.db.update(applications).set({ state: 'ERROR', stateReason: reason }).where(and(eq(applications.nodeId, r.node.id), eq(applications.name, exited.name)));
          throw new StepError(`node ${label(r)}: ${reason}`, false);
        }
        if (notReady.length) {
          problems.set(r.node.id, { state: 'CONTAINER_ERROR', reason: `${notReady.map((a) => a.name).join(', ')} not healthy yet` });
          stillPending.push(r);
          continue;
        }
        c.assertHeld();
        await setNode(c.db, r.node.id, { state: 'RUNNING', stateReason: null, startedAt: new Date(health.startedAt) });
        await c.db.update(applications).set({ state: 'RUNNING', stateReason: null, updatedAt: sql`now()` }).where(eq(applications.nodeId, r.node.id));
        await appendBuildLog(c.db, c.buildId, `node ${label(r)} is RUNNING`, { stepKey: c.stepKey });
      } catch (e) {
        if (e instanceof StepError) throw e;
        problems.set(r.node.id, { state: 'HOST_ERROR', reason: `agent does not answer: ${(e as Error).message}` });
        stillPending.push(r);
      }
    }
    pending = stillPending;
    if (pending.length && Date.now() > deadline) {
      c.assertHeld();
      for (const r of pending) {
        const p = problems.get(r.node.id)!;
        await setNode(c.db, r.node.id, { state: p.state, stateReason: p.reason });
      }
      throw new StepError(`${pending.length} node(s) not ready after ${READY_TIMEOUT_MS / 1000}s: ${pending.map((r) => `${label(r)}: ${problems.get(r.node.id)!.reason}`).join('; ')}`, false);
    }
    if (pending.length) await sleep(100);
  }
}

/** Releases the nodes a scale-in marked DELETING (highest numbers first). */
async function removeNodes(c: StepContext): Promise<void> {
  const rows = await c.db
    .select({ node: nodes, unit: units })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(and(eq(nodes.unitGroupId, c.unitGroupId), isNull(nodes.deletedAt), eq(nodes.state, 'DELETING')));
  const failures = await eachLimited(rows, 4, async (r) => {
    c.assertHeld();
    await releaseNode(c.db, r.node, r.unit.provider);
    await appendBuildLog(c.db, c.buildId, `node ${label(r)} (${r.node.ipAddress ?? 'no address'}) removed`, { stepKey: c.stepKey });
  });
  c.assertHeld();
  if (failures.length) throw failSummary('nodes could not be removed', failures, rows.length);
}

/** Step runners by action (a template names its steps; the action says what each does). */
export const STEP_RUNNERS: Record<string, (c: StepContext) => Promise<void>> = {
  'remove-nodes': removeNodes,
  'create-nodes': createNodes,
  'start-applications': startApplications,
  'wait-ready': waitReady,
};
