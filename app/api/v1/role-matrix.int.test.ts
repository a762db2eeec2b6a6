// Every /api/v1 route × every member role × {fullaccess, readonly} token × {own, other}
// organization, through the real route handlers with `Authorization: Bearer`.
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as unknownPathRoute from '@/app/api/v1/[...path]/route';
import * as auditEventsRoute from '@/app/api/v1/audit-events/route';
import * as buildRoute from '@/app/api/v1/builds/[id]/route';
import * as buildCancelRoute from '@/app/api/v1/builds/[id]/cancel/route';
import * as buildRetryRoute from '@/app/api/v1/builds/[id]/retry/route';
import * as buildPlanRoute from '@/app/api/v1/builds/plan/route';
import * as buildsRoute from '@/app/api/v1/builds/route';
import * as expiryDecisionRoute from '@/app/api/v1/expiry-extensions/[id]/decision/route';
import * as expiryExtensionsRoute from '@/app/api/v1/expiry-extensions/route';
import * as hostActivateRoute from '@/app/api/v1/hosts/[id]/activate/route';
import * as hostCheckRoute from '@/app/api/v1/hosts/[id]/check/route';
import * as hostDrainRoute from '@/app/api/v1/hosts/[id]/drain/route';
import * as hostRoute from '@/app/api/v1/hosts/[id]/route';
import * as leaksRoute from '@/app/api/v1/leaks/route';
import * as metricsRoute from '@/app/api/v1/metrics/route';
import * as orgLeaksCheckRoute from '@/app/api/v1/organizations/[id]/leaks/check/route';
import * as orgHostsRoute from '@/app/api/v1/organizations/[id]/hosts/route';
import * as orgProviderAccountsRoute from '@/app/api/v1/organizations/[id]/provider-accounts/route';
import * as providerAccountCredentialsRoute from '@/app/api/v1/provider-accounts/[id]/credentials/route';
import * as providerAccountRoute from '@/app/api/v1/provider-accounts/[id]/route';
import * as providerAccountTestRoute from '@/app/api/v1/provider-accounts/[id]/test/route';
import * as memberRoute from '@/app/api/v1/organizations/[id]/members/[userId]/route';
import * as membersRoute from '@/app/api/v1/organizations/[id]/members/route';
import * as orgSshPublicKeyRoute from '@/app/api/v1/organizations/[id]/ssh-public-key/route';
import * as orgTokensRoute from '@/app/api/v1/organizations/[id]/tokens/route';
import * as directOrganizationRoute from '@/app/api/v1/organizations/direct/route';
import * as organizationsRoute from '@/app/api/v1/organizations/route';
import * as organizationRoute from '@/app/api/v1/organizations/[id]/route';
import * as providersRoute from '@/app/api/v1/providers/route';
import * as applicationCommentsRoute from '@/app/api/v1/service-applications/[id]/comments/route';
import * as applicationDecisionRoute from '@/app/api/v1/service-applications/[id]/decision/route';
import * as applicationRoute from '@/app/api/v1/service-applications/[id]/route';
import * as applicationSubmitRoute from '@/app/api/v1/service-applications/[id]/submit/route';
import * as applicationsRoute from '@/app/api/v1/service-applications/route';
import * as templateCopyRoute from '@/app/api/v1/templates/[slug]/copy/route';
import * as templateRoute from '@/app/api/v1/templates/[slug]/route';
import * as templateSourceRoute from '@/app/api/v1/templates/[slug]/source/route';
import * as templateVersionsRoute from '@/app/api/v1/templates/[slug]/versions/route';
import * as templatesRoute from '@/app/api/v1/templates/route';
import * as tokenRoute from '@/app/api/v1/tokens/[id]/route';
import * as unitGroupMetricsRoute from '@/app/api/v1/unit-groups/[id]/metrics/route';
import * as unitGroupExpiryRoute from '@/app/api/v1/unit-groups/[id]/expiry/route';
import * as unitGroupExtensionsRoute from '@/app/api/v1/unit-groups/[id]/extensions/route';
import * as unitGroupPowerRoute from '@/app/api/v1/unit-groups/[id]/power/route';
import * as unitGroupRoute from '@/app/api/v1/unit-groups/[id]/route';
import * as unitGroupsRoute from '@/app/api/v1/unit-groups/route';
import * as unitGroupUnitsRoute from '@/app/api/v1/unit-groups/[id]/units/route';
import * as unitGroupCleanupRoute from '@/app/api/v1/unit-groups/[id]/cleanup/route';
import * as unitGroupIpAddressesRoute from '@/app/api/v1/unit-groups/[id]/ip-addresses/route';
import * as specRoute from '@/app/api/v1/specs/[provider]/[flavor]/route';
import * as nodesRoute from '@/app/api/v1/nodes/route';
import * as unitBurstRoute from '@/app/api/v1/units/[id]/burst/route';
import * as unitNodesDeleteRoute from '@/app/api/v1/units/[id]/nodes/delete/route';
import * as unitNodesRoute from '@/app/api/v1/units/[id]/nodes/route';
import * as unitPowerRoute from '@/app/api/v1/units/[id]/power/route';
import * as unitSchedulePauseRoute from '@/app/api/v1/units/[id]/schedule/pause/route';
import * as unitScheduleResumeRoute from '@/app/api/v1/units/[id]/schedule/resume/route';
import * as unitScheduleRoute from '@/app/api/v1/units/[id]/schedule/route';
import * as unitRoute from '@/app/api/v1/units/[id]/route';
import * as nodePowerRoute from '@/app/api/v1/nodes/[id]/power/route';
import * as nodeRoute from '@/app/api/v1/nodes/[id]/route';
import * as nodeSessionsRoute from '@/app/api/v1/nodes/[id]/sessions/route';
import * as meSshKeyRoute from '@/app/api/v1/me/ssh-keys/[id]/route';
import * as meSshKeysRoute from '@/app/api/v1/me/ssh-keys/route';
import * as orgWebhooksRoute from '@/app/api/v1/organizations/[id]/webhooks/route';
import * as webhookDeliveriesRoute from '@/app/api/v1/webhooks/[id]/deliveries/route';
import * as webhookRoute from '@/app/api/v1/webhooks/[id]/route';
import * as webhookTestRoute from '@/app/api/v1/webhooks/[id]/test/route';
import type { Actor } from '@/lib/auth/actor';
import { submitBuild } from '@/lib/builds/submit-build';
import { copyTemplate } from '@/lib/catalog/copy-template';
import { closeDb, db } from '@/lib/db/client';
import { apiTokens, auditEvents, builds, expiryExtensions, institutions, leakedResources, memberships, nodes, organizationSshKeys, organizations, serviceApplications, unitGroups, units, type MemberRole } from '@/lib/db/schema';
import { DEMO_INSTITUTION } from '@/lib/db/seed';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { freePort } from '@/scripts/services/free-port';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { revokeToken } from '@/lib/tokens/revoke-token';
import { addSshKey } from '@/lib/ssh-keys/user-keys';
import { createWebhook, deleteWebhook } from '@/lib/webhooks/manage-webhooks';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { conformanceProblem } from '@/test/api-conformance';
import { memberOf, seededLabAdmin, uniqueName } from '@/test/fixtures';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';

