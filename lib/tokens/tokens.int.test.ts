import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditEventsCsv, csvField, csvRecord } from '@/lib/audit/csv';
import { listAuditEvents } from '@/lib/audit/list-events';
import { recordAudit } from '@/lib/audit/record';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { apiTokens, auditEvents, institutions, memberships, organizations, users, type MemberRole, type Organization } from '@/lib/db/schema';
import { DEMO_INSTITUTION, DEMO_STAFF } from '@/lib/db/seed';
import { AppError } from '@/lib/errors';
import { closeQueue } from '@/lib/jobs/queue';
import { listOrganizations } from '@/lib/organizations/list-organizations';
import { addMember, changeMemberRole, listMembers, removeMember } from '@/lib/organizations/members';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { requestUnitGroupDeletion } from '@/lib/unit-groups/request-deletion';
import { getUnitGroupDetail } from '@/lib/unit-groups/detail';
import { listUnitGroups } from '@/lib/unit-groups/queries';
import { failure, seededLabAdmin, uniqueName } from '@/test/fixtures';
import { authenticateToken } from './authenticate';
import { issueToken } from './issue-token';
import { listTokens } from './list-tokens';
import { revokeToken } from './revoke-token';
import { hashTokenSecret, newTokenSecret } from './secret';

type Org = { org: Organization; members: Record<MemberRole, Actor>; unitGroupId: string };

const unitGroups: string[] = [];
let a: Org;
let b: Org;
let staff: Actor;

