// Webhooks against real HTTP receivers on 127.0.0.1 (node:http) and mail through a real SMTP server
// of the test's own: deliveries carry the documented signature (checked with node:crypto in
// test/webhook-receiver.ts, not with the portal's code), a receiver that fails twice gets the event
// on the third attempt, one that fails for over a day (a simulated clock) disables the webhook with
// a mail, and the alerts and expiry rounds turn real occurrences into deliveries with the designed
// payload, once each.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Job } from 'bullmq';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanAlerts } from '@/lib/alerts/scan-alerts';
import type { Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, builds, nodes, unitGroups, webhookDeliveries, webhooks, type WebhookDelivery } from '@/lib/db/schema';
import { scanExpiry } from '@/lib/expiry/scan-expiry';
import { closeQueue, jobStatus } from '@/lib/jobs/queue';
import { readCapturedMail, startMailCatcher, type MailCatcher } from '@/lib/mail/catcher';
import { freePort } from '@/scripts/services/free-port';
import { memberOf, nodeRecords, organizationWithMember, setEnv } from '@/test/fixtures';
import { signatureMatches, startReceiver, type Received, type Receiver } from '@/test/webhook-receiver';
import { processJob } from '@/workers/processors';
import { BACKOFF_MS, deliverWebhook, JITTER, MAX_ATTEMPTS } from './deliver';
import { recordBuildEvent } from './domain-events';
import { createWebhook, testWebhook, updateWebhook } from './manage-webhooks';
import { DELIVERY_KEEP_DAYS, dueDeliveries, queueDueDeliveries } from './sweep';
import { getWebhook } from './queries';

const DAY_MS = 24 * 3600_000;
const META = { ip: null };

let catcher: MailCatcher;
let mailDir: string;
let restoreEnv: () => void;
const receivers: Receiver[] = [];

async function newReceiver(status?: (n: number) => number): Promise<Receiver> {
  const r = await startReceiver(status);
  receivers.push(r);
  return r;
}

beforeAll(async () => {
  mailDir = await mkdtemp(path.join(os.tmpdir(), 'ocs-webhooks-mail-'));
  catcher = await startMailCatcher({ port: await freePort(), dir: mailDir });
  // The receivers are plain http on loopback: allowed only with OCS_WEBHOOKS_ALLOW_HTTP=1.
  restoreEnv = setEnv({ SMTP_URL: catcher.url, NEXTAUTH_URL: 'https://ocs.example.ac.jp', OCS_WEBHOOKS_ALLOW_HTTP: '1' });
});

afterAll(async () => {
  restoreEnv();
  await Promise.all(receivers.map((r) => r.close()));
  await catcher.close();
  await rm(mailDir, { recursive: true, force: true });
  await closeQueue();
  await closeDb();
});

const deliveriesOf = (webhookId: string) => db().select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, webhookId)).orderBy(webhookDeliveries.createdAt);
const delivery = async (id: string) => (await db().select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)))[0]!;
const webhookRow = async (id: string) => (await db().select().from(webhooks).where(eq(webhooks.id, id)))[0]!;
const payloadOf = (r: Received) => JSON.parse(r.body) as { id: string; event: string; occurredAt: string; organizationId: string; data: Record<string, Record<string, unknown>> };

/** A FAILED build of a unit group of the organization, finished now. */
async function failedBuild(organization: { organizationId: string; actor: Actor }, error: string) {
  const [node] = await nodeRecords(1, { organization });
  const [group] = await db().select().from(unitGroups).where(eq(unitGroups.id, node!.unitGroupId));
  const [build] = await db()
    .insert(builds)
    .values({ organizationId: organization.organizationId, templateVersionId: (await db().query.templateVersions.findFirst())!.id, createdBy: organization.actor.userId, unitGroupId: group!.id, parameters: {}, status: 'FAILED', error, finishedAt: new Date() })
    .returning();
  return { group: group!, build: build! };
}