const ROLES = ['owner', 'admin', 'user', 'viewer'] as const;
const KINDS = ['fullaccess', 'readonly'] as const;
type Kind = (typeof KINDS)[number];

interface Fixture {
  id: string;
  members: Record<MemberRole, Actor>;
  tokens: Record<MemberRole, Record<Kind, string>>;
  /** A viewer whose role PATCH changes and for whom POST issues tokens. */
  subject: Actor;
  unitGroupId: string;
  unitId: string;
  /** A node of that unit group, which never ran: power gets past the rights check to "not built". */
  nodeId: string;
  buildId: string;
  /** A build that already finished: cancel and retry get past the rights check to a 409. */
  finishedBuildId: string;
  /** Each member's own service application, already submitted (so changing it is a 409, not a change). */
  applications: Record<MemberRole, string>;
  /** The organization's own copy of web-hello. */
  templateSlug: string;
  /** A registered server that PATCH, drain and activate act on. */
  hostId: string;
  /** A server on this machine's loopback at a port nothing listens on: a connection test fails at once, sending nothing anywhere else. */
  closedHostId: string;
  /** A cloud account that PATCH and PUT credentials act on. */
  accountId: string;
  /** A machine the leak sweeper found in that account. */
  leakId: string;
  /** A RUNNING unit group (records only) without an end date (clearing it changes nothing; extending it is refused), and a request pending for NII staff. */
  expiryGroupId: string;
  extensionId: string;
  /** Each member's own SSH key. */
  sshKeys: Record<MemberRole, string>;
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

function send(handler: unknown, method: string, path: string, params: Record<string, string>, secret: string, body?: unknown): Promise<Response> {
  const req = new Request(`http://localhost/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', 'x-forwarded-for': '192.0.2.44' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (handler as Handler)(req, { params: Promise.resolve(params) });
}

async function token(org: Fixture | { id: string; members: Record<MemberRole, Actor> }, userId: string, role: Kind): Promise<{ id: string; secret: string }> {
  const { token, secret } = await issueToken(db(), org.members.owner, org.id, { userId, note: `matrix ${role}`, role });
  return { id: token.id, secret };
}

const newPublicKey = () => newSshKeyPair('').public;

const AWS_KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

function newAccount(organizationId: string, owner: Actor) {
  return addProviderAccount(db(), owner, organizationId, {
    provider: 'aws',
    name: uniqueName('aws'),
    region: 'ap-northeast-1',
    network: { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' },
    credentials: AWS_KEYS,
  });
}

function newHost(organizationId: string, owner: Actor) {
  return registerHost(db(), owner, organizationId, { name: uniqueName('server'), address: '192.0.2.10', sshUser: 'ocs', capacity: 4 });
}

async function organization(label: string): Promise<Fixture> {
  const institution = await db().query.institutions.findFirst({ where: eq(institutions.slug, DEMO_INSTITUTION.slug) });
  const [org] = await db().insert(organizations).values({ institutionId: institution!.id, name: uniqueName(label), kind: 'lab', maxNodes: 100 }).returning();
  const members = {} as Record<MemberRole, Actor>;
  for (const role of ROLES) members[role] = await memberOf(org!.id, role);
  const tokens = {} as Record<MemberRole, Record<Kind, string>>;
  for (const role of ROLES) {
    tokens[role] = {} as Record<Kind, string>;
    for (const kind of KINDS) tokens[role][kind] = (await token({ id: org!.id, members }, members[role].userId, kind)).secret;
  }
  const build = (name: string) => submitBuild(db(), members.owner, { templateSlug: 'web-hello', unitGroupName: uniqueName(name), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
  const { buildId, unitGroupId } = await build('matrix');
  const finished = await build('matrix-done');
  await db().update(builds).set({ status: 'SUCCEEDED' }).where(eq(builds.id, finished.buildId));
  const unit = await db().query.units.findFirst({ where: eq(units.unitGroupId, unitGroupId) });
  const node = await db().query.nodes.findFirst({ where: eq(nodes.unitGroupId, unitGroupId) });
  const applications = {} as Record<MemberRole, string>;
  for (const role of ROLES) {
    const [application] = await db()
      .insert(serviceApplications)
      .values({
        applicantId: members[role].userId,
        state: 'submitted',
        organizationName: uniqueName('applied'),
        organizationKind: 'lab',
        applicantName: members[role].name,
        contactEmail: members[role].email,
        purpose: 'matrix',
        expectedNodes: 1,
        wantedProviders: ['local'],
      })
      .returning();
    applications[role] = application!.id;
  }
  const { slug: templateSlug } = await copyTemplate(db(), members.owner, { slug: 'web-hello', organizationId: org!.id, newSlug: uniqueName(`${label}-web`) });
  const host = await newHost(org!.id, members.owner);
  const closedHost = await registerHost(db(), members.owner, org!.id, { name: uniqueName('closed'), address: '127.0.0.1', sshPort: await freePort(), sshUser: 'ocs', capacity: 1 });
  const account = await newAccount(org!.id, members.owner);
  const [leak] = await db()
    .insert(leakedResources)
    .values({ provider: 'aws', accountId: account.id, organizationId: org!.id, resourceId: `${account.id}/i-0${randomBytes(8).toString('hex')}`, name: 'ocs-leftover', reason: 'matrix' })
    .returning();
  const [expiryGroup] = await db().insert(unitGroups).values({ organizationId: org!.id, name: uniqueName('matrix-expiry'), ownerId: members.owner.userId, state: 'RUNNING' }).returning();
  const [extension] = await db()
    .insert(expiryExtensions)
    .values({ unitGroupId: expiryGroup!.id, requestedBy: members.user.userId, fromExpiresAt: new Date(Date.now() + 86_400_000), untilExpiresAt: new Date(Date.now() + 90 * 86_400_000), reason: 'matrix', state: 'pending' })
    .returning();
  const sshKeys = {} as Record<MemberRole, string>;
  for (const role of ROLES) sshKeys[role] = (await addSshKey(db(), members[role], { name: 'matrix', publicKey: newPublicKey() })).id;
  return { id: org!.id, members, tokens, subject: await memberOf(org!.id, 'viewer'), unitGroupId, unitId: unit!.id, nodeId: node!.id, buildId, finishedBuildId: finished.buildId, applications, templateSlug, hostId: host.id, closedHostId: closedHost.id, accountId: account.id, leakId: leak!.id, expiryGroupId: expiryGroup!.id, extensionId: extension!.id, sshKeys };
}

// What each route needs, as the issue states it: reads viewer+, builds user+, members, tokens and hosts admin+, audit owner.
// Service applications belong to their applicant, whatever their role ("apply"); deciding them is for NII staff
// in the browser, never a token ("staff"). An organization's policy is its owners' ("owner", never a readonly token).
type Need = 'read' | 'build' | 'manage' | 'audit' | 'owner' | 'apply' | 'staff';
const RANK: Record<MemberRole, number> = { viewer: 0, user: 1, admin: 2, owner: 3 };
const NEEDED_RANK: Record<Need, number> = { read: 0, apply: 0, build: 1, manage: 2, audit: 3, owner: 3, staff: 4 };
/** A readonly token may do only what changes nothing. Listing members and tokens needs the manage rights, which a readonly token lacks; hosts and the SSH public key are for every reader. */
const READONLY_MAY: Need[] = ['read', 'audit'];

interface Route {
  name: string;
  need: Need;
  /** The status when allowed (400 or 409 where an empty body or the target's state, not the caller's rights, then refuses). */
  ok: number;
  /** Calls it as the `role` member's `secret` against organization `target` (for applications: its `role` member's). */
  call: (secret: string, target: Fixture, role: MemberRole) => Promise<Response>;
  /** Routes that list the caller's own things have no "other organization" to name: they must just not show it. */
  ownOnly?: (body: Record<string, unknown>, own: Fixture, other: Fixture, role: MemberRole) => void;
  /** The one answer whoever calls (a route of the other edition). */
  always?: number;
}

const ids = (list: unknown) => (list as { id: string }[]).map((x) => x.id);

let closedWebhookUrl: string | undefined;
/** A webhook of the organization whose receiver is a closed port of this machine: a test delivery fails at once, sending nothing anywhere else. */
async function newWebhook(t: Fixture): Promise<string> {
  closedWebhookUrl ??= `http://127.0.0.1:${await freePort()}/hook`;
  return (await createWebhook(db(), t.members.owner, t.id, { url: closedWebhookUrl })).webhook.id;
}
/** The one webhook per organization that reads, PATCH and test act on. */
const webhooksOf = new Map<string, Promise<string>>();
const webhookOf = (t: Fixture) => webhooksOf.get(t.id) ?? webhooksOf.set(t.id, newWebhook(t)).get(t.id)!;

const ROUTES: Route[] = [
  {
    name: 'GET /templates',
    need: 'read',
    ok: 200,
    call: (s) => send(templatesRoute.GET, 'GET', '/templates', {}, s),
    ownOnly: (body, own, other) => {
      const slugs = (body.templates as { slug: string }[]).map((t) => t.slug);
      expect(slugs).toEqual(expect.arrayContaining(['web-hello', own.templateSlug]));
      expect(slugs).not.toContain(other.templateSlug);
    },
  },
  { name: 'GET /providers', need: 'read', ok: 200, call: (s) => send(providersRoute.GET, 'GET', '/providers', {}, s), ownOnly: () => {} },
  { name: 'GET /templates/:slug', need: 'read', ok: 200, call: (s) => send(templateRoute.GET, 'GET', '/templates/web-hello', { slug: 'web-hello' }, s), ownOnly: () => {} },
  {
    name: 'GET /templates/:slug/source',
    need: 'read',
    ok: 200,
    call: (s, t) => send(templateSourceRoute.GET, 'GET', `/templates/${t.templateSlug}/source`, { slug: t.templateSlug }, s),
  },
  {
    name: 'POST /templates/:slug/copy',
    need: 'build',
    ok: 201,
    call: (s, t) => send(templateCopyRoute.POST, 'POST', '/templates/web-hello/copy', { slug: 'web-hello' }, s, { newSlug: uniqueName('copy'), organizationId: t.id }),
  },
  {
    // Broken YAML: allowed callers get as far as the errors in it.
    name: 'POST /templates/:slug/versions',
    need: 'build',
    ok: 400,
    call: (s, t) => send(templateVersionsRoute.POST, 'POST', `/templates/${t.templateSlug}/versions`, { slug: t.templateSlug }, s, { yaml: 'slug: [' }),
  },
  {
    // Publishing to the shared catalog is for NII staff in the browser, never a token.
    name: 'POST /templates',
    need: 'staff',
    ok: 201,
    call: (s) => send(templatesRoute.POST, 'POST', '/templates', {}, s, { yaml: 'slug: x' }),
    ownOnly: () => {},
  },
  {
    // The plan shows the caller's own organization's quota; a token has no other one to try.
    name: 'POST /builds/plan',
    need: 'build',
    ok: 200,
    call: (s) => send(buildPlanRoute.POST, 'POST', '/builds/plan', {}, s, { templateSlug: 'web-hello', provider: 'local', flavor: 'small', parameters: { nodes: 1 } }),
    ownOnly: () => {},
  },
  {
    name: 'GET /organizations',
    need: 'read',
    ok: 200,
    call: (s) => send(organizationsRoute.GET, 'GET', '/organizations', {}, s),
    ownOnly: (body, own) => expect(ids(body.organizations)).toEqual([own.id]),
  },
  {
    name: 'GET /builds',
    need: 'read',
    ok: 200,
    call: (s) => send(buildsRoute.GET, 'GET', '/builds', {}, s),
    ownOnly: (body, own, other) => {
      expect(ids(body.builds)).toContain(own.buildId);
      expect(ids(body.builds)).not.toContain(other.buildId);
    },
  },
  {
    name: 'GET /unit-groups',
    need: 'read',
    ok: 200,
    call: (s) => send(unitGroupsRoute.GET, 'GET', '/unit-groups', {}, s),
    ownOnly: (body, own, other) => {
      expect(ids(body.unitGroups)).toContain(own.unitGroupId);
      expect(ids(body.unitGroups)).not.toContain(other.unitGroupId);
    },
  },
  {
    // A token builds in its own organization whatever the body says, so there is no other one to try.
    name: 'POST /builds',
    need: 'build',
    ok: 202,
    call: (s) => send(buildsRoute.POST, 'POST', '/builds', {}, s, { templateSlug: 'web-hello', unitGroupName: uniqueName('m'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } }),
    ownOnly: () => {},
  },
  {
    name: 'GET /audit-events (all of mine)',
    need: 'audit',
    ok: 200,
    call: (s) => send(auditEventsRoute.GET, 'GET', '/audit-events', {}, s),
    ownOnly: (body, own) => expect((body.events as { organizationId: string }[]).every((e) => e.organizationId === own.id)).toBe(true),
  },
  { name: 'GET /builds/:id', need: 'read', ok: 200, call: (s, t) => send(buildRoute.GET, 'GET', `/builds/${t.buildId}`, { id: t.buildId }, s) },
  {
    name: 'POST /builds/:id/cancel',
    need: 'build',
    ok: 409,
    call: (s, t) => send(buildCancelRoute.POST, 'POST', `/builds/${t.finishedBuildId}/cancel`, { id: t.finishedBuildId }, s, { mode: 'keep' }),
  },
  {
    name: 'POST /builds/:id/retry',
    need: 'build',
    ok: 409,
    call: (s, t) => send(buildRetryRoute.POST, 'POST', `/builds/${t.finishedBuildId}/retry`, { id: t.finishedBuildId }, s),
  },
  { name: 'GET /unit-groups/:id', need: 'read', ok: 200, call: (s, t) => send(unitGroupRoute.GET, 'GET', `/unit-groups/${t.unitGroupId}`, { id: t.unitGroupId }, s) },
  {
    name: 'GET /unit-groups/:id/metrics',
    need: 'read',
    ok: 200,
    call: (s, t) => send(unitGroupMetricsRoute.GET, 'GET', `/unit-groups/${t.unitGroupId}/metrics?range=6h`, { id: t.unitGroupId }, s),
  },
  { name: 'GET /metrics', need: 'read', ok: 200, call: (s, t) => send(metricsRoute.GET, 'GET', `/metrics?organization=${t.id}`, {}, s) },
  {
    name: 'DELETE /unit-groups/:id',
    need: 'build',
    ok: 202,
    call: (s, t) => send(unitGroupRoute.DELETE, 'DELETE', `/unit-groups/${t.unitGroupId}`, { id: t.unitGroupId }, s),
  },
  {
    // A token makes unit groups in its own organization, whatever the body says.
    name: 'POST /unit-groups',
    need: 'build',
    ok: 201,
    call: (s) => send(unitGroupsRoute.POST, 'POST', '/unit-groups', {}, s, { name: uniqueName('vcp') }),
    ownOnly: () => {},
  },
  {
    // The fixture's unit group is web-hello's (and never ran): an allowed caller gets past the rights check to the 409.
    name: 'POST /unit-groups/:id/units',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitGroupUnitsRoute.POST, 'POST', `/unit-groups/${t.unitGroupId}/units`, { id: t.unitGroupId }, s, { name: 'extra', spec: { provider: 'local' } }),
  },
  {
    name: 'POST /unit-groups/:id/cleanup',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitGroupCleanupRoute.POST, 'POST', `/unit-groups/${t.unitGroupId}/cleanup`, { id: t.unitGroupId }, s),
  },
  {
    name: 'GET /unit-groups/:id/ip-addresses',
    need: 'read',
    ok: 200,
    call: (s, t) => send(unitGroupIpAddressesRoute.GET, 'GET', `/unit-groups/${t.unitGroupId}/ip-addresses`, { id: t.unitGroupId }, s),
  },
  { name: 'GET /specs/:provider/:flavor', need: 'read', ok: 200, call: (s) => send(specRoute.GET, 'GET', '/specs/local/small', { provider: 'local', flavor: 'small' }, s), ownOnly: () => {} },
  {
    name: 'GET /nodes',
    need: 'read',
    ok: 200,
    call: (s) => send(nodesRoute.GET, 'GET', '/nodes?limit=200', {}, s),
    ownOnly: (body, own, other) => {
      expect(ids(body.nodes)).toContain(own.nodeId);
      expect(ids(body.nodes)).not.toContain(other.nodeId);
    },
  },
  {
    // The unit group never ran (then DELETING): an allowed caller gets past the rights check to "not RUNNING".
    name: 'PATCH /units/:id',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitRoute.PATCH, 'PATCH', `/units/${t.unitId}`, { id: t.unitId }, s, { numNodes: 2 }),
  },
  {
    name: 'DELETE /units/:id',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitRoute.DELETE, 'DELETE', `/units/${t.unitId}`, { id: t.unitId }, s),
  },
  {
    name: 'PUT /units/:id/burst',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitBurstRoute.PUT, 'PUT', `/units/${t.unitId}/burst`, { id: t.unitId }, s, { provider: 'aws', flavor: 'small', maxNodes: 1 }),
  },
  {
    name: 'DELETE /units/:id/burst',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitBurstRoute.DELETE, 'DELETE', `/units/${t.unitId}/burst`, { id: t.unitId }, s),
  },
  { name: 'GET /units/:id/nodes', need: 'read', ok: 200, call: (s, t) => send(unitNodesRoute.GET, 'GET', `/units/${t.unitId}/nodes`, { id: t.unitId }, s) },
  {
    name: 'POST /units/:id/nodes',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitNodesRoute.POST, 'POST', `/units/${t.unitId}/nodes`, { id: t.unitId }, s, { count: 1 }),
  },
  {
    name: 'POST /units/:id/nodes/delete',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitNodesDeleteRoute.POST, 'POST', `/units/${t.unitId}/nodes/delete`, { id: t.unitId }, s, { count: 1 }),
  },
  {
    name: 'POST /units/:id/power',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitPowerRoute.POST, 'POST', `/units/${t.unitId}/power`, { id: t.unitId }, s, { action: 'off' }),
  },
  {
    name: 'POST /unit-groups/:id/power',
    need: 'build',
    ok: 409,
    call: (s, t) => send(unitGroupPowerRoute.POST, 'POST', `/unit-groups/${t.unitGroupId}/power`, { id: t.unitGroupId }, s, { action: 'off' }),
  },
  {
    name: 'POST /nodes/:id/power',
    need: 'build',
    ok: 409,
    call: (s, t) => send(nodePowerRoute.POST, 'POST', `/nodes/${t.nodeId}/power`, { id: t.nodeId }, s, { action: 'off' }),
  },
  { name: 'GET /nodes/:id', need: 'read', ok: 200, call: (s, t) => send(nodeRoute.GET, 'GET', `/nodes/${t.nodeId}`, { id: t.nodeId }, s) },
  {
    // The node never ran: an allowed caller gets past the rights check to "its agent must be running".
    name: 'POST /nodes/:id/sessions (logs)',
    need: 'read',
    ok: 409,
    call: (s, t) => send(nodeSessionsRoute.POST, 'POST', `/nodes/${t.nodeId}/sessions`, { id: t.nodeId }, s, { kind: 'logs', application: 'web' }),
  },
  {
    // A terminal is for owners and admins; the fixture's node is local, where there is none.
    name: 'POST /nodes/:id/sessions (terminal)',
    need: 'manage',
    ok: 409,
    call: (s, t) => send(nodeSessionsRoute.POST, 'POST', `/nodes/${t.nodeId}/sessions`, { id: t.nodeId }, s, { kind: 'terminal' }),
  },
  // The unit group is DELETING by now: an allowed caller reads the (absent) schedule, and gets past the rights check to "being deleted" for a change.
  { name: 'GET /units/:id/schedule', need: 'read', ok: 200, call: (s, t) => send(unitScheduleRoute.GET, 'GET', `/units/${t.unitId}/schedule`, { id: t.unitId }, s) },
  {
    name: 'PUT /units/:id/schedule',
    need: 'build',
    ok: 409,
    call: (s, t) =>
      send(unitScheduleRoute.PUT, 'PUT', `/units/${t.unitId}/schedule`, { id: t.unitId }, s, { startsOn: '2026-10-01', endsOn: '2027-01-31', periods: [{ weekday: 1, start: '09:00', end: '10:30', nodes: 1 }] }),
  },
  { name: 'DELETE /units/:id/schedule', need: 'build', ok: 409, call: (s, t) => send(unitScheduleRoute.DELETE, 'DELETE', `/units/${t.unitId}/schedule`, { id: t.unitId }, s) },
  { name: 'POST /units/:id/schedule/pause', need: 'build', ok: 409, call: (s, t) => send(unitSchedulePauseRoute.POST, 'POST', `/units/${t.unitId}/schedule/pause`, { id: t.unitId }, s) },
  { name: 'POST /units/:id/schedule/resume', need: 'build', ok: 409, call: (s, t) => send(unitScheduleResumeRoute.POST, 'POST', `/units/${t.unitId}/schedule/resume`, { id: t.unitId }, s) },
  { name: 'GET /unit-groups/:id/extensions', need: 'read', ok: 200, call: (s, t) => send(unitGroupExtensionsRoute.GET, 'GET', `/unit-groups/${t.expiryGroupId}/extensions`, { id: t.expiryGroupId }, s) },
  {
    name: 'PUT /unit-groups/:id/expiry',
    need: 'build',
    ok: 200,
    call: (s, t) => send(unitGroupExpiryRoute.PUT, 'PUT', `/unit-groups/${t.expiryGroupId}/expiry`, { id: t.expiryGroupId }, s, { expiresAt: null }),
  },
  {
    // The unit group has no end date: an allowed caller gets past the rights check to "nothing to extend".
    name: 'POST /unit-groups/:id/extensions',
    need: 'build',
    ok: 400,
    call: (s, t) =>
      send(unitGroupExtensionsRoute.POST, 'POST', `/unit-groups/${t.expiryGroupId}/extensions`, { id: t.expiryGroupId }, s, { until: new Date(Date.now() + 86_400_000).toISOString(), reason: 'matrix' }),
  },
  { name: 'GET /expiry-extensions', need: 'staff', ok: 200, call: (s) => send(expiryExtensionsRoute.GET, 'GET', '/expiry-extensions?state=pending', {}, s), ownOnly: () => {} },
  {
    name: 'POST /expiry-extensions/:id/decision',
    need: 'staff',
    ok: 200,
    call: (s, t) => send(expiryDecisionRoute.POST, 'POST', `/expiry-extensions/${t.extensionId}/decision`, { id: t.extensionId }, s, { decision: 'reject', note: 'matrix' }),
  },
  { name: 'PATCH /organizations/:id', need: 'owner', ok: 200, call: (s, t) => send(organizationRoute.PATCH, 'PATCH', `/organizations/${t.id}`, { id: t.id }, s, { expiryGraceDays: 7 }) },
  { name: 'GET /organizations/:id/members', need: 'manage', ok: 200, call: (s, t) => send(membersRoute.GET, 'GET', `/organizations/${t.id}/members`, { id: t.id }, s) },
  {
    name: 'POST /organizations/:id/members',
    need: 'manage',
    ok: 201,
    call: (s, t) => send(membersRoute.POST, 'POST', `/organizations/${t.id}/members`, { id: t.id }, s, { email: `${uniqueName('added')}@example.ac.jp`, role: 'viewer' }),
  },
  {
    name: 'PATCH /organizations/:id/members/:userId',
    need: 'manage',
    ok: 200,
    call: (s, t) => send(memberRoute.PATCH, 'PATCH', `/organizations/${t.id}/members/${t.subject.userId}`, { id: t.id, userId: t.subject.userId }, s, { role: 'user' }),
  },
  {
    name: 'DELETE /organizations/:id/members/:userId',
    need: 'manage',
    ok: 204,
    call: async (s, t) => {
      const leaving = await memberOf(t.id, 'viewer');
      return send(memberRoute.DELETE, 'DELETE', `/organizations/${t.id}/members/${leaving.userId}`, { id: t.id, userId: leaving.userId }, s);
    },
  },
  { name: 'GET /organizations/:id/tokens', need: 'manage', ok: 200, call: (s, t) => send(orgTokensRoute.GET, 'GET', `/organizations/${t.id}/tokens`, { id: t.id }, s) },
  {
    name: 'POST /organizations/:id/tokens',
    need: 'manage',
    ok: 201,
    call: (s, t) => send(orgTokensRoute.POST, 'POST', `/organizations/${t.id}/tokens`, { id: t.id }, s, { userId: t.subject.userId, note: 'matrix', role: 'readonly' }),
  },
  {
    name: 'DELETE /tokens/:id',
    need: 'manage',
    ok: 200,
    call: async (s, t) => {
      const { id } = await token(t, t.subject.userId, 'readonly');
      return send(tokenRoute.DELETE, 'DELETE', `/tokens/${id}`, { id }, s);
    },
  },
  { name: 'GET /organizations/:id/hosts', need: 'read', ok: 200, call: (s, t) => send(orgHostsRoute.GET, 'GET', `/organizations/${t.id}/hosts`, { id: t.id }, s) },
  {
    name: 'POST /organizations/:id/hosts',
    need: 'manage',
    ok: 201,
    call: (s, t) =>
      send(orgHostsRoute.POST, 'POST', `/organizations/${t.id}/hosts`, { id: t.id }, s, { name: uniqueName('server'), address: 'gpu01.example.ac.jp', sshUser: 'ocs', capacity: 2 }),
  },
  { name: 'GET /hosts/:id', need: 'read', ok: 200, call: (s, t) => send(hostRoute.GET, 'GET', `/hosts/${t.hostId}`, { id: t.hostId }, s) },
  { name: 'PATCH /hosts/:id', need: 'manage', ok: 200, call: (s, t) => send(hostRoute.PATCH, 'PATCH', `/hosts/${t.hostId}`, { id: t.hostId }, s, { capacity: 6 }) },
  {
    name: 'DELETE /hosts/:id',
    need: 'manage',
    ok: 204,
    call: async (s, t) => {
      const { id } = await newHost(t.id, t.members.owner);
      return send(hostRoute.DELETE, 'DELETE', `/hosts/${id}`, { id }, s);
    },
  },
  { name: 'POST /hosts/:id/drain', need: 'manage', ok: 200, call: (s, t) => send(hostDrainRoute.POST, 'POST', `/hosts/${t.hostId}/drain`, { id: t.hostId }, s) },
  { name: 'POST /hosts/:id/check', need: 'manage', ok: 200, call: (s, t) => send(hostCheckRoute.POST, 'POST', `/hosts/${t.closedHostId}/check`, { id: t.closedHostId }, s) },
  { name: 'POST /hosts/:id/activate', need: 'manage', ok: 200, call: (s, t) => send(hostActivateRoute.POST, 'POST', `/hosts/${t.hostId}/activate`, { id: t.hostId }, s) },
  { name: 'GET /organizations/:id/provider-accounts', need: 'read', ok: 200, call: (s, t) => send(orgProviderAccountsRoute.GET, 'GET', `/organizations/${t.id}/provider-accounts`, { id: t.id }, s) },
  {
    name: 'POST /organizations/:id/provider-accounts',
    need: 'manage',
    ok: 201,
    call: (s, t) =>
      send(orgProviderAccountsRoute.POST, 'POST', `/organizations/${t.id}/provider-accounts`, { id: t.id }, s, {
        provider: 'sakura',
        name: uniqueName('sakura'),
        region: 'tk1v',
        network: { archiveId: '113000088001' },
        credentials: { accessToken: 'token-of-the-sandbox', accessTokenSecret: 'secret-of-the-sandbox' },
      }),
  },
  {
    name: 'GET /leaks',
    need: 'read',
    ok: 200,
    call: (s) => send(leaksRoute.GET, 'GET', '/leaks', {}, s),
    ownOnly: (body, own, other) => {
      expect(ids(body.leaks)).toContain(own.leakId);
      expect(ids(body.leaks)).not.toContain(other.leakId);
    },
  },
  // The account's endpoint is a closed port: the sweep reports the account as unlisted, and changes nothing.
  { name: 'POST /organizations/:id/leaks/check', need: 'manage', ok: 200, call: (s, t) => send(orgLeaksCheckRoute.POST, 'POST', `/organizations/${t.id}/leaks/check`, { id: t.id }, s) },
  { name: 'GET /provider-accounts/:id', need: 'read', ok: 200, call: (s, t) => send(providerAccountRoute.GET, 'GET', `/provider-accounts/${t.accountId}`, { id: t.accountId }, s) },
  { name: 'PATCH /provider-accounts/:id', need: 'manage', ok: 200, call: (s, t) => send(providerAccountRoute.PATCH, 'PATCH', `/provider-accounts/${t.accountId}`, { id: t.accountId }, s, { region: 'ap-northeast-3' }) },
  {
    name: 'PUT /provider-accounts/:id/credentials',
    need: 'manage',
    ok: 200,
    call: (s, t) => send(providerAccountCredentialsRoute.PUT, 'PUT', `/provider-accounts/${t.accountId}/credentials`, { id: t.accountId }, s, { credentials: AWS_KEYS }),
  },
  { name: 'POST /provider-accounts/:id/test', need: 'manage', ok: 200, call: (s, t) => send(providerAccountTestRoute.POST, 'POST', `/provider-accounts/${t.accountId}/test`, { id: t.accountId }, s) },
  {
    name: 'DELETE /provider-accounts/:id',
    need: 'manage',
    ok: 204,
    call: async (s, t) => {
      const { id } = await newAccount(t.id, t.members.owner);
      return send(providerAccountRoute.DELETE, 'DELETE', `/provider-accounts/${id}`, { id }, s);
    },
  },
  {
    name: 'GET /organizations/:id/ssh-public-key',
    need: 'read',
    ok: 200,
    call: (s, t) => send(orgSshPublicKeyRoute.GET, 'GET', `/organizations/${t.id}/ssh-public-key`, { id: t.id }, s),
  },
  {
    name: 'GET /audit-events?organizationId',
    need: 'audit',
    ok: 200,
    call: (s, t) => send(auditEventsRoute.GET, 'GET', `/audit-events?organizationId=${t.id}`, {}, s),
  },
  {
    name: 'GET /audit-events?organizationId&format=csv',
    need: 'audit',
    ok: 200,
    call: (s, t) => send(auditEventsRoute.GET, 'GET', `/audit-events?organizationId=${t.id}&format=csv`, {}, s),
  },
  {
    name: 'GET /service-applications',
    need: 'read',
    ok: 200,
    call: (s) => send(applicationsRoute.GET, 'GET', '/service-applications', {}, s),
    ownOnly: (body, own, other, role) => {
      expect(ids(body.applications)).toContain(own.applications[role]);
      expect(ids(body.applications)).not.toContain(other.applications[role]);
    },
  },
  {
    name: 'POST /service-applications',
    need: 'apply',
    ok: 400,
    // A contact address outside the caller's institution: a well-formed body the domain refuses (an empty one is refused before the rights are checked).
    call: (s) =>
      send(applicationsRoute.POST, 'POST', '/service-applications', {}, s, {
        organizationName: 'matrix',
        organizationKind: 'lab',
        applicantName: 'matrix',
        contactEmail: 'matrix@elsewhere.example',
        purpose: 'matrix',
        expectedNodes: 1,
        wantedProviders: ['local'],
      }),
    ownOnly: () => {},
  },
  {
    name: 'GET /service-applications/:id',
    need: 'read',
    ok: 200,
    call: (s, t, r) => send(applicationRoute.GET, 'GET', `/service-applications/${t.applications[r]}`, { id: t.applications[r] }, s),
  },
  {
    name: 'PATCH /service-applications/:id',
    need: 'apply',
    ok: 409,
    call: (s, t, r) => send(applicationRoute.PATCH, 'PATCH', `/service-applications/${t.applications[r]}`, { id: t.applications[r] }, s, { purpose: 'changed' }),
  },
  {
    name: 'POST /service-applications/:id/submit',
    need: 'apply',
    ok: 409,
    call: (s, t, r) => send(applicationSubmitRoute.POST, 'POST', `/service-applications/${t.applications[r]}/submit`, { id: t.applications[r] }, s),
  },
  {
    name: 'POST /service-applications/:id/comments',
    need: 'apply',
    ok: 201,
    call: (s, t, r) => send(applicationCommentsRoute.POST, 'POST', `/service-applications/${t.applications[r]}/comments`, { id: t.applications[r] }, s, { body: 'matrix' }),
  },
  {
    // A token never acts as NII staff: its member's own application gets a 403.
    name: 'POST /service-applications/:id/decision',
    need: 'staff',
    ok: 200,
    call: (s, t, r) =>
      send(applicationDecisionRoute.POST, 'POST', `/service-applications/${t.applications[r]}/decision`, { id: t.applications[r] }, s, { decision: 'reject', reason: 'matrix' }),
  },
  {
    // A person's own SSH keys, whatever their role: a token lists its member's, never another's.
    name: 'GET /me/ssh-keys',
    need: 'read',
    ok: 200,
    call: (s) => send(meSshKeysRoute.GET, 'GET', '/me/ssh-keys', {}, s),
    ownOnly: (body, own, other, role) => {
      expect(ids(body.keys)).toContain(own.sshKeys[role]);
      expect(ids(body.keys)).not.toContain(other.sshKeys[role]);
    },
  },
  // Adding and removing one's own keys is for the member in the portal, never with an API token: a key reaches beyond the token's organization.
  {
    name: 'POST /me/ssh-keys',
    need: 'apply',
    ok: 201,
    always: 403,
    call: (s) => send(meSshKeysRoute.POST, 'POST', '/me/ssh-keys', {}, s, { name: 'matrix', publicKey: newPublicKey() }),
    ownOnly: () => {},
  },
  {
    name: 'DELETE /me/ssh-keys/:id',
    need: 'apply',
    ok: 204,
    always: 403,
    call: async (s, t, r) => {
      const { id } = await addSshKey(db(), t.members[r], { name: 'matrix', publicKey: newPublicKey() });
      return send(meSshKeyRoute.DELETE, 'DELETE', `/me/ssh-keys/${id}`, { id }, s);
    },
  },
  // Webhooks are for admins and owners, reading them too (their URLs may carry a receiver's credential): never a read-only token.
  { name: 'GET /organizations/:id/webhooks', need: 'manage', ok: 200, call: (s, t) => send(orgWebhooksRoute.GET, 'GET', `/organizations/${t.id}/webhooks`, { id: t.id }, s) },
  {
    name: 'POST /organizations/:id/webhooks',
    need: 'manage',
    ok: 201,
    call: (s, t) => send(orgWebhooksRoute.POST, 'POST', `/organizations/${t.id}/webhooks`, { id: t.id }, s, { url: 'https://hooks.example.ac.jp/matrix', events: ['build.failed'] }),
  },
  { name: 'GET /webhooks/:id', need: 'manage', ok: 200, call: async (s, t) => send(webhookRoute.GET, 'GET', `/webhooks/${await webhookOf(t)}`, { id: await webhookOf(t) }, s) },
  {
    name: 'PATCH /webhooks/:id',
    need: 'manage',
    ok: 200,
    call: async (s, t) => send(webhookRoute.PATCH, 'PATCH', `/webhooks/${await webhookOf(t)}`, { id: await webhookOf(t) }, s, { description: 'matrix' }),
  },
  {
    name: 'DELETE /webhooks/:id',
    need: 'manage',
    ok: 204,
    call: async (s, t) => {
      const id = await newWebhook(t);
      const res = await send(webhookRoute.DELETE, 'DELETE', `/webhooks/${id}`, { id }, s);
      // Refused calls leave theirs: removed here, so the organization stays under its limit of webhooks.
      if (res.status !== 204) await deleteWebhook(db(), t.members.owner, id);
      return res;
    },
  },
  {
    name: 'GET /webhooks/:id/deliveries',
    need: 'manage',
    ok: 200,
    call: async (s, t) => send(webhookDeliveriesRoute.GET, 'GET', `/webhooks/${await webhookOf(t)}/deliveries`, { id: await webhookOf(t) }, s),
  },
  { name: 'POST /webhooks/:id/test', need: 'manage', ok: 200, call: async (s, t) => send(webhookTestRoute.POST, 'POST', `/webhooks/${await webhookOf(t)}/test`, { id: await webhookOf(t) }, s) },
  {
    // The portable edition's route; this is the service edition.
    name: 'POST /organizations/direct',
    need: 'read',
    ok: 404,
    always: 404,
    call: (s) => send(directOrganizationRoute.POST, 'POST', '/organizations/direct', {}, s, {}),
    ownOnly: () => {},
  },
];