/** A fresh organization with one member of each role and one (not built) unit group. */
async function makeOrganization(label: string): Promise<Org> {
  const institution = await db().query.institutions.findFirst({ where: eq(institutions.slug, DEMO_INSTITUTION.slug) });
  const [org] = await db().insert(organizations).values({ institutionId: institution!.id, name: uniqueName(label), kind: 'lab', maxNodes: 50 }).returning();
  const members = {} as Record<MemberRole, Actor>;
  for (const role of ['owner', 'admin', 'user', 'viewer'] as const) members[role] = await newMember(org!.id, role);
  const { unitGroupId } = await submitBuild(db(), members.owner, { templateSlug: 'web-hello', unitGroupName: uniqueName('ug'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
  unitGroups.push(unitGroupId);
  return { org: org!, members, unitGroupId };
}

async function newMember(organizationId: string, role: MemberRole): Promise<Actor> {
  const email = `${uniqueName(role)}@example.ac.jp`;
  const [user] = await db().insert(users).values({ email, name: email }).returning();
  await db().insert(memberships).values({ organizationId, userId: user!.id, role });
  return (await loadActor(db(), user!.id))!;
}


async function issued(org: Org, member: MemberRole, role: 'fullaccess' | 'readonly' = 'fullaccess') {
  return issueToken(db(), org.members.owner, org.org.id, { userId: org.members[member].userId, note: `${member} ${role}`, role });
}

beforeAll(async () => {
  await seededLabAdmin();
  staff = (await loadActor(db(), (await db().query.users.findFirst({ where: eq(users.email, DEMO_STAFF.email) }))!.id))!;
  a = await makeOrganization('tokens-a');
  b = await makeOrganization('tokens-b');
});

afterAll(async () => {
  for (const id of unitGroups) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

describe('API tokens', () => {
  it('shows the secret once and keeps only its hash', async () => {
    const { token, secret } = await issueToken(db(), a.members.admin, a.org.id, { userId: a.members.user.userId, note: 'CI パイプライン', role: 'fullaccess' });
    expect(secret).toMatch(/^ocs_[A-Za-z0-9_-]{43}$/);
    const row = await db().query.apiTokens.findFirst({ where: eq(apiTokens.id, token.id) });
    expect(row!.secretHash).toBe(hashTokenSecret(secret));
    expect(row!.prefix).toBe(secret.slice(0, 12));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(row!.createdBy).toBe(a.members.admin.userId);
    // Default expiry: a year from now.
    expect(Math.abs(row!.expiresAt.getTime() - Date.now() - 365 * 24 * 3600 * 1000)).toBeLessThan(2 * 24 * 3600 * 1000);

    const listed = (await listTokens(db(), a.members.admin, a.org.id, { limit: 200 })).tokens;
    const mine = listed.find((t) => t.id === token.id)!;
    expect(mine).toMatchObject({ status: 'active', note: 'CI パイプライン', role: 'fullaccess', userEmail: a.members.user.email, lastUsedAt: null });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(JSON.stringify(listed)).not.toContain(row!.secretHash);
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'token.issue'), eq(auditEvents.targetId, token.id)));
    expect(audit).toMatchObject({ organizationId: a.org.id, outcome: 'success', actorUserId: a.members.admin.userId });
    expect(JSON.stringify(audit)).not.toContain(secret);
    expect(JSON.stringify(audit)).not.toContain(row!.secretHash);
  });

  it('acts as its member in its organization and records its last use', async () => {
    const { token, secret } = await issued(a, 'user');
    const actor = await authenticateToken(db(), secret);
    expect(actor).toMatchObject({ userId: a.members.user.userId, isStaff: false, token: { id: token.id, organizationId: a.org.id, role: 'fullaccess' } });
    const row = await db().query.apiTokens.findFirst({ where: eq(apiTokens.id, token.id) });
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    expect((await listTokens(db(), a.members.owner, a.org.id, { limit: 200 })).tokens.find((t) => t.id === token.id)!.lastUsedAt).toEqual(row!.lastUsedAt);
    expect((await getUnitGroupDetail(db(), actor, a.unitGroupId)).id).toBe(a.unitGroupId);
  });

  it('a readonly token reads but changes nothing', async () => {
    const { secret } = await issued(a, 'owner', 'readonly');
    const actor = await authenticateToken(db(), secret);
    expect((await listUnitGroups(db(), actor)).unitGroups.map((g) => g.id)).toContain(a.unitGroupId);
    expect((await getUnitGroupDetail(db(), actor, a.unitGroupId)).id).toBe(a.unitGroupId);
    expect((await listAuditEvents(db(), actor, { organizationId: a.org.id })).events.length).toBeGreaterThan(0);
    const build = await failure(submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('ro'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } }));
    expect(build.code).toBe('FORBIDDEN');
    expect((await failure(requestUnitGroupDeletion(db(), actor, a.unitGroupId))).code).toBe('FORBIDDEN');
    expect((await failure(issueToken(db(), actor, a.org.id, { userId: actor.userId, note: 'x', role: 'fullaccess' }))).code).toBe('FORBIDDEN');
    expect((await failure(addMember(db(), actor, a.org.id, { email: `${uniqueName('ro')}@example.ac.jp`, role: 'viewer' }))).code).toBe('FORBIDDEN');
  });

  it('is refused once revoked, expired or unknown', async () => {
    const revoked = await issued(a, 'viewer');
    await authenticateToken(db(), revoked.secret);
    const after = await revokeToken(db(), a.members.admin, revoked.token.id);
    expect(after.status).toBe('revoked');
    expect((await failure(authenticateToken(db(), revoked.secret))).code).toBe('UNAUTHENTICATED');
    // Revoking again changes nothing and records nothing more.
    await revokeToken(db(), a.members.admin, revoked.token.id);
    const revokes = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'token.revoke'), eq(auditEvents.targetId, revoked.token.id)));
    expect(revokes).toHaveLength(1);
    expect(JSON.stringify(revokes)).not.toContain(revoked.secret);

    const expired = await issued(a, 'viewer');
    await db().update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, expired.token.id));
    expect((await failure(authenticateToken(db(), expired.secret))).code).toBe('UNAUTHENTICATED');
    expect((await listTokens(db(), a.members.admin, a.org.id, { limit: 200 })).tokens.find((t) => t.id === expired.token.id)!.status).toBe('expired');

    expect((await failure(authenticateToken(db(), newTokenSecret().secret))).code).toBe('UNAUTHENTICATED');
    expect((await failure(authenticateToken(db(), 'not-a-token'))).code).toBe('UNAUTHENTICATED');
  });

  it("never reaches another organization's resources", async () => {
    const actor = await authenticateToken(db(), (await issued(a, 'owner')).secret);
    expect((await failure(getUnitGroupDetail(db(), actor, b.unitGroupId))).code).toBe('NOT_FOUND');
    expect((await failure(requestUnitGroupDeletion(db(), actor, b.unitGroupId))).code).toBe('NOT_FOUND');
    expect((await listUnitGroups(db(), actor)).unitGroups.map((g) => g.id)).not.toContain(b.unitGroupId);
    expect((await failure(listTokens(db(), actor, b.org.id))).code).toBe('NOT_FOUND');
    expect((await failure(listMembers(db(), actor, b.org.id))).code).toBe('NOT_FOUND');
    expect((await failure(listAuditEvents(db(), actor, { organizationId: b.org.id }))).code).toBe('NOT_FOUND');
    const bToken = await issued(b, 'user');
    expect((await failure(revokeToken(db(), a.members.owner, bToken.token.id))).code).toBe('NOT_FOUND');
    expect((await failure(issueToken(db(), a.members.owner, b.org.id, { userId: b.members.user.userId, note: 'x', role: 'readonly' }))).code).toBe('NOT_FOUND');
    expect((await listOrganizations(db(), actor)).map((o) => o.id)).toEqual([a.org.id]);
  });

  it('stops working when its member leaves the organization', async () => {
    const leaving = await newMember(a.org.id, 'user');
    const { token, secret } = await issueToken(db(), a.members.owner, a.org.id, { userId: leaving.userId, note: 'leaving', role: 'fullaccess' });
    await authenticateToken(db(), secret);
    await removeMember(db(), a.members.admin, a.org.id, leaving.userId);
    expect((await failure(authenticateToken(db(), secret))).code).toBe('UNAUTHENTICATED');
    expect((await listTokens(db(), a.members.owner, a.org.id, { limit: 200 })).tokens.find((t) => t.id === token.id)!.status).toBe('revoked');
  });

  it('checks expiry, member and who may issue', async () => {
    const issue = (actor: Actor, input: Record<string, unknown>) =>
      failure(issueToken(db(), actor, a.org.id, { userId: a.members.user.userId, note: 'n', role: 'readonly', ...input }));
    expect((await issue(a.members.owner, { expiresAt: new Date(Date.now() - 60_000).toISOString() })).details?.fields).toHaveProperty('expiresAt');
    expect((await issue(a.members.owner, { expiresAt: new Date(Date.now() + 11 * 365 * 24 * 3600 * 1000).toISOString() })).details?.fields).toHaveProperty('expiresAt');
    expect((await issue(a.members.owner, { expiresAt: 'tomorrow' })).details?.fields).toHaveProperty('expiresAt');
    expect((await issue(a.members.owner, { userId: b.members.user.userId })).details?.fields).toHaveProperty('userId');
    expect((await issue(a.members.owner, { userId: 'nobody' })).details?.fields).toHaveProperty('userId');
    expect((await issue(a.members.owner, { role: 'superuser' })).details?.fields).toHaveProperty('role');
    expect((await issue(a.members.owner, { note: '  ' })).details?.fields).toHaveProperty('note');
    // An admin may not mint a token that acts as an owner; users and viewers may not issue at all.
    const escalation = await issue(a.members.admin, { userId: a.members.owner.userId });
    expect(escalation.code).toBe('FORBIDDEN');
    expect((await issue(a.members.user, {})).code).toBe('FORBIDDEN');
    expect((await issue(a.members.viewer, {})).code).toBe('FORBIDDEN');

    const tenYears = new Date();
    tenYears.setFullYear(tenYears.getFullYear() + 10);
    const { token } = await issueToken(db(), a.members.owner, a.org.id, { userId: a.members.owner.userId, note: 'long', role: 'readonly', expiresAt: tenYears.toISOString() });
    expect(token.expiresAt.toISOString()).toBe(tenYears.toISOString());
  });
});

