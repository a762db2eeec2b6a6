// Managing webhooks: refusals that name the field (URLs that are not https, point at the portal's
// own machine or at link-local addresses), rights (admins and owners only, other organizations see
// nothing), the API (the secret once, a ping with its answer, paged deliveries, disabling, removal,
// each audited), and re-sealing the signing secrets when OCS_SECRET_KEY is rotated.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as orgWebhooksRoute from '@/app/api/v1/organizations/[id]/webhooks/route';
import * as deliveriesRoute from '@/app/api/v1/webhooks/[id]/deliveries/route';
import * as webhookRoute from '@/app/api/v1/webhooks/[id]/route';
import * as webhookTestRoute from '@/app/api/v1/webhooks/[id]/test/route';
import { loadActor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import * as schema from '@/lib/db/schema';
import { auditEvents, webhookDeliveries, webhooks } from '@/lib/db/schema';
import { reencryptSecrets } from '@/lib/secrets/reencrypt';
import { issueToken } from '@/lib/tokens/issue-token';
import { failure, memberOf, organizationWithMember, setEnv } from '@/test/fixtures';
import { ownDatabase } from '@/test/own-database';
import { signatureMatches, startReceiver, type Receiver } from '@/test/webhook-receiver';
import { recordEvent } from './events';
import { createWebhook, deleteWebhook, testWebhook, updateWebhook } from './manage-webhooks';
import { getWebhook, listDeliveries, listWebhooks } from './queries';

let restoreEnv: () => void;
const receivers: Receiver[] = [];

async function newReceiver(status?: (n: number) => number): Promise<Receiver> {
  const r = await startReceiver(status);
  receivers.push(r);
  return r;
}

beforeAll(() => {
  // The receivers are plain http on loopback: allowed only with OCS_WEBHOOKS_ALLOW_HTTP=1.
  restoreEnv = setEnv({ OCS_WEBHOOKS_ALLOW_HTTP: '1' });
});

afterAll(async () => {
  restoreEnv();
  await Promise.all(receivers.map((r) => r.close()));
  await closeDb();
});

const deliveriesOf = (webhookId: string) => db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).orderBy(webhookDeliveries.createdAt);
const delivery = async (id: string) => (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
const webhookRow = async (id: string) => (await db().select().from(webhooks).where(eq(webhooks.id, id)))[0]!;

describe('managing webhooks', () => {
  it('refuses bad URLs and events, naming the field', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const create = (body: unknown) => failure(createWebhook(db(), owner.actor, owner.organizationId, body));
    const field = async (body: unknown) => (await create(body)).details?.fields;
    expect(await field({})).toMatchObject({ url: 'is required' });
    expect(await field({ url: 'not a url' })).toMatchObject({ url: expect.stringContaining('absolute URL') });
    expect(await field({ url: 'ftp://example.ac.jp/hook' })).toMatchObject({ url: 'must be an https URL' });
    expect(await field({ url: 'https://user:secret@example.ac.jp/hook' })).toMatchObject({ url: expect.stringContaining('user name or password') });
    // Link-local addresses (cloud metadata) are refused even where plain http is allowed.
    expect(await field({ url: 'http://169.254.169.254/latest/meta-data' })).toMatchObject({ url: expect.stringContaining('link-local') });
    expect(await field({ url: 'https://[fe80::1]/hook' })).toMatchObject({ url: expect.stringContaining('link-local') });
    expect(await field({ url: 'https://example.ac.jp/hook', events: ['node.error', 'node.exploded'] })).toMatchObject({ 'events.1': expect.stringContaining('must be one of') });
    expect(await field({ url: 'https://example.ac.jp/hook', colour: 'blue' })).toHaveProperty('body');
    const restore = setEnv({ OCS_WEBHOOKS_ALLOW_HTTP: '0' });
    try {
      expect(await field({ url: 'http://example.ac.jp/hook' })).toMatchObject({ url: expect.stringContaining('must be https') });
      expect(await field({ url: 'https://localhost:8443/hook' })).toMatchObject({ url: expect.stringContaining("portal's own machine") });
      expect(await field({ url: 'https://127.0.0.1/hook' })).toMatchObject({ url: expect.stringContaining("portal's own machine") });
      expect(await field({ url: 'https://[::ffff:127.0.0.1]/hook' })).toMatchObject({ url: expect.stringContaining("portal's own machine") });
      // A lab's own network is where on-premise receivers live.
      expect((await createWebhook(db(), owner.actor, owner.organizationId, { url: 'https://192.168.10.5/hook' })).webhook.url).toBe('https://192.168.10.5/hook');
    } finally {
      restore();
    }
    const { webhook } = await createWebhook(db(), owner.actor, owner.organizationId, { url: 'https://example.ac.jp/hook' });
    expect((await failure(updateWebhook(db(), owner.actor, webhook.id, { url: 'gopher://example.ac.jp' }))).details?.fields).toMatchObject({ url: 'must be an https URL' });
    expect((await failure(updateWebhook(db(), owner.actor, webhook.id, {}))).details?.fields).toHaveProperty('body');
    expect((await failure(updateWebhook(db(), owner.actor, webhook.id, { enabled: 'yes' }))).details?.fields).toMatchObject({ enabled: 'must be true or false' });
  });

  it('is for the organization’s admins and owners: viewers and users are refused, other organizations do not see it', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const viewer = await memberOf(owner.organizationId, 'viewer');
    const user = await memberOf(owner.organizationId, 'user');
    const stranger = await organizationWithMember({ role: 'owner' });
    const { webhook } = await createWebhook(db(), owner.actor, owner.organizationId, { url: 'https://example.ac.jp/hook' });
    for (const actor of [viewer, user]) {
      expect((await failure(createWebhook(db(), actor, owner.organizationId, { url: 'https://example.ac.jp/x' }))).code).toBe('FORBIDDEN');
      expect((await failure(listWebhooks(db(), actor, owner.organizationId))).code).toBe('FORBIDDEN');
      expect((await failure(updateWebhook(db(), actor, webhook.id, { enabled: false }))).code).toBe('FORBIDDEN');
      expect((await failure(testWebhook(db(), actor, webhook.id))).code).toBe('FORBIDDEN');
    }
    expect((await failure(createWebhook(db(), stranger.actor, owner.organizationId, { url: 'https://example.ac.jp/x' }))).code).toBe('NOT_FOUND');
    expect((await failure(getWebhook(db(), stranger.actor, webhook.id))).code).toBe('NOT_FOUND');
    expect((await failure(listDeliveries(db(), stranger.actor, webhook.id))).code).toBe('NOT_FOUND');
    expect((await failure(deleteWebhook(db(), stranger.actor, webhook.id))).code).toBe('NOT_FOUND');
    expect(await getWebhook(db(), owner.actor, webhook.id)).toMatchObject({ id: webhook.id, enabled: true });
  });

  it('over the API: the secret once, a ping with its answer, deliveries newest first, disabling and removal audited', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const { secret: token } = await issueToken(db(), owner.actor, owner.organizationId, { userId: owner.actor.userId, note: 'webhooks', role: 'fullaccess' });
    const hook = await newReceiver();
    type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
    const call = (handler: unknown, method: string, params: Record<string, string>, body?: unknown, query = '') =>
      (handler as Handler)(
        new Request(`http://localhost/api/v1/x${query}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }),
        { params: Promise.resolve(params) },
      );

    const bad = await call(orgWebhooksRoute.POST, 'POST', { id: owner.organizationId }, { url: 'mailto:lab@example.ac.jp' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.details.fields).toMatchObject({ url: 'must be an https URL' });

    const created = await call(orgWebhooksRoute.POST, 'POST', { id: owner.organizationId }, { url: hook.url, events: ['build.failed', 'node.error'], description: 'lab chat' });
    expect(created.status).toBe(201);
    const { webhook, secret } = (await created.json()) as { webhook: { id: string; state: string }; secret: string };
    expect(webhook.state).toBe('active');
    const listed = await (await call(orgWebhooksRoute.GET, 'GET', { id: owner.organizationId })).text();
    expect(listed).toContain(webhook.id);
    expect(listed).not.toContain(secret);
    expect(listed).not.toContain((await webhookRow(webhook.id)).secret);
    expect(await (await call(webhookRoute.GET, 'GET', { id: webhook.id })).text()).not.toContain(secret);

    const tested = await call(webhookTestRoute.POST, 'POST', { id: webhook.id });
    expect(tested.status).toBe(200);
    const { delivery: ping } = (await tested.json()) as { delivery: { id: string; state: string; responseStatus: number } };
    expect(ping).toMatchObject({ state: 'succeeded', responseStatus: 200 });
    expect(hook.received[0]!.headers['x-ocs-event']).toBe('ping');
    expect(signatureMatches(secret, hook.received[0]!)).toBe(true);

    const ids = [ping.id, ...(await recordEvent(db(), { organizationId: owner.organizationId, event: 'node.error', occurredAt: new Date(), data: {} }, new Date(Date.now() + 1000)))];
    const page = (await (await call(deliveriesRoute.GET, 'GET', { id: webhook.id }, undefined, '?limit=1')).json()) as { deliveries: { id: string }[]; nextCursor: string };
    expect(page.deliveries.map((d) => d.id)).toEqual([ids[1]]);
    const next = (await (await call(deliveriesRoute.GET, 'GET', { id: webhook.id }, undefined, `?limit=1&cursor=${page.nextCursor}`)).json()) as { deliveries: { id: string; responseStatus: number }[]; nextCursor: string | null };
    expect(next.deliveries).toMatchObject([{ id: ping.id, responseStatus: 200 }]);
    expect(next.nextCursor).toBeNull();
    const badCursor = await call(deliveriesRoute.GET, 'GET', { id: webhook.id }, undefined, '?cursor=nonsense');
    expect(badCursor.status).toBe(400);
    expect((await badCursor.json()).error.details.fields).toHaveProperty('cursor');

    const off = await call(webhookRoute.PATCH, 'PATCH', { id: webhook.id }, { enabled: false });
    expect(((await off.json()) as { webhook: { state: string; disabledReason: string } }).webhook).toMatchObject({ state: 'disabled', disabledReason: `disabled by ${owner.actor.email}` });
    // What waited is dropped with the disabling.
    expect(await delivery(ids[1]!)).toMatchObject({ state: 'failed', error: 'not sent: the webhook is disabled' });
    expect((await call(webhookRoute.DELETE, 'DELETE', { id: webhook.id })).status).toBe(204);
    expect((await call(webhookRoute.GET, 'GET', { id: webhook.id })).status).toBe(404);
    expect(await deliveriesOf(webhook.id)).toEqual([]);
    const actions = (await db().select().from(auditEvents).where(eq(auditEvents.targetId, webhook.id))).map((e) => e.action);
    expect(actions.sort()).toEqual(['webhook.create', 'webhook.delete', 'webhook.test', 'webhook.update']);
  });
});

describe('rotating the secret key', () => {
  it("re-seals webhooks' signing secrets, which sign as before once the old key is gone", async () => {
    // A database of its own: re-sealing under throwaway keys touches no other test's secrets.
    const own = await ownDatabase('webhook_rotation');
    const saved = { key: process.env.OCS_SECRET_KEY, previous: process.env.OCS_SECRET_KEY_PREVIOUS };
    try {
      const database = own.db;
      const [institution] = await database.insert(schema.institutions).values({ slug: 'hook-univ', name: 'Hook University', nameJa: 'フック大学', domain: 'hook-univ.ac.jp' }).returning();
      const [org] = await database.insert(schema.organizations).values({ institutionId: institution!.id, name: 'フック研究室', kind: 'lab' }).returning();
      const [user] = await database.insert(schema.users).values({ email: 'owner@hook-univ.ac.jp', name: 'Owner' }).returning();
      await database.insert(schema.memberships).values({ organizationId: org!.id, userId: user!.id, role: 'owner' });
      const owner = (await loadActor(database, user!.id))!;
      const hook = await newReceiver();
      const { webhook, secret } = await createWebhook(database, owner, org!.id, { url: hook.url });
      const before = await database.select({ secret: webhooks.secret }).from(webhooks).where(eq(webhooks.id, webhook.id));

      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      process.env.OCS_SECRET_KEY_PREVIOUS = saved.key;
      expect(await reencryptSecrets(database)).toEqual({ resealed: 1, unreadable: [] });
      delete process.env.OCS_SECRET_KEY_PREVIOUS;
      const after = await database.select({ secret: webhooks.secret }).from(webhooks).where(eq(webhooks.id, webhook.id));
      expect(after[0]!.secret.split('.')[1]).not.toBe(before[0]!.secret.split('.')[1]);
      expect(await testWebhook(database, owner, webhook.id)).toMatchObject({ state: 'succeeded' });
      expect(signatureMatches(secret, hook.received[0]!)).toBe(true);

      // A key nobody has any more: reported, left alone.
      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      expect(await reencryptSecrets(database)).toEqual({ resealed: 0, unreadable: [{ webhookId: webhook.id, reason: expect.stringContaining(`webhooks:${webhook.id}`) }] });
    } finally {
      process.env.OCS_SECRET_KEY = saved.key;
      if (saved.previous === undefined) delete process.env.OCS_SECRET_KEY_PREVIOUS;
      else process.env.OCS_SECRET_KEY_PREVIOUS = saved.previous;
      await own.drop();
    }
  });
});