describe('webhook deliveries', () => {
  it('signs a node error recorded by the alerts round with the documented scheme, once, with the designed payload', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const hook = await newReceiver();
    const { webhook, secret } = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['node.error'], description: '研究室の Slack' });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const [node] = await nodeRecords(1, { organization: owner });
    const [group] = await db().select().from(unitGroups).where(eq(unitGroups.id, node!.unitGroupId));
    await db().update(nodes).set({ state: 'HOST_ERROR', stateReason: 'its agent has not been heard from for 45 s', agentHostname: 'agent.internal', providerResourceId: 'i-0secretresource' }).where(eq(nodes.id, node!.id));

    await scanAlerts(db());
    await scanAlerts(db());
    const [recorded, ...more] = await deliveriesOf(webhook.id);
    expect(more).toEqual([]);
    expect(recorded).toMatchObject({ event: 'node.error', state: 'pending', attempts: 0 });
    expect(await dueDeliveries(db())).toContain(recorded!.id);

    const before = Math.floor(Date.now() / 1000);
    expect(await deliverWebhook(db(), recorded!.id)).toMatchObject({ state: 'succeeded', attempts: 1, responseStatus: 200 });
    const [got] = hook.received;
    expect(got!.path).toBe('/hooks/ocs');
    expect(got!.headers).toMatchObject({ 'content-type': 'application/json', 'user-agent': 'ocs-portal-webhooks', 'x-ocs-event': 'node.error', 'x-ocs-delivery': recorded!.id });
    expect(Number(got!.headers['x-ocs-timestamp'])).toBeGreaterThanOrEqual(before);
    expect(Number(got!.headers['x-ocs-timestamp'])).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    expect(signatureMatches(secret, got!)).toBe(true);
    expect(signatureMatches(secret.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')), got!)).toBe(false);
    expect(signatureMatches(secret, { ...got!, body: got!.body.replace('HOST_ERROR', 'RUNNING') })).toBe(false);

    const payload = payloadOf(got!);
    expect(Object.keys(payload)).toEqual(['id', 'event', 'occurredAt', 'organizationId', 'data']);
    expect(payload).toMatchObject({
      id: recorded!.id,
      event: 'node.error',
      organizationId: owner.organizationId,
      data: {
        unitGroup: { id: group!.id, name: group!.name },
        node: { id: node!.id, unit: 'web', nodeNo: 1, state: 'HOST_ERROR', reason: 'its agent has not been heard from for 45 s', provider: 'local' },
        link: `https://ocs.example.ac.jp/unit-groups/${group!.id}`,
      },
    });
    expect(new Date(payload.occurredAt).getTime()).not.toBeNaN();
    // Nothing internal: no agent addresses, provider resource ids or secrets.
    expect(got!.body).not.toContain('agent.internal');
    expect(got!.body).not.toContain('i-0secretresource');
    expect(got!.body).not.toContain(secret);
    // Sent is sent: another attempt finds nothing due.
    expect(await deliverWebhook(db(), recorded!.id)).toBeNull();
    expect(hook.received).toHaveLength(1);
  });

  it('delivers to the webhooks that want the event, not to the others or to other organizations', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const other = await organizationWithMember({ role: 'owner' });
    const hook = await newReceiver();
    const all = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url });
    const buildsOnly = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['build.failed', 'build.succeeded'] });
    const nodesOnly = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['node.error'] });
    const elsewhere = await createWebhook(db(), other.actor, other.organizationId, { url: hook.url });
    const { build } = await failedBuild(owner, 'step create-nodes failed: no server can take another node');
    await scanAlerts(db());
    expect((await deliveriesOf(all.webhook.id)).map((d) => d.event)).toEqual(['build.failed']);
    expect((await deliveriesOf(buildsOnly.webhook.id)).map((d) => d.event)).toEqual(['build.failed']);
    expect(await deliveriesOf(nodesOnly.webhook.id)).toEqual([]);
    expect(await deliveriesOf(elsewhere.webhook.id)).toEqual([]);
    expect((await deliveriesOf(all.webhook.id))[0]!.payload).toMatchObject({ data: { build: { id: build.id } } });
  });

  it('sends a failed build through the webhooks.deliver job, which the sweep queues', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const hook = await newReceiver();
    const { webhook, secret } = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['build.failed'] });
    const { group, build } = await failedBuild(owner, 'step create-nodes failed: no server can take another node');
    await scanAlerts(db());
    const [recorded] = await deliveriesOf(webhook.id);

    expect(await queueDueDeliveries(db())).toBeGreaterThanOrEqual(1);
    expect((await jobStatus('webhooks.deliver', { deliveryId: recorded!.id })).live).toBe(true);
    await processJob({ name: 'webhooks.deliver', data: { deliveryId: recorded!.id }, attemptsMade: 0, opts: { attempts: 3 } } as unknown as Job);

    expect(await delivery(recorded!.id)).toMatchObject({ state: 'succeeded', attempts: 1, responseStatus: 200 });
    const [got] = hook.received;
    expect(signatureMatches(secret, got!)).toBe(true);
    expect(payloadOf(got!)).toMatchObject({
      id: recorded!.id,
      event: 'build.failed',
      organizationId: owner.organizationId,
      data: {
        build: { id: build.id, kind: 'create', status: 'FAILED', error: 'step create-nodes failed: no server can take another node', finishedAt: build.finishedAt!.toISOString() },
        unitGroup: { id: group.id, name: group.name },
        link: `https://ocs.example.ac.jp/builds/${build.id}`,
      },
    });
    expect(payloadOf(got!).data.build.template).toMatchObject({ slug: expect.any(String), version: expect.any(String) });
  });

  it('tells of a coming end date from the expiry round', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const hook = await newReceiver();
    const { webhook } = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['unitGroup.expiring', 'unitGroup.expired', 'unitGroup.deleted'] });
    const [node] = await nodeRecords(1, { organization: owner });
    const now = new Date();
    const expiresAt = new Date(now.getTime() + 3 * DAY_MS);
    await db().update(unitGroups).set({ expiresAt }).where(eq(unitGroups.id, node!.unitGroupId));
    await scanExpiry(db(), now);
    await scanExpiry(db(), now);
    const [recorded, ...more] = await deliveriesOf(webhook.id);
    expect(more).toEqual([]);
    expect(recorded!.payload).toMatchObject({
      event: 'unitGroup.expiring',
      data: { unitGroup: { id: node!.unitGroupId }, expiresAt: expiresAt.toISOString(), reminder: '7d', daysLeft: 3, link: `https://ocs.example.ac.jp/unit-groups/${node!.unitGroupId}` },
    });
    expect((recorded!.payload as { data: { reason: string } }).data.reason).toContain('ends at');
  });
});

