// The start-applications and wait-ready steps. Starting writes each node's desired state (its
// agent converges to it); waiting reads what the agents report. No step talks to a node.
import { and, inArray, isNotNull, sql } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DesiredApplication } from '@/agent/protocol';
import { putDesiredApplication } from '@/lib/agent-channel/desired-state';
import { applicationProblem } from '@/lib/agent-channel/node-state';
import { applications, nodes } from '@/lib/db/schema';
import { eachLimited } from '@/lib/each-limited';
import { runsOn, type TemplateApplication } from '@/lib/templates/format';
import { renderApplication, renderLocalRun, renderWorkQueue } from '@/lib/templates/render';
import { appendBuildLog } from './log';
import { failSummary, label, liveNodes, reasonOf, setNode, type NodeRow, type StepContext } from './step-context';
import { BuildCancelledError, StepError } from './step-error';
import { groupRuntime } from './template-runtime';

const READY_TIMEOUT_MS = Number(process.env.OCS_READY_TIMEOUT_MS ?? 60_000);
// Cheap reads by primary key: polled often, a build keeps up with its agents.
const POLL_MS = 25;

/**
 * How an application runs on a node: the template's local: form on `local`; else its container where
 * the host has an engine (with the local: form to fall back on when the image cannot be had), and
 * the local: form where it has none. A server has none of the portal's files: a local: form that
 * runs the template's own files is for `local` only.
 */
async function desiredApplication(c: StepContext, r: NodeRow, app: TemplateApplication, group: Awaited<ReturnType<typeof groupRuntime>>): Promise<{ spec: DesiredApplication; port: number | null }> {
  const { definition } = c.runtime;
  const values = await c.runtime.valuesFor(r.unit);
  const node = group.units[r.unit.name]?.nodes.find((n) => n.name === r.node.name);
  if (!node) throw new StepError(`node ${label(r)} is not part of the unit group any more`, false);
  const containers = r.node.capabilities?.containers ?? false;
  const here = r.node.provider === 'local';
  const run = app.local ? await renderLocalRun(definition, app, values, group, node, { templateDir: c.runtime.templateDir, nodejs: here ? process.execPath : 'node' }) : null;
  const runnable = run && (here || !run.command.some((arg) => arg.includes(c.runtime.templateDir))) ? run : null;
  const workQueue = renderWorkQueue(app);
  if (run && (here || !containers)) {
    if (!runnable)
      throw new StepError(`application "${app.name}" runs files of its template, which a server cannot get from the portal yet: give node ${label(r)}'s server a container engine (Docker, or Podman serving the Docker API) to run it as ${app.image}`, true);
    return { spec: { name: app.name, kind: 'process', process: { ...runnable, restart: 'on-failure' }, ...workQueue }, port: runnable.port ?? null };
  }
  // Retried: the agent looks for an engine again now and then (one started late, or slow to answer at first).
  if (!containers)
    throw new StepError(`application "${app.name}" runs as a container (${app.image}), and node ${label(r)} has no container engine (Docker, or Podman serving the Docker API)`, true);
  const rendered = await renderApplication(definition, app, values, group, node);
  return {
    spec: {
      name: app.name,
      kind: 'container',
      container: { image: rendered.image, env: rendered.env, ports: rendered.ports, volumes: rendered.volumes, ...(rendered.health ? { health: rendered.health } : {}), restart: 'always' },
      ...(runnable ? { process: { ...runnable, restart: 'on-failure' as const } } : {}),
      ...workQueue,
    },
    port: rendered.health?.port ?? rendered.ports[0] ?? null,
  };
}

