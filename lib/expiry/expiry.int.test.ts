// Unit group end dates over a simulated clock (the scan and the domain functions take `now`), with
// mail through a real SMTP server of the test's own: reminders 7 days and 1 day before, once each;
// an extension within the organization's policy moves the date at once and re-arms the reminders;
// a longer one waits for NII staff, who approve or reject it; at the end date a real unit group on
// the local provider is powered off, and after the grace period it is deleted. Each test's dates
// lie later than the previous test's, so a round at a test's time finds earlier groups done with.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as decisionRoute from '@/app/api/v1/expiry-extensions/[id]/decision/route';
import * as organizationRoute from '@/app/api/v1/organizations/[id]/route';
import * as expiryRoute from '@/app/api/v1/unit-groups/[id]/expiry/route';
import * as extensionsRoute from '@/app/api/v1/unit-groups/[id]/extensions/route';
import { scanAlerts } from '@/lib/alerts/scan-alerts';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { alerts, auditEvents, builds, memberships, nodes, templateVersions, unitGroups, users, type MemberRole } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { readCapturedMail, startMailCatcher, type MailCatcher } from '@/lib/mail/catcher';
import { issueToken } from '@/lib/tokens/issue-token';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { freePort } from '@/scripts/services/free-port';
import { failure, localResourcesOf, nodeRecords, organizationWithMember, setEnv, uniqueName, until } from '@/test/fixtures';
import { decideExtension } from './decide-extension';
import { DAY_MS } from './fields';
import { lockGroupToChange, moveExpiry } from './move-expiry';
import { setExpiryPolicy } from './policy';
import { expiryOf, listExtensionQueue } from './queries';
import { requestExtension } from './request-extension';
import { EXPIRY_LABEL, scanExpiry, type ExpiryStep } from './scan-expiry';
import { setExpiry } from './set-expiry';
import { formatJst } from './texts';

const HOUR_MS = 60 * 60_000;
const META = { ip: null };

let catcher: MailCatcher;
let mailDir: string;
let restoreEnv: () => void;
let staff: Actor;
/** The real unit group of the power test, deleted at the end even if the test failed half-way. */
let builtGroupId: string | undefined;

beforeAll(async () => {
  mailDir = await mkdtemp(path.join(os.tmpdir(), 'ocs-expiry-mail-'));
  catcher = await startMailCatcher({ port: await freePort(), dir: mailDir });
  restoreEnv = setEnv({ SMTP_URL: catcher.url, NEXTAUTH_URL: 'https://ocs.example.ac.jp' });
  const [user] = await db().insert(users).values({ email: `${uniqueName('staff')}@nii.ac.jp`, name: 'NII Staff', isStaff: true }).returning();
  staff = (await loadActor(db(), user!.id))!;
});

afterAll(async () => {
  if (builtGroupId) await deleteUnitGroup(db(), builtGroupId);
  restoreEnv();
  await catcher.close();
  await rm(mailDir, { recursive: true, force: true });
  await closeQueue();
  await closeDb();
});

/** A member of the organization with this role. */
async function member(organizationId: string, role: MemberRole): Promise<Actor> {
  const [user] = await db().insert(users).values({ email: `${uniqueName(role)}@demo-univ.ac.jp`, name: role }).returning();
  await db().insert(memberships).values({ organizationId, userId: user!.id, role });
  return (await loadActor(db(), user!.id))!;
}

/** A unit group of a fresh organization (records only: no machine behind them), its owner and its name. */
async function recordedGroup() {
  const owner = await organizationWithMember({ role: 'owner' });
  const [node] = await nodeRecords(1, { organization: owner });
  const [group] = await db().select().from(unitGroups).where(eq(unitGroups.id, node!.unitGroupId));
  return { owner, group: group! };
}

