// Property-based bad input against every /api/v1 route handler (fast-check), as an organization's
// owner with a fullaccess token so that rights never hide a handler's parsing: no answer is a 5xx,
// every 4xx is a JSON error with a code, and every 400 names the input fields it refuses.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { and, eq, gt, inArray, max } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { submitBuild } from '@/lib/builds/submit-build';
import { copyTemplate } from '@/lib/catalog/copy-template';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, expiryExtensions, memberships, serviceApplications, unitGroups, users } from '@/lib/db/schema';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { addSshKey } from '@/lib/ssh-keys/user-keys';
import { issueToken } from '@/lib/tokens/issue-token';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { createWebhook } from '@/lib/webhooks/manage-webhooks';
import { freePort } from '@/scripts/services/free-port';
import { nodeRecords, organizationWithMember, uniqueName } from '@/test/fixtures';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Method = (typeof METHODS)[number];
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
/** Fast-check runs per route and method: about 1,600 requests for the whole file (FC_RUNS and FC_SEED to search harder or replay). */
const RUNS = Number(process.env.FC_RUNS ?? 25);
const ROOT = join(import.meta.dirname, '..', '..', '..');

interface RouteUnderTest {
  /** `POST /units/:id/nodes` */
  name: string;
  method: Method;
  handler: Handler;
  /** The path with its parameters as `[id]`, as in the folder names. */
  pattern: string;
  paramNames: string[];
  /** Input keys found in the route's file and the @/lib modules it uses (two levels deep). */
  keys: string[];
  /** The audit action under which withActor records a refused or failed call (`{ audit: '…' }` in its export), if any. */
  audit?: string;
}

