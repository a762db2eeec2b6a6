import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import ssh2, { type ParsedKey } from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, hosts, institutions, memberships, organizationSshKeys, organizations, users, type MemberRole } from '@/lib/db/schema';
import { DEMO_INSTITUTION } from '@/lib/db/seed';
import { SecretDecryptError } from '@/lib/secrets/cipher';
import { openSshPrivateKey } from '@/lib/secrets/ssh-keys';
import { failure, seededLabAdmin, uniqueName } from '@/test/fixtures';
import { activateHost, drainHost, registerHost, removeHost, updateHost } from './manage-hosts';
import { getHost, listHosts } from './queries';
import { openOrganizationPrivateKey, organizationSshPublicKey } from './ssh-key';

type Org = { id: string; members: Record<MemberRole, Actor> };

let a: Org;
let b: Org;

async function makeOrganization(label: string): Promise<Org> {
  const institution = await db().query.institutions.findFirst({ where: eq(institutions.slug, DEMO_INSTITUTION.slug) });
  const [org] = await db().insert(organizations).values({ institutionId: institution!.id, name: uniqueName(label), kind: 'lab' }).returning();
  const members = {} as Record<MemberRole, Actor>;
  for (const role of ['owner', 'admin', 'user', 'viewer'] as const) {
    const email = `${uniqueName(role)}@example.ac.jp`;
    const [user] = await db().insert(users).values({ email, name: email }).returning();
    await db().insert(memberships).values({ organizationId: org!.id, userId: user!.id, role });
    members[role] = (await loadActor(db(), user!.id))!;
  }
  return { id: org!.id, members };
}


/** The field a 400 names (and only that one). */
async function badField(promise: Promise<unknown>): Promise<string[]> {
  const error = await failure(promise);
  expect(error.code).toBe('INVALID_INPUT');
  return Object.keys(error.details?.fields ?? {});
}

const FINGERPRINT = `SHA256:${createHash('sha256').update('a host key').digest('base64').replace(/=+$/, '')}`;
const valid = (name = uniqueName('gpu')) => ({ name, address: 'gpu01.lab.example.ac.jp', sshUser: 'ocs', capacity: 4 });

async function auditTrail(hostId: string) {
  return db().select().from(auditEvents).where(eq(auditEvents.targetId, hostId)).orderBy(auditEvents.id);
}

beforeAll(async () => {
  await seededLabAdmin();
  a = await makeOrganization('hosts-a');
  b = await makeOrganization('hosts-b');
});

afterAll(async () => {
  await closeDb();
});