function expected(route: Route, role: MemberRole, kind: Kind, own: boolean): number {
  if (route.always) return route.always;
  if (!own) return 404;
  if (kind === 'readonly' && !READONLY_MAY.includes(route.need)) return 403;
  return RANK[role] >= NEEDED_RANK[route.need] ? route.ok : 403;
}

let a: Fixture;
let b: Fixture;
/** Secrets that must be refused with 401 on every route. */
let refused: Record<string, string>;

beforeAll(async () => {
  // The connection test of the fixtures' AWS account goes to a port of this machine where nothing listens: never to AWS.
  process.env.OCS_AWS_EC2_ENDPOINT = `http://127.0.0.1:${await freePort()}`;
  process.env.OCS_AWS_MAX_ATTEMPTS = '1';
  // The fixtures' webhooks send to a closed port of this machine over plain http.
  process.env.OCS_WEBHOOKS_ALLOW_HTTP = '1';
  await seededLabAdmin();
  a = await organization('matrix-a');
  b = await organization('matrix-b');
  const revoked = await token(a, a.members.owner.userId, 'fullaccess');
  await revokeToken(db(), a.members.owner, revoked.id);
  const expired = await token(a, a.members.owner.userId, 'fullaccess');
  await db().update(apiTokens).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apiTokens.id, expired.id));
  const leaver = await memberOf(a.id, 'owner');
  const orphaned = await token(a, leaver.userId, 'fullaccess');
  await db().delete(memberships).where(eq(memberships.userId, leaver.userId));
  refused = {
    // "Bearer" and nothing after it. A request with no Authorization header at all goes on to the
    // browser session, which needs Next.js's request scope and so cannot be called from here.
    'no token': '',
    'not a token': 'hello',
    unknown: 'ocs_' + 'A'.repeat(43),
    revoked: revoked.secret,
    expired: expired.secret,
    "member's membership gone": orphaned.secret,
  };
});