/** Keys of zod objects (`name: z.…`, `period: ZPeriod`) and query parameters (`searchParams.get('x')`) in a source file. */
function keysIn(source: string): string[] {
  const keys = new Set<string>();
  for (const m of source.matchAll(/\b([A-Za-z_]\w*)\??\s*:\s*(?:z\.|Z[A-Z]\w*)/g)) keys.add(m[1]!);
  for (const m of source.matchAll(/searchParams\.get\('([^']+)'\)/g)) keys.add(m[1]!);
  return [...keys];
}

async function keysOf(file: string): Promise<string[]> {
  const keys = new Set<string>();
  const seen = new Set<string>();
  const visit = async (path: string, depth: number) => {
    if (seen.has(path)) return;
    seen.add(path);
    const source = await readFile(path, 'utf8').catch(() => null);
    if (source === null) return;
    for (const k of keysIn(source)) keys.add(k);
    if (depth === 0) return;
    for (const m of source.matchAll(/from '@\/(lib\/[^']+)'/g)) await visit(join(ROOT, `${m[1]}.ts`), depth - 1);
  };
  await visit(file, 2);
  return [...keys].sort();
}

/** Every route handler under /api/v1, found as app/api/v1/role-matrix.int.test.ts finds them; DELETEs last, so what they remove was fuzzed first. */
async function discoverRoutes(): Promise<RouteUnderTest[]> {
  const files = (await readdir(import.meta.dirname, { recursive: true })).filter((f) => f.endsWith('route.ts') && !f.startsWith('[...')).sort();
  const routes: RouteUnderTest[] = [];
  for (const file of files) {
    const pattern = `/${dirname(file)}`;
    const module = (await import(`./${file}`)) as Record<string, unknown>;
    const keys = await keysOf(join(import.meta.dirname, file));
    const source = await readFile(join(import.meta.dirname, file), 'utf8');
    const paramNames = [...pattern.matchAll(/\[(\w+)\]/g)].map((m) => m[1]!);
    for (const method of METHODS) {
      if (!module[method]) continue;
      const exported = source.split(/^export const /m).find((chunk) => chunk.startsWith(`${method} =`));
      const audit = exported?.match(/\baudit: '([^']+)'/)?.[1];
      routes.push({ name: `${method} ${pattern.replace(/\[(\w+)\]/g, ':$1')}`, method, handler: module[method] as Handler, pattern, paramNames, keys, audit });
    }
  }
  return routes.sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

const ROUTES = await discoverRoutes();

interface Fixture {
  organizationId: string;
  secret: string;
  /** Real ids by the route's first path segment (and `userId`). */
  ids: Record<string, string>;
}
let f: Fixture;

beforeAll(async () => {
  process.env.OCS_AWS_MAX_ATTEMPTS = '1';
  // The fixture's webhook sends to a closed port of this machine over plain http.
  process.env.OCS_WEBHOOKS_ALLOW_HTTP = '1';
  // Room for the one build below and the one recorded node: any build or scaling the fuzz manages to ask for is over quota.
  const org = await organizationWithMember({ role: 'owner', maxNodes: 2 });
  const { organizationId, actor: owner } = org;
  const { secret } = await issueToken(db(), owner, organizationId, { userId: owner.userId, note: 'bad input', role: 'fullaccess' });
  const victim = await issueToken(db(), owner, organizationId, { userId: owner.userId, note: 'bad input: revoked by the fuzz', role: 'readonly' });
  const build = await submitBuild(db(), owner, { templateSlug: 'web-hello', unitGroupName: uniqueName('fuzz'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
  const [node] = await nodeRecords(1, { organization: org });
  const [subject] = await db().insert(users).values({ email: `${uniqueName('subject')}@demo-univ.ac.jp`, name: 'Fuzz Subject' }).returning();
  await db().insert(memberships).values({ organizationId, userId: subject!.id, role: 'viewer' });
  const host = await registerHost(db(), owner, organizationId, { name: uniqueName('closed'), address: '127.0.0.1', sshPort: await freePort(), sshUser: 'ocs', capacity: 1 });
  const account = await addProviderAccount(db(), owner, organizationId, {
    provider: 'aws',
    name: uniqueName('aws'),
    region: 'ap-northeast-1',
    network: { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' },
    credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  });
  const { webhook } = await createWebhook(db(), owner, organizationId, { url: `http://127.0.0.1:${await freePort()}/hook` });
  const { slug } = await copyTemplate(db(), owner, { slug: 'web-hello', organizationId, newSlug: uniqueName('fuzz-web') });
  const [application] = await db()
    .insert(serviceApplications)
    .values({
      applicantId: owner.userId,
      state: 'draft',
      organizationName: uniqueName('applied'),
      organizationKind: 'lab',
      applicantName: owner.name,
      contactEmail: owner.email,
      purpose: 'bad input',
      expectedNodes: 1,
      wantedProviders: ['local'],
    })
    .returning();
  const [extension] = await db()
    .insert(expiryExtensions)
    .values({ unitGroupId: node!.unitGroupId, requestedBy: owner.userId, fromExpiresAt: new Date(Date.now() + 86_400_000), untilExpiresAt: new Date(Date.now() + 90 * 86_400_000), reason: 'bad input', state: 'pending' })
    .returning();
  const key = await addSshKey(db(), owner, { name: 'fuzz', publicKey: newSshKeyPair('').public });
  f = {
    organizationId,
    secret,
    ids: {
      organizations: organizationId,
      userId: subject!.id,
      builds: build.buildId,
      'unit-groups': node!.unitGroupId,
      units: node!.unitId,
      nodes: node!.id,
      hosts: host.id,
      'provider-accounts': account.id,
      webhooks: webhook.id,
      templates: slug,
      'service-applications': application!.id,
      'expiry-extensions': extension!.id,
      'me/ssh-keys': key.id,
      tokens: victim.token.id,
    },
  };
});

afterAll(async () => {
  if (f) {
    const groups = await db().select({ id: unitGroups.id }).from(unitGroups).where(eq(unitGroups.organizationId, f.organizationId));
    for (const g of groups) await deleteUnitGroup(db(), g.id);
  }
  await closeQueue();
  await closeDb();
});

// ---- generators -------------------------------------------------------------------------------

/** Strings that have broken parsers and databases before. */
const nasty = fc.constantFrom('', ' ', '..', '../..', '%00', '\u0000', 'a\u0000b', 'x'.repeat(5000), '💥', '\ud800', '<script>', "'; --", 'null', 'NaN', '-1', '1e999', 'true', '[]', '{}');
const anyString = fc.oneof({ weight: 2, arbitrary: fc.string() }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) }, { weight: 2, arbitrary: nasty });
/** Values that get past a first type check: names of real things, enums, dates, numbers at the edges. */
const plausibleScalar = fc.oneof(
  fc.constantFrom('web-hello', 'local', 'aws', 'small', 'off', 'on', 'owner', 'viewer', 'readonly', 'fullaccess', 'pending', 'approve', 'reject', 'keep', 'teardown', '6h', '7d', 'csv', 'terminal', 'logs'),
  fc.constantFrom('2026-10-01', '09:00', '25:99', '2026-02-30', new Date(Date.now() + 86_400_000).toISOString(), '1970-01-01T00:00:00Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z', '+010000-01-01T00:00:00Z'),
  fc.constantFrom(0, -1, 1, 2, 1.5, 2 ** 31, 2 ** 53 + 2, 1e308, -1e308),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  anyString,
  // PostgreSQL's text holds no NUL: a value the schemas accept but the database refuses.
  fc.constantFrom('web-hello', 'note', 'ocs', 'gpu01.example.ac.jp', 'a@demo-univ.ac.jp').map((v) => `${v}\u0000`),
);
const plausibleValue = fc.oneof(plausibleScalar, fc.array(plausibleScalar, { maxLength: 3 }), fc.dictionary(anyString, plausibleScalar, { maxKeys: 3 }), fc.anything({ maxDepth: 2 }));

/** The fixture's own thing for a path parameter of the route (`:userId` is a member, `:id` and `:slug` what the path's first segment names). */
function realIdFor(route: RouteUnderTest, name: string): string | undefined {
  return name === 'userId' ? f.ids.userId : f.ids[route.pattern.startsWith('/me/') ? 'me/ssh-keys' : route.pattern.split('/')[1]!];
}

/** A path parameter: the fixture's real id half of the time, else a fuzzed string. */
function paramArb(route: RouteUnderTest, name: string): fc.Arbitrary<string> {
  const realId = realIdFor(route, name);
  // Next.js decodes the path as UTF-8: a parameter never holds half of a surrogate pair (it may hold a NUL, from %00).
  const fuzzed = fc.oneof(anyString, fc.uuid(), fc.constantFrom('..', '%00', '\u0000', 'y'.repeat(10_000))).map((s) => s.replace(/[\ud800-\udfff]/gu, '\ufffd'));
  return realId === undefined ? fuzzed : fc.oneof(fc.constant(realId), fuzzed);
}

const QUERY_KEYS = ['range', 'state', 'dryRun', 'organization', 'organizationId', 'format', 'limit', 'cursor', 'before', 'from', 'to', 'action', 'actor', 'outcome', 'afterLogId'];

function queryArb(route: RouteUnderTest): fc.Arbitrary<[string, string][]> {
  const key = fc.oneof(fc.constantFrom(...new Set([...QUERY_KEYS, ...route.keys])), anyString);
  const value = fc.oneof(plausibleScalar.map((v) => String(v)), fc.constant(f.organizationId), anyString);
  return fc.array(fc.tuple(key, value), { maxLength: 4 });
}

type Body = { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'text'; text: string };

/**
 * Bodies: anything, invalid JSON, and records of the route's own keys. `required` are the fields
 * the route named when sent `{}`: records carry them all half of the time, so they get past "is
 * required" to the checks (and the code) behind it.
 */
function bodyArb(route: RouteUnderTest, required: string[]): fc.Arbitrary<Body> {
  const key = route.keys.length ? fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...route.keys) }, { weight: 1, arbitrary: anyString }) : anyString;
  const value = fc.oneof({ weight: 3, arbitrary: plausibleValue }, { weight: 1, arbitrary: fc.constantFrom(...Object.values(f.ids)) });
  const loose = fc.dictionary(key, value, { maxKeys: 6 });
  const complete = fc
    .tuple(fc.record(Object.fromEntries(required.map((k) => [k, value])) as Record<string, fc.Arbitrary<unknown>>), fc.dictionary(key, value, { maxKeys: 2 }))
    .map(([given, extra]) => ({ ...extra, ...given }) as Record<string, unknown>);
  const record = required.length ? fc.oneof(loose, complete) : loose;
  const notJson = (s: string) => {
    try {
      JSON.parse(s);
      return false;
    } catch {
      return true;
    }
  };
  const invalidJson = fc.oneof(
    fc.constantFrom('{', '{"a":', '[1,', 'undefined', "{'a':1}", '{"a":1}}', '\u0000', '\ufeff{}'),
    fc.string().filter(notJson),
    record.map((r) => JSON.stringify(r).slice(0, -1)),
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) },
    { weight: 2, arbitrary: fc.anything().map<Body>((value) => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: fc.object().map<Body>((value) => ({ kind: 'json', value })) },
    { weight: 5, arbitrary: record.map<Body>((value) => ({ kind: 'json', value })) },
    { weight: 2, arbitrary: invalidJson.map<Body>((text) => ({ kind: 'text', text })) },
  );
}

