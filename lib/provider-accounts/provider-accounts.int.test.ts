// An organization's cloud accounts: added with the provider's own fields (each refusal naming its
// field), credentials sealed at rest and never shown again, replaced rather than edited, one
// default per provider, removal erasing them; key rotation re-seals them.
import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { closeDb, db, type Database } from '@/lib/db/client';
import * as schema from '@/lib/db/schema';
import { auditEvents, nodes, providerAccounts, units } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { reencryptSecrets } from '@/lib/secrets/reencrypt';
import { failure, nodeRecords, organizationWithMember, uniqueName } from '@/test/fixtures';
import { ownDatabase, type OwnDatabase } from '@/test/own-database';
import { addProviderAccount, listProviderAccounts, removeProviderAccount, replaceProviderCredentials, updateProviderAccount } from './manage-accounts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const aws = (over: Record<string, unknown> = {}) => ({
  provider: 'aws',
  name: uniqueName('aws'),
  region: 'ap-northeast-1',
  network: { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' },
  credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET },
  ...over,
});

let actor: Actor;
let organizationId: string;

beforeAll(async () => {
  ({ actor, organizationId } = await organizationWithMember());
});

afterAll(async () => {
  await closeQueue();
  await closeDb();
});

const stored = async (id: string) => (await db().query.providerAccounts.findFirst({ where: eq(providerAccounts.id, id) }))!;

describe('provider accounts', () => {
  it('keep the credentials sealed and show only what identifies them', async () => {
    const account = await addProviderAccount(db(), actor, organizationId, aws());
    expect(account).toMatchObject({ provider: 'aws', region: 'ap-northeast-1', credentialHint: 'AKIAIOSFODNN7EXAMPLE', isDefault: true, lastTestOk: null });
    expect(JSON.stringify(account)).not.toContain(SECRET);
    expect(JSON.stringify(await listProviderAccounts(db(), actor, organizationId))).not.toContain(SECRET);
    const row = await stored(account.id);
    expect(row.credentials).toMatch(/^v1\./);
    expect(row.credentials).not.toContain(SECRET);
    expect(openProviderCredentials(account.id, row.credentials)).toEqual({ accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: SECRET });
    const audit = await db().select().from(auditEvents).where(and(eq(auditEvents.targetId, account.id), eq(auditEvents.action, 'provider_account.add')));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
  });

  it('refuse bad input naming every field, an unknown provider and one that takes no accounts yet', async () => {
    const bad = await failure(
      addProviderAccount(db(), actor, organizationId, aws({ region: 'tokyo', network: { subnetId: 'vpc-1' }, credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: '' } })),
    );
    expect(bad.code).toBe('INVALID_INPUT');
    expect(bad.details?.fields).toEqual({
      region: 'must be a region or zone such as ap-northeast-1',
      'network.subnetId': 'must be a subnet id (subnet-…)',
      'network.securityGroupId': 'is required',
      'network.imageId': 'is required',
      'credentials.secretAccessKey': 'is required',
    });
    expect((await failure(addProviderAccount(db(), actor, organizationId, aws({ provider: 'gcp' })))).details?.fields).toEqual({
      provider: 'unknown provider "gcp"; accounts are for aws, azure, oracle, sakura, vmware, mdx, openstack',
    });
    expect((await failure(addProviderAccount(db(), actor, organizationId, aws({ provider: 'hokudai' })))).details?.fields?.provider).toMatch(/^hokudai takes no accounts \(Not yet available: its API is not confirmed/);
    const name = uniqueName('twice');
    await addProviderAccount(db(), actor, organizationId, aws({ name }));
    expect((await failure(addProviderAccount(db(), actor, organizationId, aws({ name })))).details?.fields).toEqual({ name: `"${name}" is already the name of another account of this organization` });
  });

  it('have one default per provider', async () => {
    const { actor: owner, organizationId: org } = await organizationWithMember();
    const first = await addProviderAccount(db(), owner, org, aws());
    const second = await addProviderAccount(db(), owner, org, aws());
    const azure = await addProviderAccount(db(), owner, org, {
      provider: 'azure',
      name: 'azure-main',
      region: 'japaneast',
      network: { resourceGroup: 'ocs', virtualNetwork: 'ocs-vnet', subnet: 'nodes', imageId: 'Canonical:ubuntu-24_04-lts:server:latest' },
      credentials: { tenantId: '00000000-0000-0000-0000-000000000001', clientId: '00000000-0000-0000-0000-000000000002', clientSecret: 'client-secret', subscriptionId: '00000000-0000-0000-0000-000000000003' },
    });
    expect([first.isDefault, second.isDefault, azure.isDefault]).toEqual([true, false, true]);
    await updateProviderAccount(db(), owner, second.id, { isDefault: true });
    const defaults = (await listProviderAccounts(db(), owner, org)).accounts.filter((a) => a.isDefault).map((a) => a.id);
    expect(defaults.sort()).toEqual([second.id, azure.id].sort());
    expect((await failure(updateProviderAccount(db(), owner, azure.id, { region: 'Japan East!' }))).details?.fields).toEqual({ region: 'must be a region or zone such as japaneast' });
  });

  it('replace credentials as a whole, forgetting the last connection test, and erase them on removal', async () => {
    const account = await addProviderAccount(db(), actor, organizationId, aws());
    await db().update(providerAccounts).set({ lastTestOk: true, lastTestMessage: 'ok' }).where(eq(providerAccounts.id, account.id));
    const partial = await failure(replaceProviderCredentials(db(), actor, account.id, { credentials: { secretAccessKey: 'x'.repeat(40) } }));
    expect(partial.details?.fields).toEqual({ 'credentials.accessKeyId': 'is required' });
    const replaced = await replaceProviderCredentials(db(), actor, account.id, { credentials: { accessKeyId: 'AKIAI44QH8DHBEXAMPLE', secretAccessKey: 'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY' } });
    expect(replaced).toMatchObject({ credentialHint: 'AKIAI44QH8DHBEXAMPLE', lastTestOk: null, lastTestMessage: null });
    expect(openProviderCredentials(account.id, (await stored(account.id)).credentials).accessKeyId).toBe('AKIAI44QH8DHBEXAMPLE');

    await removeProviderAccount(db(), actor, account.id);
    expect(await stored(account.id)).toMatchObject({ credentials: '', isDefault: false, removedAt: expect.any(Date) });
    expect((await listProviderAccounts(db(), actor, organizationId, { limit: 200 })).accounts.map((a) => a.id)).not.toContain(account.id);
    expect((await failure(updateProviderAccount(db(), actor, account.id, { name: 'again' }))).code).toBe('NOT_FOUND');
  });

  it('is not removed while a node lives in it or a burst policy sends nodes there: its credentials are what removes the machines', async () => {
    const account = await addProviderAccount(db(), actor, organizationId, aws());
    const [node] = await nodeRecords(1, { provider: 'aws', organization: { organizationId, actor } });
    await db().update(nodes).set({ providerAccountId: account.id }).where(eq(nodes.id, node!.id));
    const refused = await failure(removeProviderAccount(db(), actor, account.id));
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { fields: { account: 'in use by 1 node(s) and 0 burst policy(ies)' } } });
    expect((await stored(account.id)).removedAt).toBeNull();
    await db().update(nodes).set({ deletedAt: new Date(), state: 'DELETED' }).where(eq(nodes.id, node!.id));
    // A burst policy sending nodes there holds it too, until its unit is deleted.
    const burst = { provider: 'aws', providerAccountId: account.id, flavor: 'small', maxNodes: 1, setBy: actor.userId };
    await db().update(units).set({ burst }).where(eq(units.id, node!.unitId));
    expect((await failure(removeProviderAccount(db(), actor, account.id))).details?.fields).toEqual({ account: 'in use by 0 node(s) and 1 burst policy(ies)' });
    await db().update(units).set({ state: 'DELETED' }).where(eq(units.id, node!.unitId));
    await removeProviderAccount(db(), actor, account.id);
    expect((await stored(account.id)).removedAt).toEqual(expect.any(Date));
  });

  it('are for the organization\'s admins: others read them, and another organization sees none', async () => {
    const account = await addProviderAccount(db(), actor, organizationId, aws());
    const { actor: stranger } = await organizationWithMember();
    expect((await failure(updateProviderAccount(db(), stranger, account.id, { name: 'mine' }))).code).toBe('NOT_FOUND');
    expect((await failure(listProviderAccounts(db(), stranger, organizationId))).code).toBe('NOT_FOUND');
  });
});