describe('retries and disabling', () => {
  it('gets the event to a receiver that answered 500 twice on the third attempt, after backing off', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const hook = await newReceiver((n) => (n <= 2 ? 500 : 200));
    const { webhook, secret } = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['build.succeeded'] });
    const { build } = await failedBuild(owner, 'unused');
    await db().update(builds).set({ status: 'SUCCEEDED', error: null }).where(eq(builds.id, build.id));
    const t0 = new Date();
    const [id] = await recordBuildEvent(db(), build.id, 'build.succeeded', t0);

    const first = (await deliverWebhook(db(), id!, t0))!;
    expect(first).toMatchObject({ state: 'pending', attempts: 1, responseStatus: 500 });
    expect(first.error).toContain('500');
    // The start of the answer only.
    expect(first.responseBody!.startsWith('answer 1: 500')).toBe(true);
    expect(Buffer.byteLength(first.responseBody!)).toBeLessThanOrEqual(2048);
    const wait = first.nextAttemptAt.getTime() - t0.getTime();
    expect(wait).toBeGreaterThanOrEqual(BACKOFF_MS[0]);
    expect(wait).toBeLessThanOrEqual(BACKOFF_MS[0] * (1 + JITTER));
    expect((await webhookRow(webhook.id)).failingSince).toEqual(t0);
    expect((await getWebhook(db(), owner.actor, webhook.id)).state).toBe('failing');

    // Not due yet: nothing is sent.
    expect(await deliverWebhook(db(), id!, new Date(t0.getTime() + 10_000))).toBeNull();
    expect(await dueDeliveries(db(), new Date(t0.getTime() + 10_000))).not.toContain(id);

    const t1 = new Date(first.nextAttemptAt.getTime() + 1000);
    expect(await dueDeliveries(db(), t1)).toContain(id);
    const second = (await deliverWebhook(db(), id!, t1))!;
    expect(second).toMatchObject({ state: 'pending', attempts: 2, responseStatus: 500 });
    expect(second.nextAttemptAt.getTime() - t1.getTime()).toBeGreaterThanOrEqual(BACKOFF_MS[1]);

    const t2 = new Date(second.nextAttemptAt.getTime() + 1000);
    expect(await deliverWebhook(db(), id!, t2)).toMatchObject({ state: 'succeeded', attempts: 3, responseStatus: 200, error: null });
    expect(hook.received).toHaveLength(3);
    // The same delivery each time: one id, one body, signed anew with each attempt's timestamp.
    expect(new Set(hook.received.map((r) => r.headers['x-ocs-delivery']))).toEqual(new Set([id]));
    expect(new Set(hook.received.map((r) => r.body)).size).toBe(1);
    expect(hook.received.every((r) => signatureMatches(secret, r))).toBe(true);
    expect(hook.received.map((r) => Number(r.headers['x-ocs-timestamp']))).toEqual([t0, t1, t2].map((t) => Math.floor(t.getTime() / 1000)));
    expect(payloadOf(hook.received[2]!)).toMatchObject({ event: 'build.succeeded', data: { build: { id: build.id, status: 'SUCCEEDED', error: null } } });
    // A delivery that got through clears the failing state.
    expect(await getWebhook(db(), owner.actor, webhook.id)).toMatchObject({ state: 'active', failingSince: null });
  });

  it('does not follow redirects', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const hook = await newReceiver(() => 302);
    const { webhook } = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url });
    const ping = await testWebhook(db(), owner.actor, webhook.id, META);
    expect(ping).toMatchObject({ event: 'ping', state: 'failed', attempts: 1, responseStatus: 302 });
    expect(ping.error).toContain('redirects are not followed');
    expect(hook.received.map((r) => r.path)).toEqual(['/hooks/ocs']);
    // A ping is a test: it does not start a failing day.
    expect((await webhookRow(webhook.id)).failingSince).toBeNull();
  });

  it('disables a webhook whose receiver failed for over a day, drops what waited, and mails the owners and admins', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const admin = await memberOf(owner.organizationId, 'admin');
    const user = await memberOf(owner.organizationId, 'user');
    const hook = await newReceiver(() => 503);
    const { webhook } = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['build.failed'] });
    const { build } = await failedBuild(owner, 'step apply failed');
    const t0 = new Date();
    const [id] = await recordBuildEvent(db(), build.id, 'build.failed', t0);

    let now = t0;
    let current: WebhookDelivery = await delivery(id!);
    let waiting: string | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      current = (await deliverWebhook(db(), id!, now))!;
      expect(current.attempts).toBe(attempt);
      const row = await webhookRow(webhook.id);
      if (now.getTime() - t0.getTime() < DAY_MS) {
        // Failing, but not for a day yet.
        expect(row).toMatchObject({ enabled: true, failingSince: t0 });
        expect(current.state).toBe('pending');
      }
      // Another event while it fails: it waits to be sent.
      if (attempt === 4) [waiting] = await recordBuildEvent(db(), build.id, 'build.failed', now);
      if (current.state !== 'pending') break;
      now = new Date(current.nextAttemptAt.getTime() + 1000);
    }
    expect(now.getTime() - t0.getTime()).toBeGreaterThan(DAY_MS);
    expect(current).toMatchObject({ state: 'failed', attempts: MAX_ATTEMPTS, responseStatus: 503 });
    expect(hook.received).toHaveLength(MAX_ATTEMPTS);
    const disabled = await getWebhook(db(), owner.actor, webhook.id);
    expect(disabled).toMatchObject({ state: 'disabled', enabled: false, disabledAt: now });
    expect(disabled.disabledReason).toContain('failed for over a day');
    expect(disabled.disabledReason).toContain('503');
    expect(await delivery(waiting!)).toMatchObject({ state: 'failed', error: 'not sent: the webhook is disabled' });

    const mails = (await readCapturedMail(mailDir)).filter((m) => m.subject.includes(`A webhook was disabled: ${hook.url}`));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to.sort()).toEqual([owner.actor.email, admin.email].sort());
    expect(mails[0]!.to).not.toContain(user.email);
    expect(mails[0]!.text).toContain('failed for over a day');
    expect(mails[0]!.text).toContain('https://ocs.example.ac.jp/organization/webhooks');
    const [audited] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'webhook.disable'), eq(auditEvents.targetId, webhook.id)));
    expect(audited).toMatchObject({ actorLabel: 'webhook deliveries', organizationId: owner.organizationId, outcome: 'success' });

    // Disabled, it gets no new events; enabled again, it starts afresh.
    expect(await recordBuildEvent(db(), build.id, 'build.failed', now)).toEqual([]);
    const enabled = await updateWebhook(db(), admin, webhook.id, { enabled: true }, META);
    expect(enabled).toMatchObject({ state: 'active', enabled: true, disabledAt: null, disabledReason: null, failingSince: null });
    expect(await recordBuildEvent(db(), build.id, 'build.failed', now)).toHaveLength(1);
  });
});