afterAll(async () => {
  const mine = [a?.id, b?.id].filter((id): id is string => !!id);
  const groups = mine.length ? await db().select({ id: unitGroups.id }).from(unitGroups).where(inArray(unitGroups.organizationId, mine)) : [];
  for (const g of groups) await deleteUnitGroup(db(), g.id);
  await closeQueue();
  await closeDb();
});

describe.each(ROUTES)('$name', (route) => {
  it('answers each role and token kind as the rights say, in its own organization and another', async () => {
    const mismatches: string[] = [];
    for (const [own, other] of [
      [a, b],
      [b, a],
    ] as const) {
      for (const role of ROLES) {
        for (const kind of KINDS) {
          const targets = route.ownOnly ? [true] : [true, false];
          for (const isOwn of targets) {
            const res = await route.call(own.tokens[role][kind], isOwn ? own : other, role);
            const want = expected(route, role, kind, isOwn);
            const label = `${role}/${kind}/${isOwn ? 'own' : 'other'}`;
            if (res.status !== want) {
              mismatches.push(`${label}: ${res.status} (wanted ${want}) ${await res.text()}`);
              continue;
            }
            if (res.status >= 400) {
              const body = (await res.json()) as { error: { code: string } };
              expect(body.error.code, label).toBe({ 400: 'INVALID_INPUT', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT' }[res.status]);
            } else if (res.headers.get('content-type')?.includes('json')) {
              const body = (await res.json()) as Record<string, unknown>;
              const [method, path] = route.name.split(/[ ?]/);
              const problem = conformanceProblem(method!, path!, res.status, body);
              if (problem) mismatches.push(`${label}: the answer does not match the OpenAPI document: ${problem}`);
              route.ownOnly?.(body, own, other, role);
            }
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('answers 401 to a missing, unknown, revoked or expired token and to one whose member left', async () => {
    for (const [what, secret] of Object.entries(refused)) {
      const res = await route.call(secret, a, 'owner');
      expect(res.status, what).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code, what).toBe('UNAUTHENTICATED');
    }
  });
});

describe('the matrix', () => {
  it('covers every route handler under /api/v1', async () => {
    // The catch-all answers 404 to everyone, signed in or not (tested below); it holds no rights.
    // The OpenAPI document and the API's root are public (lib/api/registry.int.test.ts reads them without a token).
    const files = (await readdir(import.meta.dirname, { recursive: true })).filter((f) => f.endsWith('route.ts') && f !== 'route.ts' && !f.startsWith('[...') && !f.startsWith('openapi.json'));
    const handlers: string[] = [];
    for (const file of files) {
      const path = `/${dirname(file)}`.replace(/\[(\w+)\]/g, ':$1');
      const module = (await import(`./${file}`)) as Record<string, unknown>;
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) if (module[method]) handlers.push(`${method} ${path}`);
    }
    const tested = new Set(ROUTES.map((r) => r.name.split(/[ ?]/).slice(0, 2).join(' ')));
    expect(handlers.filter((h) => !tested.has(h))).toEqual([]);
  });
});

describe('paths no route claims', () => {
  it('answer a JSON 404 naming the method and path, for every method', async () => {
    for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
      const handler = unknownPathRoute[method];
      const res = await handler(new Request('http://localhost/api/v1/no-such-thing/42', { method }));
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const body = await res.json();
      expect(body.error.code).toBe('NOT_FOUND');
      expect(body.error.message).toContain(`${method} /api/v1/no-such-thing/42`);
    }
  });
});

describe('what the matrix leaves behind', () => {
  it('records refused changes in the audit log, without secrets', async () => {
    const secret = a.tokens.user.readonly;
    const res = await send(orgTokensRoute.POST, 'POST', `/organizations/${a.id}/tokens`, { id: a.id }, secret, { userId: a.subject.userId, note: 'refused', role: 'fullaccess' });
    expect(res.status).toBe(403);
    const [entry] = await db()
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, 'token.issue'), eq(auditEvents.outcome, 'denied')))
      .orderBy(desc(auditEvents.id))
      .limit(1);
    expect(entry).toMatchObject({ action: 'token.issue', outcome: 'denied', organizationId: a.id, actorUserId: a.members.user.userId, ipAddress: '192.0.2.44' });
    expect(entry!.actorLabel).toContain(secret.slice(0, 12));
    const everything = JSON.stringify(await db().select().from(auditEvents));
    for (const role of ROLES) for (const kind of KINDS) expect(everything).not.toContain(a.tokens[role][kind]);
  });

  it('shows the SSH public key and never the private key, and records refused host changes', async () => {
    const res = await send(orgSshPublicKeyRoute.GET, 'GET', `/organizations/${a.id}/ssh-public-key`, { id: a.id }, a.tokens.viewer.readonly);
    expect(res.status).toBe(200);
    const text = await res.text();
    const body = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(['fingerprint', 'publicKey']);
    expect(body.publicKey).toMatch(new RegExp(`^ssh-ed25519 AAAA\\S+ ocs-portal:${a.id}$`));
    const stored = await db().query.organizationSshKeys.findFirst({ where: eq(organizationSshKeys.organizationId, a.id) });
    expect(text).not.toContain(stored!.privateKey);
    expect(text).not.toMatch(/PRIVATE KEY/);

    const refusedDrain = await send(hostDrainRoute.POST, 'POST', `/hosts/${a.hostId}/drain`, { id: a.hostId }, a.tokens.admin.readonly);
    expect(refusedDrain.status).toBe(403);
    const [entry] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'host.drain'), eq(auditEvents.outcome, 'denied'))).orderBy(desc(auditEvents.id)).limit(1);
    expect(entry).toMatchObject({ organizationId: a.id, targetId: a.hostId, actorUserId: a.members.admin.userId });
  });

  it('issues a usable secret once and never lists it', async () => {
    const res = await send(orgTokensRoute.POST, 'POST', `/organizations/${a.id}/tokens`, { id: a.id }, a.tokens.admin.fullaccess, { userId: a.members.viewer.userId, note: '一度だけ', role: 'readonly' });
    expect(res.status).toBe(201);
    const { secret, token } = (await res.json()) as { secret: string; token: Record<string, unknown> };
    expect(token).not.toHaveProperty('secretHash');
    expect((await send(unitGroupRoute.GET, 'GET', `/unit-groups/${a.unitGroupId}`, { id: a.unitGroupId }, secret)).status).toBe(200);
    const list = await (await send(orgTokensRoute.GET, 'GET', `/organizations/${a.id}/tokens`, { id: a.id }, a.tokens.owner.fullaccess)).text();
    expect(list).toContain(token.id as string);
    expect(list).not.toContain(secret);
    expect(list).not.toContain('secretHash');

    const csv = await send(auditEventsRoute.GET, 'GET', `/audit-events?organizationId=${a.id}&format=csv`, {}, a.tokens.owner.readonly);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-events-\d{8}\.csv"$/);
    const text = await csv.text();
    expect(text).toContain('token.issue');
    expect(text).not.toContain(secret);
  });
});
