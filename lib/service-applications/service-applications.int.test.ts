import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, institutions, memberships, organizations, serviceApplications, users, type ServiceApplicationState } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';
import { errorResponse } from '@/lib/http/route';
import { seededLabAdmin, uniqueName } from '@/test/fixtures';
import { createApplication, submitApplication, updateApplication } from './applications';
import { addComment } from './comments';
import { decideApplication } from './decide';
import { createOrganizationDirectly, directCreationStatus } from './direct-organization';
import { edition } from './edition';
import { getApplication, listApplications } from './queries';

let staff: Actor;

beforeAll(async () => {
  await seededLabAdmin();
  const row = await db().query.users.findFirst({ where: eq(users.email, 'staff@nii.ac.jp') });
  staff = (await loadActor(db(), row!.id))!;
});

afterAll(async () => {
  await closeDb();
});

const tag = () => randomBytes(4).toString('hex');

async function newUser(email: string, isStaff = false): Promise<Actor> {
  const [user] = await db().insert(users).values({ email, name: email.split('@')[0]!, isStaff }).returning();
  return (await loadActor(db(), user!.id))!;
}

function applicationInput(over: Record<string, unknown> = {}) {
  return {
    organizationName: uniqueName('機械学習研究室'),
    organizationKind: 'lab',
    department: '情報工学科',
    applicantName: '佐藤 一郎',
    contactEmail: `lab-${tag()}@demo-univ.ac.jp`,
    purpose: '演習用 JupyterHub',
    expectedStudents: 40,
    expectedNodes: 6,
    wantedProviders: ['local', 'aws'],
    networkNeeds: '学内からのみ',
    ...over,
  };
}

/** The HTTP error a call fails with, as a client would see it. */
async function failure(p: Promise<unknown>): Promise<{ status: number; code: string; message: string; fields: Record<string, string> }> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e, 'the call should have failed').toBeInstanceOf(AppError);
  const res = errorResponse(e);
  const body = (await res.json()) as { error: { code: string; message: string; details: { fields?: Record<string, string> } } };
  return { status: res.status, code: body.error.code, message: body.error.message, fields: body.error.details.fields ?? {} };
}

async function stateOf(id: string): Promise<ServiceApplicationState> {
  return (await db().query.serviceApplications.findFirst({ where: eq(serviceApplications.id, id) }))!.state;
}

/** A fresh applicant's application driven into `state`. */
async function applicationIn(state: ServiceApplicationState) {
  const applicant = await newUser(`a-${tag()}@demo-univ.ac.jp`);
  const app = await createApplication(db(), applicant, applicationInput());
  if (state !== 'draft') await submitApplication(db(), applicant, app.id);
  const decision = { approved: 'approve', rejected: 'reject', changes_requested: 'request_changes' }[state as string];
  if (decision) await decideApplication(db(), staff, app.id, { decision, reason: 'テスト' });
  expect(await stateOf(app.id)).toBe(state);
  return { applicant, id: app.id };
}