const groupRow = async (id: string) => (await db().select().from(unitGroups).where(eq(unitGroups.id, id)))[0]!;
const openAlerts = (id: string) => db().select().from(alerts).where(and(eq(alerts.targetId, id), isNull(alerts.resolvedAt)));
/** The mail captured so far whose subject names `text`. */
const mailAbout = async (text: string) => (await readCapturedMail(mailDir)).filter((m) => m.subject.includes(text));
/** A simulated time `days` days (and `hours` hours) from `at`. */
const at = (t: Date, days: number, hours = 0) => new Date(t.getTime() + days * DAY_MS + hours * HOUR_MS);
const mine = (steps: Awaited<ReturnType<typeof scanExpiry>>, id: string) => steps.filter((s) => s.unitGroupId === id);

describe('unit group end dates', { timeout: 240_000 }, () => {
  it('refuses a past date, callers without the build right, and names the fields', async () => {
    const { owner, group } = await recordedGroup();
    const viewer = await member(owner.organizationId, 'viewer');
    const stranger = await organizationWithMember();
    const tomorrow = at(new Date(), 1).toISOString();
    expect((await failure(setExpiry(db(), owner.actor, group.id, { expiresAt: at(new Date(), -1).toISOString() }))).details?.fields).toEqual({ expiresAt: 'must be in the future' });
    expect((await failure(setExpiry(db(), owner.actor, group.id, { expiresAt: '2030-03-31' }))).details?.fields?.expiresAt).toMatch(/ISO 8601 date and time/);
    expect((await failure(setExpiry(db(), viewer, group.id, { expiresAt: tomorrow }))).code).toBe('FORBIDDEN');
    expect((await failure(setExpiry(db(), stranger.actor, group.id, { expiresAt: tomorrow }))).code).toBe('NOT_FOUND');
    expect((await failure(requestExtension(db(), owner.actor, group.id, { until: tomorrow, reason: 'term' }))).details?.fields).toEqual({ until: 'the unit group has no end date to extend: set one instead' });
    expect((await failure(submitBuild(db(), owner.actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('past'), provider: 'local', flavor: 'small', parameters: { nodes: 1 }, expiresAt: at(new Date(), -1).toISOString() }))).details?.fields).toEqual({ expiresAt: 'must be in the future' });

    // The first date and an earlier one need nobody's approval; a later one given without a reason is refused.
    const first = at(new Date(), 20);
    expect(await setExpiry(db(), owner.actor, group.id, { expiresAt: first.toISOString() })).toEqual({ expiresAt: first, expiredAt: null });
    const earlier = at(new Date(), 10);
    await setExpiry(db(), owner.actor, group.id, { expiresAt: earlier.toISOString() });
    expect((await groupRow(group.id)).expiresAt).toEqual(earlier);
    expect((await failure(setExpiry(db(), owner.actor, group.id, { expiresAt: first.toISOString() }))).details?.fields).toEqual({ reason: 'is required to move the end date later (an extension request)' });
    const changes = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unitGroup.setExpiry'), eq(auditEvents.targetId, group.id))).orderBy(auditEvents.id);
    expect(changes.map((c) => c.details)).toEqual([
      expect.objectContaining({ from: null, to: first.toISOString() }),
      expect.objectContaining({ from: first.toISOString(), to: earlier.toISOString() }),
    ]);
    // Removing the date would extend without end: refused to the owner, NII staff may.
    expect((await failure(setExpiry(db(), owner.actor, group.id, { expiresAt: null }))).details?.fields).toEqual({ expiresAt: 'cannot be removed once set: request an extension to a later date instead' });
    expect((await groupRow(group.id)).expiresAt).toEqual(earlier);
    await setExpiry(db(), staff, group.id, { expiresAt: null });
    expect((await groupRow(group.id)).expiresAt).toBeNull();
  });

  it('names the bad field in the API’s 400s', async () => {
    const { owner, group } = await recordedGroup();
    const { secret } = await issueToken(db(), owner.actor, owner.organizationId, { userId: owner.actor.userId, note: 'expiry', role: 'fullaccess' });
    const send = async (handler: unknown, method: string, params: Record<string, string>, body: unknown) => {
      const req = new Request('http://localhost/api/v1/x', { method, headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const res = await (handler as (r: Request, c: { params: Promise<Record<string, string>> }) => Promise<Response>)(req, { params: Promise.resolve(params) });
      return { status: res.status, body: (await res.json()) as { error?: { code: string; details: { fields?: Record<string, string> } } } };
    };
    const fieldsOf = (r: Awaited<ReturnType<typeof send>>) => (expect(r.status).toBe(400), Object.keys(r.body.error!.details.fields!));
    expect(fieldsOf(await send(expiryRoute.PUT, 'PUT', { id: group.id }, { expiresAt: '31/03/2030' }))).toEqual(['expiresAt']);
    expect(fieldsOf(await send(extensionsRoute.POST, 'POST', { id: group.id }, { until: at(new Date(), 3).toISOString(), reasn: 'typo' }))).toEqual(['reason']);
    expect(fieldsOf(await send(decisionRoute.POST, 'POST', { id: group.id }, { decision: 'maybe' }))).toEqual(['decision']);
    expect(fieldsOf(await send(organizationRoute.PATCH, 'PATCH', { id: owner.organizationId }, { expiryGraceDays: -1 }))).toEqual(['expiryGraceDays']);
    expect(fieldsOf(await send(organizationRoute.PATCH, 'PATCH', { id: owner.organizationId }, { graceDays: 3 }))).toEqual(['body']);
    const set = await send(expiryRoute.PUT, 'PUT', { id: group.id }, { expiresAt: at(new Date(), 30).toISOString() });
    expect(set.status).toBe(200);
  });

  it('reminds 7 days and 1 day before the end, once each, by mail to owners and admins', async () => {
    const { owner, group } = await recordedGroup();
    const admin = await member(owner.organizationId, 'admin');
    const end = at(new Date(), 100);
    await setExpiry(db(), owner.actor, group.id, { expiresAt: end.toISOString() });

    expect(mine(await scanExpiry(db(), at(end, -8)), group.id)).toEqual([]);
    // Two rounds at once (two workers) open one reminder.
    const [a, b] = await Promise.all([scanExpiry(db(), at(end, -7, 1)), scanExpiry(db(), at(end, -7, 1))]);
    expect([...mine(a, group.id), ...mine(b, group.id)].map((s) => s.action)).toEqual(['remind7']);
    await scanAlerts(db());
    const [week, ...more] = await mailAbout(`${group.name} ends in 7 days`);
    expect(more).toEqual([]);
    expect(week!.to.sort()).toEqual([owner.actor.email, admin.email].sort());
    expect(week!.subject).toContain(`利用期限まであと 7 日: ${group.name}`);
    expect(week!.text).toContain(formatJst(end));
    expect(week!.text).toContain(`https://ocs.example.ac.jp/unit-groups/${group.id}`);

    expect(mine(await scanExpiry(db(), at(end, -2)), group.id)).toEqual([]);
    expect(mine(await scanExpiry(db(), at(end, -1, 1)), group.id).map((s) => s.action)).toEqual(['remind1']);
    await scanExpiry(db(), at(end, -1, 2));
    await scanAlerts(db());
    expect(await mailAbout(`${group.name} ends in 1 day`)).toHaveLength(1);
    expect(await mailAbout(`${group.name} ends in 7 days`)).toHaveLength(1);

    // First seen within a day of its end, a unit group gets only the 1-day reminder.
    const late = await recordedGroup();
    const lateEnd = at(new Date(), 101);
    await setExpiry(db(), late.owner.actor, late.group.id, { expiresAt: lateEnd.toISOString() });
    expect(mine(await scanExpiry(db(), at(lateEnd, 0, -12)), late.group.id).map((s) => s.action)).toEqual(['remind1']);
    expect((await openAlerts(late.group.id)).map((x) => x.state)).toEqual(['remind1']);
    // Set 3 days ahead, the first reminder says so.
    const soon = await recordedGroup();
    const soonEnd = at(new Date(), 102);
    await setExpiry(db(), soon.owner.actor, soon.group.id, { expiresAt: soonEnd.toISOString() });
    expect(mine(await scanExpiry(db(), at(soonEnd, -3)), soon.group.id).map((s) => s.action)).toEqual(['remind7']);
    await scanAlerts(db());
    expect(await mailAbout(`${soon.group.name} ends in 3 days`)).toHaveLength(1);
  });

  it('approves an extension within the policy at once, and the reminders come again for the new date', async () => {
    const { owner, group } = await recordedGroup();
    const end = at(new Date(), 200);
    await setExpiry(db(), owner.actor, group.id, { expiresAt: end.toISOString() });
    await scanExpiry(db(), at(end, -7, 1));
    expect((await openAlerts(group.id)).map((x) => x.state)).toEqual(['remind7']);

    const until = at(end, 20);
    const extension = await requestExtension(db(), owner.actor, group.id, { until: until.toISOString(), reason: 'the term runs two weeks longer' }, META, at(end, -7, 2));
    expect(extension).toMatchObject({ state: 'approved', fromExpiresAt: end, untilExpiresAt: until, decidedBy: null });
    expect((await groupRow(group.id)).expiresAt).toEqual(until);
    expect(await openAlerts(group.id)).toEqual([]);
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'extension.request'), eq(auditEvents.targetId, group.id)));
    expect(audit).toMatchObject({ outcome: 'success', actorUserId: owner.actor.userId, details: expect.objectContaining({ state: 'approved', until: until.toISOString() }) });

    expect(mine(await scanExpiry(db(), at(end, -7, 3)), group.id)).toEqual([]);
    expect(mine(await scanExpiry(db(), at(until, -7, 1)), group.id).map((s) => s.action)).toEqual(['remind7']);
    await scanAlerts(db());
    const reminders = await mailAbout(`${group.name} ends in 7 days`);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.text).toContain(formatJst(until));
    const view = await expiryOf(db(), owner.actor, group.id);
    expect(view.expiry).toMatchObject({ expiresAt: until, expiredAt: null, extensionAutoApproveDays: 30, canChange: true });
    expect(view.extensions.map((e) => e.state)).toEqual(['approved']);
  });

  it('sends a longer extension to NII staff, who approve it; a rejected one leaves the date', async () => {
    const { owner, group } = await recordedGroup();
    const admin = await member(owner.organizationId, 'admin');
    const stranger = await organizationWithMember();
    expect((await failure(setExpiryPolicy(db(), admin, owner.organizationId, { extensionAutoApproveDays: 60 }))).code).toBe('FORBIDDEN');
    expect(await setExpiryPolicy(db(), owner.actor, owner.organizationId, { extensionAutoApproveDays: 10 })).toEqual({ extensionAutoApproveDays: 10, expiryGraceDays: 7 });
    const end = at(new Date(), 300);
    await setExpiry(db(), owner.actor, group.id, { expiresAt: end.toISOString() });

    // Beyond the 10 days: through PUT as through POST, the request waits and the date stays.
    const wanted = at(end, 40);
    const { extension, expiresAt } = await setExpiry(db(), admin, group.id, { expiresAt: wanted.toISOString(), reason: 'a second course uses it next term' });
    expect(extension).toMatchObject({ state: 'pending', fromExpiresAt: end, untilExpiresAt: wanted, requestedBy: admin.userId });
    expect(expiresAt).toEqual(end);
    expect((await groupRow(group.id)).expiresAt).toEqual(end);
    const [toStaff] = await mailAbout(`Extension to review: ${group.name}`);
    expect(toStaff!.to).toContain(staff.email);
    expect(toStaff!.text).toContain('a second course uses it next term');
    expect(toStaff!.text).toContain('https://ocs.example.ac.jp/staff/extensions');
    expect((await failure(requestExtension(db(), owner.actor, group.id, { until: at(end, 5).toISOString(), reason: 'again' }))).details?.fields).toEqual({ until: 'an extension request already waits for NII staff' });

    expect((await listExtensionQueue(db(), staff, {})).extensions.map((e) => e.id)).toContain(extension!.id);
    expect((await failure(listExtensionQueue(db(), owner.actor, {}))).code).toBe('FORBIDDEN');
    expect((await failure(decideExtension(db(), owner.actor, extension!.id, { decision: 'approve' }))).code).toBe('FORBIDDEN');
    expect((await failure(decideExtension(db(), stranger.actor, extension!.id, { decision: 'approve' }))).code).toBe('NOT_FOUND');
    expect((await groupRow(group.id)).expiresAt).toEqual(end);

    const approved = await decideExtension(db(), staff, extension!.id, { decision: 'approve', note: 'fine for one more term' });
    expect(approved).toMatchObject({ state: 'approved', decidedBy: staff.userId, decisionNote: 'fine for one more term' });
    expect((await groupRow(group.id)).expiresAt).toEqual(wanted);
    const [told] = await mailAbout(`Extension approved: ${group.name}`);
    expect(told!.to).toEqual([admin.email]);
    expect((await failure(decideExtension(db(), staff, extension!.id, { decision: 'reject', note: 'changed my mind' }))).code).toBe('CONFLICT');

    const second = await requestExtension(db(), owner.actor, group.id, { until: at(wanted, 100).toISOString(), reason: 'forever' });
    expect(second.state).toBe('pending');
    expect((await failure(decideExtension(db(), staff, second.id, { decision: 'reject' }))).details?.fields).toEqual({ note: 'is required to reject: say why' });
    expect(await decideExtension(db(), staff, second.id, { decision: 'reject', note: 'a hundred days is a new application' })).toMatchObject({ state: 'rejected' });
    expect((await groupRow(group.id)).expiresAt).toEqual(wanted);
    expect((await listExtensionQueue(db(), staff, { state: 'rejected' })).extensions.map((e) => e.id)).toContain(second.id);
    expect((await listExtensionQueue(db(), staff, {})).extensions.map((e) => e.id)).not.toContain(second.id);
    expect(await mailAbout(`Extension rejected: ${group.name}`)).toHaveLength(1);
  });

  it('powers the nodes off at the end date and deletes the unit group after the grace period', async () => {
    const { actor, organizationId } = await organizationWithMember();
    const end = at(new Date(), 400);
    const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('expiry'), provider: 'local', flavor: 'small', organizationId, parameters: { nodes: 2 }, expiresAt: end.toISOString() });
    builtGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const group = await groupRow(builtGroupId);
    expect(group).toMatchObject({ state: 'RUNNING', expiresAt: end });
    const live = () => db().select().from(nodes).where(and(eq(nodes.unitGroupId, builtGroupId!), isNull(nodes.deletedAt))).orderBy(nodes.nodeNo);
    const before = await live();
    const answers = async (ip: string | null) => (await fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => null))?.status === 200;
    for (const n of before) expect(await answers(n.ipAddress)).toBe(true);

    expect(mine(await scanExpiry(db(), at(end, 0, -1)), group.id).map((s) => s.action)).toEqual(['remind1']);
    expect((await live()).map((n) => n.state)).toEqual(['RUNNING', 'RUNNING']);

    // Two rounds at the end date: one power build.
    const rounds = await Promise.all([scanExpiry(db(), end), scanExpiry(db(), end)]);
    const expired = rounds.flatMap((r) => mine(r, group.id)).filter((s) => s.action === 'expired');
    expect(expired).toHaveLength(1);
    const powerBuilds = await db().select().from(builds).where(and(eq(builds.unitGroupId, group.id), eq(builds.kind, 'power')));
    expect(powerBuilds).toHaveLength(1);
    expect(expired[0]).toMatchObject({ buildId: powerBuilds[0]!.id });
    await runBuild(db(), powerBuilds[0]!.id);
    expect((await db().select().from(builds).where(eq(builds.id, powerBuilds[0]!.id)))[0]!.status).toBe('SUCCEEDED');
    expect((await live()).map((n) => n.state)).toEqual(['POWER_OFF', 'POWER_OFF']);
    for (const n of before) expect(await answers(n.ipAddress)).toBe(false);
    expect(await groupRow(group.id)).toMatchObject({ state: 'RUNNING', expiredAt: end });
    expect(mine(await scanExpiry(db(), at(end, 0, 1)), group.id)).toEqual([]);

    await scanAlerts(db());
    const [gone] = await mailAbout(`${group.name} has passed its end date`);
    expect(gone!.to).toEqual([actor.email]);
    expect(gone!.text).toContain(`It will be deleted at ${formatJst(at(end, 7))}`);
    const [expireAudit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unitGroup.expire'), eq(auditEvents.targetId, group.id)));
    expect(expireAudit).toMatchObject({ actorLabel: EXPIRY_LABEL, details: expect.objectContaining({ buildId: powerBuilds[0]!.id }) });

    // The grace period (the organization's 7 days) is not over a minute early; at its end the unit group goes.
    expect(mine(await scanExpiry(db(), new Date(at(end, 7).getTime() - 60_000)), group.id)).toEqual([]);
    expect((await groupRow(group.id)).state).toBe('RUNNING');
    expect(mine(await scanExpiry(db(), at(end, 7)), group.id).map((s) => s.action)).toEqual(['deleted']);
    expect(mine(await scanExpiry(db(), at(end, 7)), group.id)).toEqual([]);
    expect((await groupRow(group.id)).state).toBe('DELETING');
    await deleteUnitGroup(db(), group.id);
    expect((await groupRow(group.id)).state).toBe('DELETED');
    expect(await localResourcesOf(group.id)).toEqual([]);
    await scanAlerts(db());
    expect(await mailAbout(`${group.name} was deleted after its end date`)).toHaveLength(1);
    const [deleteAudit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unitGroup.delete'), eq(auditEvents.targetId, group.id)));
    expect(deleteAudit).toMatchObject({ actorLabel: EXPIRY_LABEL, outcome: 'success' });
  });

  it('powers nothing off when an extension is approved while the end-date round waits for the unit group', async () => {
    const { owner, group } = await recordedGroup();
    // A node the round could power off: made by a build of a template, on a machine.
    const [version] = await db().select({ id: templateVersions.id }).from(templateVersions).limit(1);
    await db().insert(builds).values({ organizationId: owner.organizationId, templateVersionId: version!.id, createdBy: owner.actor.userId, unitGroupId: group.id, status: 'SUCCEEDED', parameters: {} });
    await db().update(nodes).set({ providerResourceId: `ocs-${randomUUID()}` }).where(eq(nodes.unitGroupId, group.id));
    const end = at(new Date(), 500);
    const later = at(end, 14);
    await setExpiry(db(), owner.actor, group.id, { expiresAt: end.toISOString() });

    let round: Promise<ExpiryStep[]> | undefined;
    await db().transaction(async (tx) => {
      // As approving an extension does: the unit group locked, then its date moved. The round at
      // the end date starts in between, having read the old date, and waits for the lock.
      await lockGroupToChange(tx, owner.actor, group.id, 'until');
      const [holder] = (await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`)).rows;
      round = scanExpiry(db(), end);
      await until('the round to wait for the unit group', async () => (await db().execute(sql`select 1 from pg_stat_activity where ${holder!.pid} = any(pg_blocking_pids(pid))`)).rows.length > 0, 10_000, 20);
      await moveExpiry(tx, group.id, later, end);
    });
    expect(mine(await round!, group.id)).toEqual([]);
    expect(await db().select().from(builds).where(and(eq(builds.unitGroupId, group.id), eq(builds.kind, 'power')))).toEqual([]);
    expect((await db().select().from(nodes).where(eq(nodes.unitGroupId, group.id))).map((n) => n.state)).toEqual(['RUNNING']);
    expect(await groupRow(group.id)).toMatchObject({ state: 'RUNNING', expiresAt: later, expiredAt: null });
    expect(await openAlerts(group.id)).toEqual([]);
  });
});