describe('keeping deliveries', () => {
  it('drops finished deliveries after the keeping period in the sweep, and keeps pending and recent ones', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const hook = await newReceiver();
    const { webhook } = await createWebhook(db(), owner.actor, owner.organizationId, { url: hook.url, events: ['build.failed'] });
    const daysAgo = (days: number) => new Date(Date.now() - days * DAY_MS);
    const row = (state: WebhookDelivery['state'], createdAt: Date) => ({ webhookId: webhook.id, event: 'build.failed', payload: { state }, state, createdAt, nextAttemptAt: new Date(Date.now() + DAY_MS) });
    const [, , waiting, recent] = await db()
      .insert(webhookDeliveries)
      .values([row('succeeded', daysAgo(DELIVERY_KEEP_DAYS + 1)), row('failed', daysAgo(DELIVERY_KEEP_DAYS + 2)), row('pending', daysAgo(DELIVERY_KEEP_DAYS + 3)), row('succeeded', daysAgo(DELIVERY_KEEP_DAYS - 1))])
      .returning();

    await processJob({ name: 'webhooks.sweep', data: {}, attemptsMade: 0, opts: {} } as unknown as Job);
    expect((await deliveriesOf(webhook.id)).map((d) => d.id)).toEqual([waiting!.id, recent!.id]);
    expect(hook.received).toEqual([]);
  });
});