describe('the application state machine', () => {
  const allowedEdit: ServiceApplicationState[] = ['draft', 'changes_requested'];
  const all: ServiceApplicationState[] = ['draft', 'submitted', 'changes_requested', 'approved', 'rejected'];

  it.each(all)('from %s allows exactly the transitions it should, and refuses the others with 409', async (state) => {
    for (const decision of ['approve', 'reject', 'request_changes'] as const) {
      const { id } = await applicationIn(state);
      if (state === 'submitted') {
        await decideApplication(db(), staff, id, { decision, reason: '審査結果' });
        expect(await stateOf(id)).toBe({ approve: 'approved', reject: 'rejected', request_changes: 'changes_requested' }[decision]);
      } else {
        const f = await failure(decideApplication(db(), staff, id, { decision, reason: '審査結果' }));
        expect(f).toMatchObject({ status: 409, code: 'CONFLICT' });
        expect(f.message).toContain(`is ${state}`);
        expect(await stateOf(id)).toBe(state);
      }
    }

    const { applicant, id } = await applicationIn(state);
    if (allowedEdit.includes(state)) {
      const edited = await updateApplication(db(), applicant, id, { purpose: '修正した利用目的' });
      expect(edited.purpose).toBe('修正した利用目的');
      expect(edited.state).toBe(state);
      const submitted = await submitApplication(db(), applicant, id);
      expect(submitted.state).toBe('submitted');
      expect(submitted.submittedAt).toBeInstanceOf(Date);
    } else {
      const edit = await failure(updateApplication(db(), applicant, id, { purpose: 'x' }));
      expect(edit).toMatchObject({ status: 409, code: 'CONFLICT' });
      expect(edit.message).toMatch(/cannot be edited/);
      const submit = await failure(submitApplication(db(), applicant, id));
      expect(submit).toMatchObject({ status: 409, code: 'CONFLICT' });
      expect(submit.message).toMatch(/cannot be submitted/);
      expect(await stateOf(id)).toBe(state);
    }

    const { applicant: commenter, id: other } = await applicationIn(state);
    if (state === 'approved' || state === 'rejected') {
      expect(await failure(addComment(db(), commenter, other, { body: 'まだ質問があります' }))).toMatchObject({ status: 409, code: 'CONFLICT' });
    } else {
      await addComment(db(), commenter, other, { body: 'よろしくお願いします' });
    }
  });

  it('goes changes_requested → edited → submitted again → approved, keeping the thread', async () => {
    const { applicant, id } = await applicationIn('submitted');
    await addComment(db(), staff, id, { body: 'ノード数の根拠を教えてください' });
    await decideApplication(db(), staff, id, { decision: 'request_changes', reason: '想定ノード数を見直してください' });
    const returned = await getApplication(db(), applicant, id);
    expect(returned.state).toBe('changes_requested');
    expect(returned.decisionReason).toBe('想定ノード数を見直してください');
    expect(returned.allowed).toEqual({ edit: true, submit: true, comment: true, decide: false });

    await updateApplication(db(), applicant, id, { expectedNodes: 3, purpose: '受講者 40 名、3 ノードで足ります' });
    await addComment(db(), applicant, id, { body: '3 ノードに減らしました' });
    expect(await stateOf(id)).toBe('changes_requested');
    await submitApplication(db(), applicant, id);
    const { organization } = await decideApplication(db(), staff, id, { decision: 'approve', reason: '承認します' });
    expect(organization?.maxNodes).toBe(3);

    const detail = await getApplication(db(), applicant, id);
    expect(detail.state).toBe('approved');
    expect(detail.comments.map((c) => [c.body, c.authorIsStaff])).toEqual([
      ['ノード数の根拠を教えてください', true],
      ['3 ノードに減らしました', false],
    ]);
    expect(detail.allowed).toEqual({ edit: false, submit: false, comment: false, decide: false });
    const actions = await db().select({ action: auditEvents.action }).from(auditEvents).where(and(eq(auditEvents.targetId, id), eq(auditEvents.outcome, 'success')));
    expect(actions.map((a) => a.action)).toEqual([
      'application.create',
      'application.submit',
      'application.comment',
      'application.requestChanges',
      'application.update',
      'application.comment',
      'application.submit',
      'application.approve',
    ]);
  });
});

describe('who may see and decide', () => {
  it('hides an application from everyone but its applicant and staff, and lets only staff decide', async () => {
    const { applicant, id } = await applicationIn('submitted');
    const stranger = await newUser(`s-${tag()}@demo-univ.ac.jp`);
    const labAdmin = await seededLabAdmin();

    for (const other of [stranger, labAdmin]) {
      expect(await failure(getApplication(db(), other, id))).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      expect(await failure(addComment(db(), other, id, { body: 'のぞき見' }))).toMatchObject({ status: 404 });
      expect(await failure(updateApplication(db(), other, id, { purpose: 'x' }))).toMatchObject({ status: 404 });
      expect(await failure(decideApplication(db(), other, id, { decision: 'approve', reason: 'x' }))).toMatchObject({ status: 404 });
      expect((await listApplications(db(), other)).map((a) => a.id)).not.toContain(id);
    }
    expect(await failure(decideApplication(db(), applicant, id, { decision: 'approve', reason: '自分で承認' }))).toMatchObject({ status: 403, code: 'FORBIDDEN' });
    expect(await failure(updateApplication(db(), staff, id, { purpose: 'x' }))).toMatchObject({ status: 403 });
    expect(await stateOf(id)).toBe('submitted');

    expect((await getApplication(db(), applicant, id)).allowed.decide).toBe(false);
    expect((await getApplication(db(), staff, id)).allowed.decide).toBe(true);
    expect((await listApplications(db(), applicant)).map((a) => a.id)).toEqual([id]);
    await decideApplication(db(), staff, id, { decision: 'reject', reason: '目的が対象外です' });
    expect(await stateOf(id)).toBe('rejected');
  });

  it('lists every application to staff, those awaiting review first', async () => {
    await applicationIn('draft');
    await applicationIn('submitted');
    const list = await listApplications(db(), staff);
    const firstOther = list.findIndex((a) => a.state !== 'submitted');
    expect(list.slice(firstOther).some((a) => a.state === 'submitted')).toBe(false);
    expect(list.some((a) => a.state === 'draft')).toBe(true);
  });
});