/** Writes the step's applications into the desired state of every node of the role they belong to. */
export async function startApplications(c: StepContext): Promise<void> {
  const rows = await liveNodes(c);
  const group = await groupRuntime(c.db, c.unitGroupId, c.runtime.secrets);
  const wanted = (name: string) => !c.applications.length || c.applications.includes(name);
  const work = rows.flatMap((r) => c.runtime.definition.applications.filter((a) => a.role === r.unit.role && runsOn(a, r.node.provider) && wanted(a.name)).map((app) => ({ r, app })));
  const failures = await eachLimited(work, 4, async ({ r, app }) => {
    try {
      if (!r.node.ipAddress) throw new StepError(`node ${label(r)} has no address`, false);
      const { spec, port } = await desiredApplication(c, r, app, group);
      const url = port ? `http://${r.node.ipAddress}:${port}/` : null;
      c.assertHeld();
      await putDesiredApplication(c.db, r.node.id, { spec, image: app.image, port, url });
      const fallback = spec.kind === 'container' && spec.process ? ', or as a process where its image cannot be had' : '';
      await appendBuildLog(c.db, c.buildId, `application ${app.name} handed to ${label(r)} as a ${spec.kind}${fallback}${url ? ` (${url})` : ''}`, { stepKey: c.stepKey });
    } catch (e) {
      c.assertHeld();
      const reason = reasonOf(c, e);
      await setNode(c.db, r.node.id, { state: 'CONTAINER_ERROR', stateReason: `${app.name}: ${reason}` });
      await appendBuildLog(c.db, c.buildId, `application ${app.name} could not start on ${label(r)}: ${reason}`, { stepKey: c.stepKey, level: 'error' });
      throw e;
    }
  });
  c.assertHeld();
  if (failures.length) throw failSummary('applications could not start', failures, work.length);
}

/** Waits until every node's agent has applied its desired state and every application on it is up. */
export async function waitReady(c: StepContext): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let pending = await liveNodes(c);
  const problems = new Map<string, { state: 'HOST_ERROR' | 'CONTAINER_ERROR'; reason: string }>();
  while (pending.length) {
    if (await c.cancelRequested()) throw new BuildCancelledError();
    const ids = pending.map((r) => r.node.id);
    const state = await c.db
      .select({ id: nodes.id, desired: nodes.desiredVersion, applied: nodes.appliedVersion, startedAt: nodes.startedAt })
      .from(nodes)
      .where(inArray(nodes.id, ids));
    const apps = await c.db.select().from(applications).where(and(inArray(applications.nodeId, ids), isNotNull(applications.spec)));
    const stillPending: NodeRow[] = [];
    for (const r of pending) {
      const s = state.find((n) => n.id === r.node.id)!;
      if (s.applied < s.desired) {
        problems.set(r.node.id, { state: 'HOST_ERROR', reason: `its agent has not applied version ${s.desired} of its desired state (it has ${s.applied})` });
        stillPending.push(r);
        continue;
      }
      const mine = apps.filter((a) => a.nodeId === r.node.id);
      const failed = mine.find((a) => a.report?.problem || a.report?.state === 'exited');
      if (failed) {
        const reason = c.runtime.redact(`${failed.name} ${applicationProblem(failed.report)}`);
        c.assertHeld();
        await setNode(c.db, r.node.id, { state: 'CONTAINER_ERROR', stateReason: reason });
        await c.db.update(applications).set({ state: 'ERROR', stateReason: reason }).where(sql`${applications.id} = ${failed.id}`);
        throw new StepError(`node ${label(r)}: ${reason}`, false);
      }
      const notUp = mine.filter((a) => applicationProblem(a.report) !== null);
      if (notUp.length) {
        problems.set(r.node.id, { state: 'CONTAINER_ERROR', reason: notUp.map((a) => `${a.name} ${applicationProblem(a.report)}`).join('; ') });
        stillPending.push(r);
        continue;
      }
      c.assertHeld();
      await setNode(c.db, r.node.id, { state: 'RUNNING', stateReason: null });
      await c.db.update(applications).set({ state: 'RUNNING', stateReason: null, updatedAt: sql`now()` }).where(inArray(applications.id, mine.map((a) => a.id)));
      await appendBuildLog(c.db, c.buildId, `node ${label(r)} is RUNNING`, { stepKey: c.stepKey });
    }
    pending = stillPending;
    if (pending.length && Date.now() > deadline) {
      c.assertHeld();
      for (const r of pending) {
        const p = problems.get(r.node.id)!;
        await setNode(c.db, r.node.id, { state: p.state, stateReason: c.runtime.redact(p.reason) });
      }
      throw new StepError(`${pending.length} node(s) not ready after ${READY_TIMEOUT_MS / 1000}s: ${pending.map((r) => `${label(r)}: ${c.runtime.redact(problems.get(r.node.id)!.reason)}`).join('; ')}`, false);
    }
    if (pending.length) await sleep(POLL_MS);
  }
}
