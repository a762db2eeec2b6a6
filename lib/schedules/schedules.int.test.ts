// A class schedule on the local provider with real agents and applications, over a simulated
// clock (the week of 2026-11-23, whose Monday is 勤労感謝の日): the scheduler adds nodes for a
// period, powers them off after it (the application stops answering) and on before the next,
// deletes them as the timetable says — each once, as a build; a round run again at the same time
// changes nothing, nor does a paused schedule. A change by hand is asked about (409) and both
// answers work through the real routes.
import { and, asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as nodePowerRoute from '@/app/api/v1/nodes/[id]/power/route';
import * as unitGroupPowerRoute from '@/app/api/v1/unit-groups/[id]/power/route';
import * as unitNodesDeleteRoute from '@/app/api/v1/units/[id]/nodes/delete/route';
import * as unitNodesRoute from '@/app/api/v1/units/[id]/nodes/route';
import * as unitPowerRoute from '@/app/api/v1/units/[id]/power/route';
import * as unitRoute from '@/app/api/v1/units/[id]/route';
import * as schedulePauseRoute from '@/app/api/v1/units/[id]/schedule/pause/route';
import * as scheduleResumeRoute from '@/app/api/v1/units/[id]/schedule/resume/route';
import * as scheduleRoute from '@/app/api/v1/units/[id]/schedule/route';
import type { Actor } from '@/lib/auth/actor';
import { requestBuildCancel } from '@/lib/builds/cancel-build';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, buildLogs, builds, nodes, organizations, unitGroups, units, unitSchedules } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { organizationWithMember, uniqueName, until } from '@/test/fixtures';
import { applySchedules, type ScheduleStep } from './apply-schedules';

const jst = (local: string) => new Date(`${local.replace(' ', 'T')}:00+09:00`);

const TIMETABLE = {
  startsOn: '2026-10-01',
  endsOn: '2027-01-31',
  periods: [
    { weekday: 1, start: '09:00', end: '10:30', nodes: 3 },
    { weekday: 2, start: '13:00', end: '14:30', nodes: 3 },
    { weekday: 4, start: '09:00', end: '10:30', nodes: 2 },
  ],
  outsideClass: 'powerOff',
  nodesOutsideClass: 1,
  warmUpMinutes: 15,
  drainMinutes: 10,
};

let actor: Actor;
let organizationId: string;
let unitGroupId: string;
let unitId: string;
let secret: string;