describe('input checks', () => {
  it('refuses a contact address outside the institution, naming contactEmail, and writes nothing', async () => {
    const applicant = await newUser(`a-${tag()}@demo-univ.ac.jp`);
    const before = await db().select({ id: serviceApplications.id }).from(serviceApplications);
    for (const contactEmail of ['someone@gmail.com', 'x@demo-univ.ac.jp.evil.example', 'x@other-univ.ac.jp']) {
      const f = await failure(createApplication(db(), applicant, applicationInput({ contactEmail })));
      expect(f).toMatchObject({ status: 400, code: 'INVALID_INPUT' });
      expect(Object.keys(f.fields)).toEqual(['contactEmail']);
      expect(f.fields.contactEmail).toContain('demo-univ.ac.jp');
    }
    expect(await db().select({ id: serviceApplications.id }).from(serviceApplications)).toHaveLength(before.length);

    // A subdomain of the institution counts, for the contact address and for the applicant.
    const inDept = await newUser(`b-${tag()}@cs.demo-univ.ac.jp`);
    const ok = await createApplication(db(), inDept, applicationInput({ contactEmail: `office-${tag()}@demo-univ.ac.jp` }));
    const demo = await db().query.institutions.findFirst({ where: eq(institutions.domain, 'demo-univ.ac.jp') });
    expect(ok.institutionId).toBe(demo!.id);
    await createApplication(db(), applicant, applicationInput({ contactEmail: `lab-${tag()}@cs.demo-univ.ac.jp` }));

    const draft = await applicationIn('draft');
    const edit = await failure(updateApplication(db(), draft.applicant, draft.id, { contactEmail: 'x@example.com' }));
    expect(Object.keys(edit.fields)).toEqual(['contactEmail']);
    expect((await db().query.serviceApplications.findFirst({ where: eq(serviceApplications.id, draft.id) }))!.contactEmail).not.toBe('x@example.com');
  });

  it('names each bad field', async () => {
    const applicant = await newUser(`a-${tag()}@demo-univ.ac.jp`);
    const f = await failure(createApplication(db(), applicant, applicationInput({ organizationName: ' ', organizationKind: 'club', expectedNodes: 0, wantedProviders: ['nowhere'] })));
    expect(Object.keys(f.fields).sort()).toEqual(['expectedNodes', 'organizationKind', 'organizationName', 'wantedProviders']);
    const { id } = await applicationIn('submitted');
    const d = await failure(decideApplication(db(), staff, id, { decision: 'approve', reason: '' }));
    expect(Object.keys(d.fields)).toEqual(['reason']);
    const q = await failure(decideApplication(db(), staff, id, { decision: 'approve', reason: 'ok', maxNodes: 4, maxNodesPerProvider: { local: 5 } }));
    expect(Object.keys(q.fields)).toEqual(['maxNodesPerProvider.local']);
    expect(await stateOf(id)).toBe('submitted');
  });
});