describe('hosts', () => {
  it('are registered with defaults, audited, and shown with their free capacity', async () => {
    const host = await registerHost(db(), a.members.admin, a.id, { name: 'gpu-01', address: 'GPU01.Lab.Example.ac.jp', sshUser: 'ocs', capacity: 8 }, { ip: '203.0.113.5' });
    expect(host).toEqual({
      id: expect.any(String),
      organizationId: a.id,
      name: 'gpu-01',
      address: 'gpu01.lab.example.ac.jp',
      sshPort: 22,
      sshUser: 'ocs',
      hostKeyFingerprint: null,
      capacity: 8,
      agentDir: '~/.ocs-portal',
      containerEngine: null,
      nodes: 0,
      freeCapacity: 8,
      state: 'active',
      stateReason: null,
      lastContactAt: null,
      createdAt: expect.any(Date),
      updatedAt: expect.any(Date),
    });
    const ipv6 = await registerHost(db(), a.members.owner, a.id, { name: 'v6', address: '[2001:db8::7]', sshPort: 2222, sshUser: 'ocs-agent', hostKeyFingerprint: FINGERPRINT, capacity: 1 });
    expect(ipv6).toMatchObject({ address: '2001:db8::7', sshPort: 2222, sshUser: 'ocs-agent', hostKeyFingerprint: FINGERPRINT });
    expect(await getHost(db(), a.members.viewer, host.id)).toEqual(host);

    const [entry] = await auditTrail(host.id);
    expect(entry).toMatchObject({
      action: 'host.register',
      outcome: 'success',
      organizationId: a.id,
      actorUserId: a.members.admin.userId,
      targetType: 'host',
      ipAddress: '203.0.113.5',
      details: { name: 'gpu-01', address: 'gpu01.lab.example.ac.jp', sshPort: 22, sshUser: 'ocs', hostKeyFingerprint: null, capacity: 8 },
    });
  });

  it('refuse bad input with a 400 naming the field', async () => {
    const register = (input: object) => registerHost(db(), a.members.owner, a.id, { ...valid(), ...input });
    const taken = await registerHost(db(), a.members.owner, a.id, valid());
    expect(await badField(register({ name: taken.name }))).toEqual(['name']);
    expect(await badField(register({ name: '-gpu' }))).toEqual(['name']);
    expect(await badField(register({ name: 'x'.repeat(64) }))).toEqual(['name']);
    for (const address of ['', 'gpu 01', '192.168.1.300', 'under_score.example.jp', '-gpu.example.jp', `${'a'.repeat(64)}.jp`, 'host.example.jp.']) {
      expect(await badField(register({ address })), address).toEqual(['address']);
    }
    for (const sshPort of [0, 65536, 22.5, '22', null]) expect(await badField(register({ sshPort })), String(sshPort)).toEqual(['sshPort']);
    for (const sshUser of ['', '1abc', '-x', 'has space', 'x'.repeat(33), 'root;id']) expect(await badField(register({ sshUser })), sshUser).toEqual(['sshUser']);
    for (const hostKeyFingerprint of ['MD5:16:27:ac', 'SHA256:short', `${FINGERPRINT}=`, FINGERPRINT.slice(7), 42]) {
      expect(await badField(register({ hostKeyFingerprint })), String(hostKeyFingerprint)).toEqual(['hostKeyFingerprint']);
    }
    for (const capacity of [0, 1001, 2.5, '4', undefined]) expect(await badField(register({ capacity })), String(capacity)).toEqual(['capacity']);
    for (const agentDir of ['', 'relative/dir', '~user/x', '/srv/../etc', '/srv/ocs/', '/srv/o c s', '/srv/$(id)', 7]) expect(await badField(register({ agentDir })), String(agentDir)).toEqual(['agentDir']);
    expect(await register({ agentDir: '/srv/ocs-portal' })).toMatchObject({ agentDir: '/srv/ocs-portal' });
    const all = await failure(registerHost(db(), a.members.owner, a.id, {}));
    expect(Object.keys(all.details!.fields!).sort()).toEqual(['address', 'capacity', 'name', 'sshUser']);
    // Valid edges.
    expect(await register({ address: '10.0.0.1', sshPort: 65535, sshUser: '_svc.ocs-1', capacity: 1000, hostKeyFingerprint: '' })).toMatchObject({ hostKeyFingerprint: null });
  });

  it('are listed per organization, and another organization cannot see or touch them', async () => {
    const mine = await registerHost(db(), a.members.owner, a.id, valid());
    const theirs = await registerHost(db(), b.members.owner, b.id, valid(mine.name));
    const listed = (await listHosts(db(), a.members.viewer, a.id, { limit: 200 })).hosts;
    expect(listed.map((h) => h.id)).toContain(mine.id);
    expect(listed.every((h) => h.organizationId === a.id)).toBe(true);
    // Newest first, a page at a time: the pages together are the whole list, once each.
    expect(listed.map((h) => h.createdAt.getTime())).toEqual(listed.map((h) => h.createdAt.getTime()).sort((x, y) => y - x));
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listHosts(db(), a.members.viewer, a.id, { limit: 2, cursor });
      expect(page.hosts.length).toBeLessThanOrEqual(2);
      paged.push(...page.hosts.map((h) => h.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(paged).toEqual(listed.map((h) => h.id));
    expect((await listHosts(db(), b.members.user, b.id)).hosts.map((h) => h.id)).toEqual([theirs.id]);

    const owner = a.members.owner;
    expect((await failure(listHosts(db(), owner, b.id))).code).toBe('NOT_FOUND');
    expect((await failure(registerHost(db(), owner, b.id, valid()))).code).toBe('NOT_FOUND');
    for (const attempt of [
      () => getHost(db(), owner, theirs.id),
      () => updateHost(db(), owner, theirs.id, { capacity: 9 }),
      () => drainHost(db(), owner, theirs.id),
      () => activateHost(db(), owner, theirs.id),
      () => removeHost(db(), owner, theirs.id),
    ]) {
      expect((await failure(attempt())).code).toBe('NOT_FOUND');
    }
    expect(await getHost(db(), b.members.viewer, theirs.id)).toMatchObject({ capacity: 4, state: 'active' });
  });

  it('may be read by every member and changed only by admins and owners', async () => {
    const host = await registerHost(db(), a.members.owner, a.id, valid());
    for (const role of ['user', 'viewer'] as const) {
      const member = a.members[role];
      expect((await listHosts(db(), member, a.id, { limit: 200 })).hosts.map((h) => h.id)).toContain(host.id);
      for (const attempt of [
        () => registerHost(db(), member, a.id, valid()),
        () => updateHost(db(), member, host.id, { capacity: 2 }),
        () => drainHost(db(), member, host.id),
        () => activateHost(db(), member, host.id),
        () => removeHost(db(), member, host.id),
      ]) {
        expect((await failure(attempt())).code, role).toBe('FORBIDDEN');
      }
    }
    expect(await getHost(db(), a.members.owner, host.id)).toMatchObject({ state: 'active', capacity: 4 });
  });

  it('are updated field by field, with the changes audited', async () => {
    const host = await registerHost(db(), a.members.owner, a.id, valid());
    const other = await registerHost(db(), a.members.owner, a.id, valid());
    const renamed = uniqueName('renamed');
    const updated = await updateHost(db(), a.members.admin, host.id, { name: renamed, address: '192.0.2.20', sshPort: 2022, sshUser: 'admin', hostKeyFingerprint: FINGERPRINT, capacity: 16 });
    expect(updated).toMatchObject({ id: host.id, name: renamed, address: '192.0.2.20', sshPort: 2022, sshUser: 'admin', hostKeyFingerprint: FINGERPRINT, capacity: 16, freeCapacity: 16 });
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(host.updatedAt.getTime());
    expect(await getHost(db(), a.members.viewer, host.id)).toEqual(updated);
    // Unpinning the fingerprint, and a patch that changes nothing.
    expect((await updateHost(db(), a.members.admin, host.id, { hostKeyFingerprint: null })).hostKeyFingerprint).toBeNull();
    expect(await updateHost(db(), a.members.admin, host.id, { capacity: 16 })).toMatchObject({ capacity: 16 });

    expect(await badField(updateHost(db(), a.members.admin, host.id, { name: other.name }))).toEqual(['name']);
    expect(await badField(updateHost(db(), a.members.admin, host.id, { capacity: 0, name: 'ok' }))).toEqual(['capacity']);
    expect(await badField(updateHost(db(), a.members.admin, host.id, { address: 'not an address' }))).toEqual(['address']);
    expect((await getHost(db(), a.members.admin, host.id)).name).toBe(renamed);

    const updates = (await auditTrail(host.id)).filter((e) => e.action === 'host.update');
    expect(updates.map((e) => e.details)).toEqual([
      {
        name: renamed,
        changes: {
          name: { from: host.name, to: renamed },
          address: { from: host.address, to: '192.0.2.20' },
          sshPort: { from: 22, to: 2022 },
          sshUser: { from: 'ocs', to: 'admin' },
          hostKeyFingerprint: { from: null, to: FINGERPRINT },
          capacity: { from: 4, to: 16 },
        },
      },
      { name: renamed, changes: { hostKeyFingerprint: { from: FINGERPRINT, to: null } } },
    ]);
    expect(updates.every((e) => e.actorUserId === a.members.admin.userId && e.outcome === 'success')).toBe(true);
  });

  it('are drained and activated again, each change audited once', async () => {
    const host = await registerHost(db(), a.members.owner, a.id, valid());
    expect(await drainHost(db(), a.members.admin, host.id)).toMatchObject({ state: 'draining' });
    expect(await drainHost(db(), a.members.admin, host.id)).toMatchObject({ state: 'draining' });
    expect((await listHosts(db(), a.members.viewer, a.id, { limit: 200 })).hosts.find((h) => h.id === host.id)).toMatchObject({ state: 'draining' });
    expect(await activateHost(db(), a.members.owner, host.id)).toMatchObject({ state: 'active', stateReason: null });
    expect(await activateHost(db(), a.members.owner, host.id)).toMatchObject({ state: 'active' });

    // One the portal could not reach can be drained, or put back in service by hand.
    await db().update(hosts).set({ state: 'unreachable', stateReason: 'connection refused' }).where(eq(hosts.id, host.id));
    expect(await drainHost(db(), a.members.admin, host.id)).toMatchObject({ state: 'draining', stateReason: null });
    await db().update(hosts).set({ state: 'unreachable', stateReason: 'connection refused' }).where(eq(hosts.id, host.id));
    expect(await activateHost(db(), a.members.admin, host.id)).toMatchObject({ state: 'active', stateReason: null });

    const trail = (await auditTrail(host.id)).map((e) => [e.action, e.details.from, e.details.to]);
    expect(trail).toEqual([
      ['host.register', undefined, undefined],
      ['host.drain', 'active', 'draining'],
      ['host.activate', 'draining', 'active'],
      ['host.drain', 'unreachable', 'draining'],
      ['host.activate', 'unreachable', 'active'],
    ]);
  });

  it('are removed: gone from the list and from every call, the name free again, the row kept', async () => {
    const host = await registerHost(db(), a.members.owner, a.id, valid());
    await removeHost(db(), a.members.admin, host.id, { ip: '198.51.100.3' });
    expect((await listHosts(db(), a.members.owner, a.id, { limit: 200 })).hosts.map((h) => h.id)).not.toContain(host.id);
    for (const attempt of [
      () => getHost(db(), a.members.owner, host.id),
      () => updateHost(db(), a.members.owner, host.id, { capacity: 2 }),
      () => drainHost(db(), a.members.owner, host.id),
      () => activateHost(db(), a.members.owner, host.id),
      () => removeHost(db(), a.members.owner, host.id),
    ]) {
      expect((await failure(attempt())).code).toBe('NOT_FOUND');
    }
    const again = await registerHost(db(), a.members.owner, a.id, valid(host.name));
    expect(again.id).not.toBe(host.id);
    const row = await db().query.hosts.findFirst({ where: eq(hosts.id, host.id) });
    expect(row).toMatchObject({ state: 'removed', removedAt: expect.any(Date) });
    const [, removal] = await auditTrail(host.id);
    expect(removal).toMatchObject({ action: 'host.remove', outcome: 'success', actorUserId: a.members.admin.userId, ipAddress: '198.51.100.3', details: { name: host.name } });
  });
});

/** SHA256 of the key blob, base64 without padding: what `ssh-keygen -lf` prints, computed here on its own. */
function keygenFingerprint(publicKeyLine: string): string {
  const [, base64] = publicKeyLine.split(' ');
  return `SHA256:${createHash('sha256').update(Buffer.from(base64!, 'base64')).digest('base64').replace(/=+$/, '')}`;
}

function parsed(text: string): ParsedKey {
  const key = ssh2.utils.parseKey(text);
  if (key instanceof Error) throw key;
  return Array.isArray(key) ? key[0]! : key;
}

describe("an organization's SSH key pair", () => {
  it('is made on the first request as an ed25519 key, and the same one is shown after', async () => {
    const org = await makeOrganization('ssh-key');
    const first = await organizationSshPublicKey(db(), org.members.viewer, org.id, { ip: '192.0.2.9' });
    expect(Object.keys(first).sort()).toEqual(['fingerprint', 'publicKey']);
    expect(first.publicKey).toMatch(new RegExp(`^ssh-ed25519 AAAA[A-Za-z0-9+/]+=* ocs-portal:${org.id}$`));
    const key = parsed(first.publicKey);
    expect(key.type).toBe('ssh-ed25519');
    expect(key.comment).toBe(`ocs-portal:${org.id}`);
    expect(first.fingerprint).toBe(keygenFingerprint(first.publicKey));
    expect(first.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    expect(await organizationSshPublicKey(db(), org.members.owner, org.id)).toEqual(first);

    const created = await db().select().from(auditEvents).where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'sshKey.create')));
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ actorUserId: org.members.viewer.userId, ipAddress: '192.0.2.9', details: { fingerprint: first.fingerprint } });
    expect((await failure(organizationSshPublicKey(db(), b.members.owner, org.id))).code).toBe('NOT_FOUND');
  });

  it('is made once when first requested many times at once', async () => {
    const org = await makeOrganization('ssh-key-race');
    const shown = await Promise.all(Array.from({ length: 8 }, () => organizationSshPublicKey(db(), org.members.owner, org.id)));
    expect(new Set(shown.map((k) => k.publicKey)).size).toBe(1);
    expect(await db().select().from(organizationSshKeys).where(eq(organizationSshKeys.organizationId, org.id))).toHaveLength(1);
    expect(await db().select().from(auditEvents).where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'sshKey.create')))).toHaveLength(1);
  });

  it('keeps the private key sealed, and opens it for the organization only', async () => {
    const org = await makeOrganization('ssh-key-sealed');
    const other = await makeOrganization('ssh-key-other');
    expect((await failure(openOrganizationPrivateKey(db(), org.id))).code).toBe('CONFLICT');
    const { publicKey } = await organizationSshPublicKey(db(), org.members.admin, org.id);
    const [row] = await db().select().from(organizationSshKeys).where(eq(organizationSshKeys.organizationId, org.id));
    expect(row!.privateKey).toMatch(/^v1\./);
    expect(row!.privateKey).not.toContain('PRIVATE KEY');
    expect(row!.publicKey).toBe(publicKey);

    const privateKey = await openOrganizationPrivateKey(db(), org.id);
    expect(privateKey).toContain('BEGIN OPENSSH PRIVATE KEY');
    const opened = parsed(privateKey);
    const shown = parsed(publicKey);
    expect(opened.type).toBe('ssh-ed25519');
    expect(opened.isPrivateKey()).toBe(true);
    expect(opened.getPublicSSH().equals(shown.getPublicSSH())).toBe(true);
    // The pair really is a pair: what the private key signs, the public key verifies.
    const data = Buffer.from(`challenge for ${org.id}`);
    expect(shown.verify(data, opened.sign(data) as Buffer)).toBe(true);

    // An envelope copied onto another organization does not open there.
    await organizationSshPublicKey(db(), other.members.owner, other.id);
    expect(() => openSshPrivateKey(other.id, row!.privateKey)).toThrow(SecretDecryptError);
    const keys = await db().select().from(organizationSshKeys).where(inArray(organizationSshKeys.organizationId, [org.id, other.id]));
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(2);
  });

  it('is replaced, once and audited, when the one held is a key nothing reads (ssh2 once wrote such keys)', async () => {
    const org = await makeOrganization('ssh-key-unreadable');
    await organizationSshPublicKey(db(), org.members.owner, org.id);
    // The same key with its 32-byte point cut to 31 bytes, as ssh2's generator wrote about 1 in 280.
    const [held] = await db().select().from(organizationSshKeys).where(eq(organizationSshKeys.organizationId, org.id));
    const blob = Buffer.from(held!.publicKey.split(' ')[1]!, 'base64');
    const cut = Buffer.concat([blob.subarray(0, blob.length - 36), Buffer.from([0, 0, 0, 31]), blob.subarray(blob.length - 31)]);
    const unreadable = `ssh-ed25519 ${cut.toString('base64')} ocs-portal:${org.id}`;
    expect(ssh2.utils.parseKey(unreadable)).toBeInstanceOf(Error);
    await db().update(organizationSshKeys).set({ publicKey: unreadable }).where(eq(organizationSshKeys.organizationId, org.id));

    const shown = await Promise.all(Array.from({ length: 4 }, () => organizationSshPublicKey(db(), org.members.viewer, org.id)));
    expect(new Set(shown.map((k) => k.publicKey)).size).toBe(1);
    const key = parsed(shown[0]!.publicKey);
    expect(key.type).toBe('ssh-ed25519');
    expect(parsed(await openOrganizationPrivateKey(db(), org.id)).getPublicSSH().equals(key.getPublicSSH())).toBe(true);
    const created = await db().select().from(auditEvents).where(and(eq(auditEvents.organizationId, org.id), eq(auditEvents.action, 'sshKey.create'))).orderBy(auditEvents.id);
    expect(created.map((e) => e.details)).toEqual([{ fingerprint: keygenFingerprint(held!.publicKey) }, { fingerprint: shown[0]!.fingerprint, replacedUnreadable: keygenFingerprint(unreadable) }]);
  });
});
