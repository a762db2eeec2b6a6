// The builds routes end to end through their handlers: what the contract parses (an end date, the
// log cursor, pages) reaches the domain, and what the domain answers leaves as the view.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { unitGroups } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { GET as getBuild } from './[id]/route';
import { GET as listBuilds, POST as submitBuild } from './route';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
const created: string[] = [];
let secret: string;

beforeAll(async () => {
  const { organizationId, actor } = await organizationWithMember({ role: 'owner' });
  ({ secret } = await issueToken(db(), actor, organizationId, { userId: actor.userId, note: 'builds routes', role: 'fullaccess' }));
});

afterAll(async () => {
  for (const id of created) await deleteUnitGroup(db(), id);
  await closeQueue();
  await closeDb();
});

function call(handler: Handler, method: string, path: string, params: Record<string, string> = {}, body?: unknown): Promise<Response> {
  const req = new Request(`http://localhost/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return handler(req, { params: Promise.resolve(params) });
}

describe('the builds routes', () => {
  it('submit with an end date, page the list and read new log lines only', async () => {
    const expiresAt = new Date(Date.now() + 7 * 86_400_000);
    const submitted = await call(submitBuild, 'POST', '/builds', {}, { templateSlug: 'web-hello', unitGroupName: uniqueName('route'), provider: 'local', flavor: 'small', parameters: { nodes: 1 }, expiresAt: expiresAt.toISOString() });
    expect(submitted.status).toBe(202);
    const { buildId, unitGroupId } = (await submitted.json()) as { buildId: string; unitGroupId: string };
    created.push(unitGroupId);
    expect((await db().query.unitGroups.findFirst({ where: eq(unitGroups.id, unitGroupId) }))?.expiresAt?.getTime()).toBe(expiresAt.getTime());
    const second = await call(submitBuild, 'POST', '/builds', {}, { templateSlug: 'web-hello', unitGroupName: uniqueName('route'), provider: 'local', flavor: 'small', parameters: { nodes: 1 } });
    const other = (await second.json()) as { buildId: string; unitGroupId: string };
    created.push(other.unitGroupId);

    const first = (await (await call(listBuilds, 'GET', '/builds?limit=1')).json()) as { builds: { id: string }[]; nextCursor: string };
    expect(first.builds.map((b) => b.id)).toEqual([other.buildId]);
    const next = (await (await call(listBuilds, 'GET', `/builds?limit=1&cursor=${first.nextCursor}`)).json()) as { builds: { id: string }[]; nextCursor: string | null };
    expect(next.builds.map((b) => b.id)).toEqual([buildId]);
    expect(next.nextCursor).toBeNull();
    const badCursor = await call(listBuilds, 'GET', '/builds?cursor=nope');
    expect(badCursor.status).toBe(400);
    expect(((await badCursor.json()) as { error: { details: { fields: object } } }).error.details.fields).toHaveProperty('cursor');

    const read = (await (await call(getBuild, 'GET', `/builds/${buildId}`, { id: buildId })).json()) as { build: { logs: { id: number }[]; createdBy?: string } };
    expect(read.build.logs.length).toBeGreaterThan(0);
    expect(read.build).not.toHaveProperty('createdBy');
    const last = read.build.logs[read.build.logs.length - 1]!.id;
    const newer = (await (await call(getBuild, 'GET', `/builds/${buildId}?afterLogId=${last}`, { id: buildId })).json()) as { build: { logs: unknown[] } };
    expect(newer.build.logs).toEqual([]);
    const bad = await call(getBuild, 'GET', `/builds/${buildId}?afterLogId=-3`, { id: buildId });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { details: { fields: object } } }).error.details.fields).toHaveProperty('afterLogId');
    expect((await call(getBuild, 'GET', '/builds/not-an-id', { id: 'not-an-id' })).status).toBe(404);
  });
});