describe('approval', () => {
  it('creates exactly one active organization with the quotas and the applicant as owner', async () => {
    const { applicant, id } = await applicationIn('submitted');
    const app = await db().query.serviceApplications.findFirst({ where: eq(serviceApplications.id, id) });
    // Two staff approving at once: one wins, the other is told the application is no longer submitted.
    const results = await Promise.allSettled([
      decideApplication(db(), staff, id, { decision: 'approve', reason: '承認', maxNodes: 12, maxNodesPerProvider: { local: 8, aws: 4 } }),
      decideApplication(db(), staff, id, { decision: 'approve', reason: '承認', maxNodes: 12, maxNodesPerProvider: { local: 8, aws: 4 } }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe('CONFLICT');

    const orgs = await db().select().from(organizations).where(eq(organizations.name, app!.organizationName));
    expect(orgs).toHaveLength(1);
    expect(orgs[0]).toMatchObject({ state: 'active', kind: 'lab', department: '情報工学科', maxNodes: 12, maxNodesPerProvider: { local: 8, aws: 4 } });
    const members = await db().select().from(memberships).where(eq(memberships.organizationId, orgs[0]!.id));
    expect(members.map((m) => [m.userId, m.role])).toEqual([[applicant.userId, 'owner']]);
    const decided = await db().query.serviceApplications.findFirst({ where: eq(serviceApplications.id, id) });
    expect(decided).toMatchObject({ state: 'approved', organizationId: orgs[0]!.id, decidedBy: staff.userId, decisionReason: '承認' });

    const reloaded = await loadActor(db(), applicant.userId);
    expect(reloaded!.memberships).toEqual([{ organizationId: orgs[0]!.id, organizationName: app!.organizationName, role: 'owner' }]);
    const created = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'organization.create'), eq(auditEvents.targetId, orgs[0]!.id)));
    expect(created).toHaveLength(1);
  });

  it('defaults the total quota to the expected nodes and creates an unknown institution', async () => {
    const domain = `new-${tag()}.ac.jp`;
    const applicant = await newUser(`prof@lab.${domain}`);
    const app = await createApplication(db(), applicant, applicationInput({ contactEmail: `office@${domain}`, expectedNodes: 9, organizationKind: 'institution', organizationName: uniqueName('新大学') }));
    expect(app.institutionId).toBeNull();
    await submitApplication(db(), applicant, app.id);
    const { organization } = await decideApplication(db(), staff, app.id, { decision: 'approve', reason: 'ようこそ' });
    expect(organization).toMatchObject({ maxNodes: 9, maxNodesPerProvider: {} });
    const institution = await db().query.institutions.findFirst({ where: eq(institutions.domain, domain) });
    expect(institution).toMatchObject({ name: app.organizationName, domain });
    expect(organization!.institutionId).toBe(institution!.id);
  });

  it('refuses a second organization of the same name at one institution', async () => {
    const name = uniqueName('同名研究室');
    const first = await applicationIn('draft');
    await updateApplication(db(), first.applicant, first.id, { organizationName: name });
    const second = await applicationIn('draft');
    await updateApplication(db(), second.applicant, second.id, { organizationName: name });
    await submitApplication(db(), first.applicant, first.id);
    await submitApplication(db(), second.applicant, second.id);
    await decideApplication(db(), staff, first.id, { decision: 'approve', reason: 'ok' });
    const f = await failure(decideApplication(db(), staff, second.id, { decision: 'approve', reason: 'ok' }));
    expect(f).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(await stateOf(second.id)).toBe('submitted');
    expect(await db().select().from(organizations).where(eq(organizations.name, name))).toHaveLength(1);
  });
});

describe('the portable edition', () => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env.OCS_EDITION;
    process.env.OCS_EDITION = 'portable';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.OCS_EDITION;
    else process.env.OCS_EDITION = saved;
  });

  it("lets an institution's first user create its organization directly, and sends later ones to its admin", async () => {
    expect(edition()).toBe('portable');
    const domain = `p-${tag()}.ac.jp`;
    const first = await newUser(`first@${domain}`);
    expect(await directCreationStatus(db(), first)).toEqual({ institutionName: null, domain, existing: [] });
    const org = await createOrganizationDirectly(db(), first, { organizationName: 'ポータブル研究室', organizationKind: 'lab', maxNodes: 5 });
    expect(org).toMatchObject({ state: 'active', maxNodes: 5, name: 'ポータブル研究室' });
    expect((await loadActor(db(), first.userId))!.memberships).toEqual([{ organizationId: org.id, organizationName: 'ポータブル研究室', role: 'owner' }]);

    const later = await newUser(`later@cs.${domain}`);
    expect((await directCreationStatus(db(), later)).existing).toEqual([{ name: 'ポータブル研究室', admins: [`first@${domain}`] }]);
    const f = await failure(createOrganizationDirectly(db(), later, { organizationName: '別の研究室', organizationKind: 'lab' }));
    expect(f).toMatchObject({ status: 409, code: 'CONFLICT' });
    expect(f.message).toContain(`first@${domain}`);
    const institution = await db().query.institutions.findFirst({ where: eq(institutions.domain, domain) });
    expect(await db().select().from(organizations).where(eq(organizations.institutionId, institution!.id))).toHaveLength(1);

    // No applications in this edition.
    expect(await failure(createApplication(db(), later, applicationInput({ contactEmail: `x@${domain}` })))).toMatchObject({ status: 409 });
  });

  it('is refused as not found in the service edition', async () => {
    process.env.OCS_EDITION = 'service';
    try {
      const user = await newUser(`u@s-${tag()}.ac.jp`);
      expect(await failure(createOrganizationDirectly(db(), user, { organizationName: 'x', organizationKind: 'lab' }))).toMatchObject({ status: 404 });
    } finally {
      process.env.OCS_EDITION = 'portable';
    }
  });
});