describe('members', () => {
  it('are listed, added by e-mail, changed and removed by admins, and audited', async () => {
    const org = await makeOrganization('members');
    const listed = (await listMembers(db(), org.members.admin, org.org.id)).members;
    expect(listed.map((m) => m.role).sort()).toEqual(['admin', 'owner', 'user', 'viewer']);
    expect((await failure(listMembers(db(), org.members.user, org.org.id))).code).toBe('FORBIDDEN');
    expect((await failure(listMembers(db(), a.members.owner, org.org.id))).code).toBe('NOT_FOUND');

    // Someone who never signed in: a users row with that e-mail, linked at first sign-in.
    const email = `${uniqueName('new')}@Example.AC.jp`;
    const added = await addMember(db(), org.members.admin, org.org.id, { email: ` ${email} `, role: 'user' }, { ip: '203.0.113.7' });
    expect(added).toMatchObject({ email: email.toLowerCase(), name: email.toLowerCase(), role: 'user', lastSignInAt: null });
    const user = await db().query.users.findFirst({ where: eq(users.email, email.toLowerCase()) });
    expect(user?.id).toBe(added.userId);
    // Someone who already exists is linked, not duplicated.
    const existing = await addMember(db(), org.members.owner, org.org.id, { email: a.members.viewer.email.toUpperCase(), role: 'viewer' });
    expect(existing.userId).toBe(a.members.viewer.userId);
    const again = await failure(addMember(db(), org.members.owner, org.org.id, { email: email.toLowerCase(), role: 'viewer' }));
    expect(again.code).toBe('CONFLICT');
    expect(again.details?.fields).toHaveProperty('email');
    expect((await failure(addMember(db(), org.members.owner, org.org.id, { email: 'not an address', role: 'user' }))).details?.fields).toHaveProperty('email');
    expect((await failure(addMember(db(), org.members.owner, org.org.id, { email: 'x@example.ac.jp', role: 'god' }))).details?.fields).toHaveProperty('role');
    expect((await failure(addMember(db(), org.members.admin, org.org.id, { email: `${uniqueName('o')}@example.ac.jp`, role: 'owner' }))).code).toBe('FORBIDDEN');
    expect((await failure(addMember(db(), org.members.user, org.org.id, { email: `${uniqueName('u')}@example.ac.jp`, role: 'viewer' }))).code).toBe('FORBIDDEN');

    const changed = await changeMemberRole(db(), org.members.admin, org.org.id, added.userId, { role: 'admin' });
    expect(changed.role).toBe('admin');
    expect((await failure(changeMemberRole(db(), org.members.admin, org.org.id, org.members.owner.userId, { role: 'viewer' }))).code).toBe('FORBIDDEN');
    expect((await failure(changeMemberRole(db(), org.members.admin, org.org.id, added.userId, { role: 'owner' }))).code).toBe('FORBIDDEN');
    expect((await failure(changeMemberRole(db(), org.members.owner, org.org.id, b.members.user.userId, { role: 'viewer' }))).code).toBe('NOT_FOUND');

    await removeMember(db(), org.members.admin, org.org.id, added.userId, { ip: '203.0.113.7' });
    expect((await listMembers(db(), org.members.owner, org.org.id)).members.map((m) => m.userId)).not.toContain(added.userId);
    expect((await failure(removeMember(db(), org.members.admin, org.org.id, org.members.owner.userId))).code).toBe('FORBIDDEN');

    const trail = await db().select().from(auditEvents).where(and(eq(auditEvents.organizationId, org.org.id), eq(auditEvents.targetId, added.userId)));
    expect(trail.map((e) => e.action).sort()).toEqual(['member.add', 'member.changeRole', 'member.remove']);
    expect(trail.every((e) => e.outcome === 'success' && e.actorUserId === org.members.admin.userId)).toBe(true);
    expect(trail.find((e) => e.action === 'member.add')!.ipAddress).toBe('203.0.113.7');
    expect(trail.find((e) => e.action === 'member.changeRole')!.details).toMatchObject({ from: 'user', to: 'admin' });
  });

  it('never lose their last owner', async () => {
    const org = await makeOrganization('last-owner');
    const owner = org.members.owner;
    expect((await failure(removeMember(db(), owner, org.org.id, owner.userId))).code).toBe('CONFLICT');
    expect((await failure(changeMemberRole(db(), owner, org.org.id, owner.userId, { role: 'admin' }))).code).toBe('CONFLICT');

    // Two owners demoting each other at the same moment: one wins, the other is told no.
    await changeMemberRole(db(), owner, org.org.id, org.members.admin.userId, { role: 'owner' });
    const second = (await loadActor(db(), org.members.admin.userId))!;
    const results = await Promise.allSettled([
      changeMemberRole(db(), owner, org.org.id, second.userId, { role: 'admin' }),
      changeMemberRole(db(), second, org.org.id, owner.userId, { role: 'admin' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe('CONFLICT');
    const owners = (await db().select().from(memberships).where(eq(memberships.organizationId, org.org.id))).filter((m) => m.role === 'owner');
    expect(owners).toHaveLength(1);
  });

  it('organizations are listed with the role, rights and quotas', async () => {
    const mine = await listOrganizations(db(), a.members.admin);
    expect(mine).toEqual([expect.objectContaining({ id: a.org.id, role: 'admin', maxNodes: 50, permissions: ['read', 'build', 'manageMembers', 'manageTokens', 'manageHosts', 'manageAccounts'] })]);
    const everything = await listOrganizations(db(), staff);
    expect(everything.map((o) => o.id)).toEqual(expect.arrayContaining([a.org.id, b.org.id]));
    expect(everything.find((o) => o.id === a.org.id)).toMatchObject({ role: null, permissions: ['read', 'readAudit'] });
  });
});

describe('audit log', () => {
  it("shows owners their organization's entries and staff everyone's, with filters and paging", async () => {
    const org = await makeOrganization('audit');
    const other = await makeOrganization('audit-other');
    const when = (iso: string) => new Date(iso);
    const entries = [
      { action: 'token.issue', outcome: 'success' as const, at: when('2024-04-01T00:00:00Z') },
      { action: 'token.revoke', outcome: 'success' as const, at: when('2024-04-02T00:00:00Z') },
      { action: 'build.submit', outcome: 'denied' as const, at: when('2024-04-03T00:00:00Z') },
      { action: 'tokens.other', outcome: 'failure' as const, at: when('2024-04-04T00:00:00Z') },
    ];
    for (const e of entries) {
      await recordAudit(db(), { actor: org.members.admin, organizationId: org.org.id, action: e.action, ipAddress: '192.0.2.1', outcome: e.outcome });
      await db().update(auditEvents).set({ at: e.at }).where(and(eq(auditEvents.organizationId, org.org.id), eq(auditEvents.action, e.action)));
    }
    await recordAudit(db(), { actor: other.members.owner, organizationId: other.org.id, action: 'token.issue', outcome: 'success' });

    const list = (actor: Actor, query: Record<string, unknown>) => listAuditEvents(db(), actor, { organizationId: org.org.id, ...query });
    const actions = async (actor: Actor, query: Record<string, unknown>) => (await list(actor, query)).events.map((e) => e.action);
    const everything = await list(org.members.owner, {});
    expect(everything.events.every((e) => e.organizationId === org.org.id && e.organizationName === org.org.name)).toBe(true);
    // Newest first (by insertion), the build of the fixture included.
    expect(everything.events.map((e) => e.id)).toEqual([...everything.events.map((e) => e.id)].sort((x, y) => y - x));
    expect(await actions(org.members.owner, { action: 'token' })).toEqual(['token.revoke', 'token.issue']);
    expect(await actions(org.members.owner, { action: 'token.issue' })).toEqual(['token.issue']);
    expect(await actions(org.members.owner, { outcome: 'denied' })).toEqual(['build.submit']);
    expect(await actions(org.members.owner, { actor: org.members.admin.email.slice(0, 10).toUpperCase(), from: '2024-04-02', to: '2024-04-04' })).toEqual(['build.submit', 'token.revoke']);
    expect(await actions(org.members.owner, { actor: '%' })).toEqual([]);
    expect(await actions(org.members.owner, { action: '', outcome: '' })).toHaveLength(everything.events.length);
    expect((await failure(list(org.members.owner, { outcome: 'maybe' }))).details?.fields).toHaveProperty('outcome');
    expect((await failure(list(org.members.owner, { from: 'yesterday' }))).details?.fields).toHaveProperty('from');

    // Paging: two at a time, no entry twice, none missed.
    const seen: number[] = [];
    let before: number | null | undefined;
    do {
      const page = await list(org.members.owner, { limit: 2, before: before ?? undefined });
      seen.push(...page.events.map((e) => e.id));
      before = page.nextBefore;
    } while (before);
    expect(seen).toEqual(everything.events.map((e) => e.id));

    // Only owners (of their own organization) and staff.
    for (const role of ['admin', 'user', 'viewer'] as const) expect((await failure(list(org.members[role], {}))).code).toBe('FORBIDDEN');
    expect((await failure(list(other.members.owner, {}))).code).toBe('NOT_FOUND');
    const ownAll = await listAuditEvents(db(), org.members.owner, { limit: 1000 });
    expect(ownAll.events.every((e) => e.organizationId === org.org.id)).toBe(true);
    expect((await failure(listAuditEvents(db(), org.members.viewer, {}))).code).toBe('FORBIDDEN');
    const staffAll = await listAuditEvents(db(), staff, { action: 'token.issue', limit: 1000 });
    expect(staffAll.events.map((e) => e.organizationId)).toEqual(expect.arrayContaining([org.org.id, other.org.id]));
  });

  it('exports CSV with RFC 4180 quoting, a BOM and Japanese intact', async () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line1\nline2')).toBe('"line1\nline2"');
    expect(csvField(null)).toBe('');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvRecord(['情報科学研究室', 'a,"b"'])).toBe('情報科学研究室,"a,""b"""\r\n');

    const org = await makeOrganization('csv');
    const tricky = 'カンマ, "引用符" と\n改行';
    await recordAudit(db(), { actor: org.members.owner, organizationId: org.org.id, action: 'member.add', targetType: 'user', targetId: tricky, ipAddress: '198.51.100.9', outcome: 'success', details: { note: tricky } });
    const stream = await auditEventsCsv(db(), org.members.owner, { organizationId: org.org.id, action: 'member.add' });
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const records = parseCsv(text);
    expect(records[0]).toEqual(['at', 'actor', 'organization', 'action', 'target type', 'target id', 'ip', 'outcome', 'details']);
    expect(records).toHaveLength(2);
    const [at, actor, organization, action, targetType, targetId, ip, outcome, details] = records[1]!;
    expect(new Date(at!).getTime()).toBeGreaterThan(Date.now() - 60_000);
    expect({ actor, organization, action, targetType, targetId, ip, outcome }).toEqual({
      actor: org.members.owner.email,
      organization: org.org.name,
      action: 'member.add',
      targetType: 'user',
      targetId: tricky,
      ip: '198.51.100.9',
      outcome: 'success',
    });
    expect(JSON.parse(details!)).toEqual({ note: tricky });
    expect(text.endsWith('\r\n')).toBe(true);

    // Refusals come before the download starts.
    expect((await failure(auditEventsCsv(db(), org.members.admin, { organizationId: org.org.id }))).code).toBe('FORBIDDEN');
  });

  it('streams every page of a long export', async () => {
    const org = await makeOrganization('csv-long');
    await db()
      .insert(auditEvents)
      .values(Array.from({ length: 2500 }, (_, i) => ({ actorLabel: 'bulk@example.ac.jp', organizationId: org.org.id, action: 'bulk.row', targetId: String(i), outcome: 'success' as const })));
    const text = await new Response(await auditEventsCsv(db(), org.members.owner, { organizationId: org.org.id, action: 'bulk' })).text();
    const ids = parseCsv(text.replace(/^\uFEFF/, '')).slice(1).map((r) => Number(r[5]));
    expect(ids).toHaveLength(2500);
    expect(new Set(ids).size).toBe(2500);
  });
});

/** A strict RFC 4180 reader, to check that what we write reads back as it was. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') field += text[i++];
    }
    record.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) {
      records.push(record);
      record = [];
      i += 2;
    } else throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
  }
  return records;
}