// In a database of its own: re-sealing under a throwaway key must touch no other test's secrets.
describe('rotating the secret key', () => {
  let own: OwnDatabase;
  let database: Database;

  beforeAll(async () => {
    own = await ownDatabase('account_rotation');
    database = own.db;
  });

  afterAll(async () => {
    await own?.drop();
  });

  it('re-seals provider credentials, which still open after the old key is gone', async () => {
    const [institution] = await database.insert(schema.institutions).values({ slug: 'rotation-univ', name: 'Rotation University', nameJa: 'ローテーション大学', domain: 'rotation-univ.ac.jp' }).returning();
    const [org] = await database.insert(schema.organizations).values({ institutionId: institution!.id, name: 'クラウド研究室', kind: 'lab' }).returning();
    const [user] = await database.insert(schema.users).values({ email: 'owner@rotation-univ.ac.jp', name: 'Owner' }).returning();
    await database.insert(schema.memberships).values({ organizationId: org!.id, userId: user!.id, role: 'owner' });
    const account = await addProviderAccount(database, (await loadActor(database, user!.id))!, org!.id, aws());
    const read = async () => (await database.query.providerAccounts.findFirst({ where: eq(schema.providerAccounts.id, account.id) }))!.credentials;
    const before = await read();
    const saved = { key: process.env.OCS_SECRET_KEY, previous: process.env.OCS_SECRET_KEY_PREVIOUS };
    try {
      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      process.env.OCS_SECRET_KEY_PREVIOUS = saved.key;
      expect(await reencryptSecrets(database)).toEqual({ resealed: 1, unreadable: [] });
      const after = await read();
      expect(after.split('.')[1]).not.toBe(before.split('.')[1]);
      delete process.env.OCS_SECRET_KEY_PREVIOUS;
      expect(openProviderCredentials(account.id, after).secretAccessKey).toBe(SECRET);
      // A key nobody has any more: reported, left alone.
      process.env.OCS_SECRET_KEY = randomBytes(32).toString('base64url');
      expect(await reencryptSecrets(database)).toEqual({ resealed: 0, unreadable: [{ accountId: account.id, reason: expect.stringContaining(`provider_accounts:${account.id}`) }] });
    } finally {
      process.env.OCS_SECRET_KEY = saved.key;
      if (saved.previous === undefined) delete process.env.OCS_SECRET_KEY_PREVIOUS;
      else process.env.OCS_SECRET_KEY_PREVIOUS = saved.previous;
    }
  });
});