// ---- the property -----------------------------------------------------------------------------

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: { fields?: unknown } };
}

async function call(route: RouteUnderTest, params: Record<string, string>, query: [string, string][], body: Body): Promise<{ status: number; text: string; contentType: string }> {
  const path = route.pattern.replace(/\[(\w+)\]/g, (_, name: string) => encodeURIComponent(params[name]!));
  const search = new URLSearchParams(query).toString();
  const hasBody = route.method !== 'GET' && route.method !== 'DELETE';
  const text = !hasBody || body.kind === 'none' ? undefined : body.kind === 'text' ? body.text : JSON.stringify(body.value);
  const req = new Request(`http://localhost/api/v1${path}${search ? `?${search}` : ''}`, {
    method: route.method,
    headers: { authorization: `Bearer ${f.secret}`, 'content-type': 'application/json' },
    body: text,
  });
  const res = await route.handler(req, { params: Promise.resolve(params) });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

/** The top-level fields a route names when sent `{}` with the fixture's real ids (none for routes without a body). */
async function requiredFields(route: RouteUnderTest): Promise<string[]> {
  if (route.method === 'GET' || route.method === 'DELETE') return [];
  const params = Object.fromEntries(route.paramNames.map((n) => [n, realIdFor(route, n) ?? '']));
  const res = await call(route, params, [], { kind: 'json', value: {} });
  if (res.status !== 400) return [];
  const fields = (JSON.parse(res.text) as ErrorBody).error?.details?.fields;
  return Object.keys(fields ?? {}).filter((k) => k !== 'body' && !k.includes('.'));
}

/** A refused or failed call to an audited route leaves its entry (lib/http/route.ts withActor). */
async function unaudited(action: string, after: number): Promise<string | null> {
  const entries = await db()
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(gt(auditEvents.id, after), eq(auditEvents.action, action), inArray(auditEvents.outcome, ['denied', 'failure'])));
  return entries.length ? null : `a refusal without its audit entry (${action})`;
}