function send(handler: unknown, method: string, body?: unknown, query = '', id = unitId): Promise<Response> {
  const req = new Request(`http://localhost/api/v1/x/${id}${query}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (handler as (req: Request, ctx: { params: Promise<{ id: string }> }) => Promise<Response>)(req, { params: Promise.resolve({ id }) });
}

const liveNodes = () => db().select().from(nodes).where(and(eq(nodes.unitId, unitId), isNull(nodes.deletedAt))).orderBy(asc(nodes.nodeNo));
const states = async () => (await liveNodes()).map((n) => `${n.nodeNo}:${n.state}`);
const answers = async (ip: string | null) => (await fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.status === 200;
/** A node just powered on is RUNNING when its agent reports in: its application may take a moment more to listen. */
const answersSoon = (ip: string | null) => until(`the application at ${ip} to answer`, () => answers(ip), 20_000);
const buildCount = async () => (await db().select({ id: builds.id }).from(builds).where(eq(builds.unitGroupId, unitGroupId))).length;
const schedule = async () => (await db().select().from(unitSchedules).where(eq(unitSchedules.unitId, unitId)))[0]!;

/** Runs the build a round started and returns its log. */
async function run(step: ScheduleStep | undefined, kind: 'scale' | 'power'): Promise<string[]> {
  expect(step, JSON.stringify(step)).toHaveProperty('buildId');
  const buildId = (step as { buildId: string }).buildId;
  await runBuild(db(), buildId);
  const [build] = await db().select().from(builds).where(eq(builds.id, buildId));
  expect(build, build!.error ?? '').toMatchObject({ kind, status: 'SUCCEEDED' });
  return (await db().select().from(buildLogs).where(eq(buildLogs.buildId, buildId)).orderBy(buildLogs.id)).map((l) => l.message);
}

/** A round at `at` after the unit reached its target: it records that, and the next one does nothing. */
async function settled(at: Date): Promise<void> {
  const before = await buildCount();
  expect((await applySchedules(db(), at)).map((s) => s.action)).toEqual(['applied']);
  expect(await applySchedules(db(), at)).toEqual([]);
  expect(await buildCount()).toBe(before);
}

beforeAll(async () => {
  ({ actor, organizationId } = await organizationWithMember({ maxNodes: 3 }));
  const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('schedule'), provider: 'local', flavor: 'small', organizationId, parameters: { nodes: 1 } });
  unitGroupId = submitted.unitGroupId;
  await runBuild(db(), submitted.buildId);
  const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
  unitId = unit!.id;
  ({ secret } = await issueToken(db(), actor, organizationId, { userId: actor.userId, note: 'schedules', role: 'fullaccess' }));
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId);
  await closeQueue();
  await closeDb();
});

describe('a class schedule over a simulated week', { timeout: 180_000 }, () => {
  it('is refused naming the fields at fault, within the quota', async () => {
    const res = await send(scheduleRoute.PUT, 'PUT', { ...TIMETABLE, timezone: 'Mars/Olympus', periods: [{ weekday: 2, start: '13:00', end: '12:00', nodes: 4 }] });
    expect(res.status).toBe(400);
    expect((await res.json()).error.details.fields).toEqual({ timezone: expect.stringContaining('not a time zone'), 'periods.0.end': 'must be after the start (13:00)' });
    const overQuota = await send(scheduleRoute.PUT, 'PUT', { ...TIMETABLE, periods: [{ weekday: 2, start: '13:00', end: '14:30', nodes: 4 }] });
    expect(overQuota.status).toBe(400);
    expect((await overQuota.json()).error.details.fields).toEqual({ 'periods.0.nodes': "at most 3 node(s) fit: your organization's quota is 3 node(s), 0 of them used by other units" });
    expect((await (await send(scheduleRoute.GET, 'GET')).json()).schedule).toBeNull();
  });

  it('is set, and shows what it asks now and next', async () => {
    const res = await send(scheduleRoute.PUT, 'PUT', TIMETABLE);
    expect(res.status).toBe(200);
    const view = await res.json();
    expect(view.schedule).toMatchObject({ timezone: 'Asia/Tokyo', skipHolidays: true, outsideClass: 'powerOff', createdBy: actor.userId, pausedAt: null });
    expect(view.holidays.map((h: { date: string }) => h.date)).toContain('2026-11-23');
    const audits = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unit.schedule'), eq(auditEvents.targetId, unitId))).orderBy(asc(auditEvents.id));
    // The refused attempts are recorded too.
    expect(audits.map((a) => a.outcome)).toEqual(['failure', 'failure', 'success']);
  });

  it('does nothing on the national holiday: the unit already is as outside class', async () => {
    expect(await applySchedules(db(), jst('2026-11-23 09:00'))).toEqual([{ unitId, action: 'applied', target: { nodes: null, running: 1, period: null } }]);
    expect(await applySchedules(db(), jst('2026-11-23 09:30'))).toEqual([]);
    expect(await states()).toEqual(['1:RUNNING']);
  });

  it('records why it cannot add nodes beyond the quota, then adds them once there is room', async () => {
    await db().update(organizations).set({ maxNodes: 2 }).where(eq(organizations.id, organizationId));
    const [refused] = await applySchedules(db(), jst('2026-11-24 12:45'));
    expect(refused).toMatchObject({ action: 'refused', reason: expect.stringContaining('your organization may have 2') });
    expect((await schedule()).lastError).toContain('your organization may have 2');
    await db().update(organizations).set({ maxNodes: 3 }).where(eq(organizations.id, organizationId));

    // Two rounds at once (two workers): one change.
    const rounds = (await Promise.all([applySchedules(db(), jst('2026-11-24 12:50')), applySchedules(db(), jst('2026-11-24 12:50'))])).flat();
    expect(rounds.map((s) => s.action)).toEqual(['scale']);
    const log = await run(rounds[0], 'scale');
    expect(log[0]).toBe(`class schedule changed unit ${(await db().select().from(units).where(eq(units.id, unitId)))[0]!.name} of ${(await db().select().from(unitGroups).where(eq(unitGroups.id, unitGroupId)))[0]!.name} from 1 to 3 node(s)`);
    expect(await states()).toEqual(['1:RUNNING', '2:RUNNING', '3:RUNNING']);
    for (const n of await liveNodes()) await answersSoon(n.ipAddress);
    expect((await schedule()).lastError).toBeNull();
    await settled(jst('2026-11-24 12:50'));
    expect((await schedule()).lastTarget).toEqual({ nodes: 3, running: 3, period: '2026-11-24 13:00–14:30' });
  });

  it('powers off all but one node after the drain time: their application stops answering', async () => {
    const [step] = await applySchedules(db(), jst('2026-11-24 14:40'));
    expect(step).toMatchObject({ action: 'powerOff' });
    const log = await run(step, 'power');
    const [, second, third] = await liveNodes();
    expect(log).toEqual(expect.arrayContaining([expect.stringMatching(/^class schedule \(.+\) powered off unit /), `node 2 (${second!.ipAddress}) powered off`, `node 3 (${third!.ipAddress}) powered off`]));
    expect(await states()).toEqual(['1:RUNNING', '2:POWER_OFF', '3:POWER_OFF']);
    expect(await answers(second!.ipAddress)).toBe(false);
    expect(await answers((await liveNodes())[0]!.ipAddress)).toBe(true);
    await settled(jst('2026-11-24 15:00'));
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unit.powerOff'), eq(auditEvents.targetId, unitId)));
    expect(audit).toMatchObject({ actorUserId: actor.userId, details: expect.objectContaining({ nodes: [2, 3] }) });
  });

  it('powers on what the next period needs during warm-up, then deletes the node it does not', async () => {
    const [on] = await applySchedules(db(), jst('2026-11-26 08:45'));
    expect(on).toMatchObject({ action: 'powerOn' });
    await run(on, 'power');
    expect(await states()).toEqual(['1:RUNNING', '2:RUNNING', '3:POWER_OFF']);
    await answersSoon((await liveNodes())[1]!.ipAddress);
    const [scale] = await applySchedules(db(), jst('2026-11-26 08:46'));
    expect(scale).toMatchObject({ action: 'scale', target: { nodes: 2, running: 2 } });
    await run(scale, 'scale');
    expect(await states()).toEqual(['1:RUNNING', '2:RUNNING']);
    await settled(jst('2026-11-26 08:47'));
  });

  it('deletes nodes outside class when set to, and changes nothing while paused', async () => {
    expect((await send(scheduleRoute.PUT, 'PUT', { ...TIMETABLE, outsideClass: 'delete' })).status).toBe(200);
    const pause = await send(schedulePauseRoute.POST, 'POST');
    expect(pause.status).toBe(200);
    expect((await pause.json()).schedule).toMatchObject({ pausedBy: actor.userId, pausedByName: 'Test Member' });
    expect(await applySchedules(db(), jst('2026-11-26 10:40'))).toEqual([]);
    expect(await states()).toEqual(['1:RUNNING', '2:RUNNING']);

    expect((await send(scheduleResumeRoute.POST, 'POST')).status).toBe(200);
    const [step] = await applySchedules(db(), jst('2026-11-26 10:40'));
    expect(step).toMatchObject({ action: 'scale', target: { nodes: 1, running: 1, period: null } });
    await run(step, 'scale');
    expect(await states()).toEqual(['1:RUNNING']);
    await settled(jst('2026-11-26 10:41'));
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.targetId, unitId))).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['unit.schedulePause', 'unit.scheduleResume']));
  });

  it('asks before a change by hand; "once" makes it and the schedule waits for its next change', async () => {
    const before = await buildCount();
    const asked = await send(unitRoute.PATCH, 'PATCH', { numNodes: 2 });
    expect(asked.status).toBe(409);
    const { error } = await asked.json();
    expect(error).toMatchObject({ code: 'CONFLICT', details: { fields: { pauseSchedule: expect.stringContaining('pauseSchedule true to pause') } } });
    // Every change by hand asks: nodes added, deleted, powered (the unit, its unit group, one node).
    const [first] = await liveNodes();
    for (const [handler, body, id] of [
      [unitNodesRoute.POST, { count: 1 }, unitId],
      [unitNodesDeleteRoute.POST, { nodeNos: [1] }, unitId],
      [unitPowerRoute.POST, { action: 'off' }, unitId],
      [unitGroupPowerRoute.POST, { action: 'off' }, unitGroupId],
      [nodePowerRoute.POST, { action: 'off' }, first!.id],
    ] as const) {
      const res = await send(handler, 'POST', body, '', id);
      expect(res.status, JSON.stringify(body)).toBe(409);
      expect((await res.json()).error.details.fields).toHaveProperty('pauseSchedule');
    }
    expect((await send(unitRoute.PATCH, 'PATCH', { numNodes: 2, pauseSchedule: 'yes' })).status).toBe(400);
    expect(await buildCount()).toBe(before);
    expect(await states()).toEqual(['1:RUNNING']);

    const once = await send(unitRoute.PATCH, 'PATCH', { numNodes: 2, pauseSchedule: false });
    expect(once.status).toBe(202);
    await run((await once.json()) as ScheduleStep, 'scale');
    // Numbers are not reused: nodes 2 and 3 were deleted.
    expect(await states()).toEqual(['1:RUNNING', '4:RUNNING']);
    expect((await schedule()).pausedAt).toBeNull();
    // Outside class still (the schedule would have 1 node): it leaves the change alone until its next change.
    expect(await applySchedules(db(), jst('2026-11-26 11:00'))).toEqual([]);
    expect(await states()).toEqual(['1:RUNNING', '4:RUNNING']);
  });

  it('"pause" pauses the schedule and makes the change', async () => {
    const preview = await send(unitNodesDeleteRoute.POST, 'POST', { count: 1 }, '/nodes/delete?dryRun=true');
    expect(preview.status).toBe(200);
    const paused = await send(unitNodesDeleteRoute.POST, 'POST', { count: 1, pauseSchedule: true }, '/nodes/delete');
    expect(paused.status).toBe(202);
    const { buildId, nodes: going } = await paused.json();
    expect(going.map((n: { nodeNo: number }) => n.nodeNo)).toEqual([4]);
    await run({ unitId, action: 'scale', buildId, target: { nodes: 1, running: 1, period: null } }, 'scale');
    expect(await states()).toEqual(['1:RUNNING']);
    expect((await schedule()).pausedAt).not.toBeNull();
    // The next class would want 3 nodes: a paused schedule adds none.
    expect(await applySchedules(db(), jst('2026-11-30 08:45'))).toEqual([]);
    expect(await states()).toEqual(['1:RUNNING']);
    expect((await send(scheduleRoute.DELETE, 'DELETE')).status).toBe(204);
    expect((await (await send(scheduleRoute.GET, 'GET')).json()).schedule).toBeNull();
  });

  it('a change it started that is cancelled leaves the unit group in ERROR: not started again every round, made at the next change', async () => {
    expect((await send(scheduleRoute.PUT, 'PUT', TIMETABLE)).status).toBe(200);
    const [scale] = await applySchedules(db(), jst('2026-11-30 08:46'));
    expect(scale).toMatchObject({ action: 'scale', target: { nodes: 3, running: 3 } });
    await run(scale, 'scale');
    await settled(jst('2026-11-30 08:50'));
    // After Monday's class, the power-off is cancelled before it runs.
    const [off] = await applySchedules(db(), jst('2026-11-30 10:40'));
    expect(off).toMatchObject({ action: 'powerOff', target: { running: 1 } });
    await requestBuildCancel(db(), actor, (off as { buildId: string }).buildId, { mode: 'keep' });
    expect((await db().select().from(unitGroups).where(eq(unitGroups.id, unitGroupId)))[0]).toMatchObject({ state: 'ERROR' });
    const before = await buildCount();
    for (const at of ['2026-11-30 10:41', '2026-11-30 18:00']) {
      const steps = await applySchedules(db(), jst(at));
      expect(steps).toEqual([{ unitId, action: 'refused', reason: expect.stringMatching(/^the change towards this target ended without success \(the build was cancelled/) }]);
    }
    expect(await buildCount()).toBe(before);
    expect((await schedule()).lastError).toMatch(/at its next change$/);
    expect(await states()).toEqual(['1:RUNNING', '5:RUNNING', '6:RUNNING']);

    // Tuesday's class wants what there is; after it, the unit group (still in ERROR) is powered off as the schedule says.
    await settled(jst('2026-12-01 12:45'));
    const [next] = await applySchedules(db(), jst('2026-12-01 14:40'));
    expect(next).toMatchObject({ action: 'powerOff', target: { running: 1 } });
    await run(next, 'power');
    expect(await states()).toEqual(['1:RUNNING', '5:POWER_OFF', '6:POWER_OFF']);
    expect((await db().select().from(unitGroups).where(eq(unitGroups.id, unitGroupId)))[0]).toMatchObject({ state: 'RUNNING' });
    await settled(jst('2026-12-01 14:50'));
    expect((await schedule()).lastError).toBeNull();

    // Thursday's warm-up is cancelled too; saving the schedule again makes it try at once.
    const [on] = await applySchedules(db(), jst('2026-12-03 08:45'));
    expect(on).toMatchObject({ action: 'powerOn' });
    await requestBuildCancel(db(), actor, (on as { buildId: string }).buildId, { mode: 'keep' });
    expect(await applySchedules(db(), jst('2026-12-03 08:46'))).toEqual([expect.objectContaining({ action: 'refused' })]);
    expect((await send(scheduleRoute.PUT, 'PUT', TIMETABLE)).status).toBe(200);
    const [again] = await applySchedules(db(), jst('2026-12-03 08:47'));
    expect(again).toMatchObject({ action: 'powerOn' });
    await run(again, 'power');
    expect(await states()).toEqual(['1:RUNNING', '5:RUNNING', '6:POWER_OFF']);
  });
});