/** What is wrong with an answer, or null. */
function problemOf(res: { status: number; text: string; contentType: string }): string | null {
  if (res.status >= 500) return `a ${res.status}`;
  if (res.status < 400) return null;
  if (!res.contentType.includes('application/json')) return `a ${res.status} that is not JSON (${res.contentType})`;
  let body: ErrorBody;
  try {
    body = JSON.parse(res.text) as ErrorBody;
  } catch {
    return `a ${res.status} whose body is not JSON`;
  }
  if (typeof body.error?.code !== 'string' || !body.error.code) return `a ${res.status} without an error code`;
  if (res.status !== 400) return null;
  if (body.error.code !== 'INVALID_INPUT') return `a 400 with code ${body.error.code}`;
  if (typeof body.error.message !== 'string' || !body.error.message) return 'a 400 without a message';
  const fields = body.error.details?.fields;
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || Object.keys(fields).length === 0) return 'a 400 that names no field';
  return null;
}

describe('bad input', () => {
  it('reaches every route handler under /api/v1', () => {
    // Fewer would mean the discovery broke (app/api/v1/role-matrix.int.test.ts checks the list itself).
    expect(ROUTES.length).toBeGreaterThan(60);
    expect(ROUTES.map((r) => r.name)).toEqual(expect.arrayContaining(['GET /unit-groups/:id', 'POST /units/:id/nodes/delete', 'PATCH /organizations/:id/members/:userId']));
  });

  describe.each(ROUTES.map((r) => [r.name, r] as const))('%s', (_, route) => {
    it('answers no 5xx, a JSON error code on every 4xx, and the fields on every 400', async () => {
      const params = fc.record(Object.fromEntries(route.paramNames.map((n) => [n, paramArb(route, n)])) as Record<string, fc.Arbitrary<string>>);
      const required = await requiredFields(route);
      await fc.assert(
        fc.asyncProperty(params, queryArb(route), bodyArb(route, required), async (p, query, body) => {
          const [{ last } = { last: 0 }] = route.audit ? await db().select({ last: max(auditEvents.id) }).from(auditEvents) : [];
          const res = await call(route, p, query, body);
          const problem = problemOf(res) ?? (route.audit && res.status >= 400 ? await unaudited(route.audit, last ?? 0) : null);
          if (problem)
            throw new Error(
              `${route.name} answered ${problem}: ${res.text.slice(0, 500)}\n  params: ${JSON.stringify(p)}\n  query: ${JSON.stringify(query)}\n  body: ${JSON.stringify(body).slice(0, 2000)}`,
            );
        }),
        { numRuns: RUNS, seed: process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined },
      );
    });
  });
});
