// Members' SSH keys in their profiles, and what the nodes' desired states make of them: keys of
// members who may build go to the organization's nodes (not to those on the portal's machine),
// and every change of that set bumps the nodes' desired versions.
import { and, desc, eq } from 'drizzle-orm';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desiredStateOf } from '@/lib/agent-channel/desired-state';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, nodes, type Node } from '@/lib/db/schema';
import { addMember } from '@/lib/organizations/members';
import { authenticateToken } from '@/lib/tokens/authenticate';
import { issueToken } from '@/lib/tokens/issue-token';
import { failure, nodeRecords, organizationWithMember, uniqueName } from '@/test/fixtures';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';
import { addSshKey, deleteSshKey, listSshKeys } from './user-keys';

let owner: Actor;
let organizationId: string;
/** A node on the lab's servers (gets logins) and one on the portal's machine (never does). */
let onServer: Node;
let onPortal: Node;
const laptop = newSshKeyPair('me@laptop');
const bare = (line: string) => line.split(' ').slice(0, 2).join(' ');

async function version(node: Node): Promise<number> {
  const [row] = await db().select({ v: nodes.desiredVersion }).from(nodes).where(eq(nodes.id, node.id));
  return row!.v;
}

async function installed(node: Node): Promise<string[] | undefined> {
  return (await desiredStateOf(db(), node.id))?.login?.keys;
}

beforeAll(async () => {
  const organization = await organizationWithMember();
  ({ actor: owner, organizationId } = organization);
  [onServer] = (await nodeRecords(1, { provider: 'onpremises', organization })) as [Node];
  [onPortal] = (await nodeRecords(1, { provider: 'local', organization })) as [Node];
});

afterAll(async () => {
  await closeDb();
});

describe('SSH keys in the profile', () => {
  it('adds a key named after its comment, keeps it without the comment, audits it, and tells the nodes that get logins', async () => {
    const before = { server: await version(onServer), portal: await version(onPortal) };
    const key = await addSshKey(db(), owner, { publicKey: `  ${laptop.public}\n` }, { ip: '192.0.2.7' });
    expect(key).toMatchObject({ name: 'me@laptop', type: 'ssh-ed25519', publicKey: bare(laptop.public), fingerprint: expect.stringMatching(/^SHA256:[A-Za-z0-9+/]{43}$/) });
    expect((await listSshKeys(db(), owner)).keys).toEqual([key]);
    expect(await version(onServer)).toBe(before.server + 1);
    expect(await version(onPortal)).toBe(before.portal);
    expect(await installed(onServer)).toEqual([`${bare(laptop.public)} ocs:${owner.email}`]);
    expect(await installed(onPortal)).toBeUndefined();
    const [entry] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'userSshKey.add'), eq(auditEvents.targetId, key.id)));
    expect(entry).toMatchObject({ actorUserId: owner.userId, outcome: 'success', ipAddress: '192.0.2.7', details: { name: 'me@laptop', fingerprint: key.fingerprint } });
  });

  it('refuses, naming the field: the same key again, a private key, a key without a name to take, a weak RSA key', async () => {
    const fields = async (input: unknown) => {
      const error = await failure(addSshKey(db(), owner, input));
      expect(error.code).toBe('INVALID_INPUT');
      return error.details?.fields;
    };
    expect(await fields({ name: 'again', publicKey: laptop.public })).toEqual({ publicKey: 'is already registered, as "me@laptop"' });
    expect(await fields({ name: 'oops', publicKey: laptop.private })).toEqual({ publicKey: expect.stringMatching(/^is a private key/) });
    expect(await fields({ publicKey: newSshKeyPair('').public })).toEqual({ name: expect.stringMatching(/^is required/) });
    expect(await fields({ name: 'old', publicKey: ssh2.utils.generateKeyPairSync('rsa', { bits: 1024 }).public })).toEqual({ publicKey: expect.stringMatching(/^is an RSA key of 1024 bits/) });
    expect(await fields({ name: 'nothing' })).toEqual({ publicKey: 'is required' });
    expect((await listSshKeys(db(), owner)).keys).toHaveLength(1);
  });

  it('installs a viewer\'s keys nowhere, and those of someone who joins as a user at once', async () => {
    const viewer = await loadActor(db(), (await addMember(db(), owner, organizationId, { email: `${uniqueName('viewer')}@demo-univ.ac.jp`, role: 'viewer' })).userId);
    const before = await version(onServer);
    await addSshKey(db(), viewer!, { name: 'viewer', publicKey: newSshKeyPair('').public });
    expect(await version(onServer)).toBe(before);
    expect(await installed(onServer)).toHaveLength(1);

    const elsewhere = await organizationWithMember();
    const theirs = await addSshKey(db(), elsewhere.actor, { name: 'desk', publicKey: newSshKeyPair('').public });
    await addMember(db(), owner, organizationId, { email: elsewhere.actor.email, role: 'user' });
    expect(await version(onServer)).toBe(before + 1);
    expect(await installed(onServer)).toContain(`${theirs.publicKey} ocs:${elsewhere.actor.email}`);
  });

  it('lets API tokens read their member\'s keys but change none (a key reaches beyond a token\'s organization), and shows nobody another\'s key', async () => {
    for (const role of ['readonly', 'fullaccess'] as const) {
      const { secret } = await issueToken(db(), owner, organizationId, { userId: owner.userId, note: 'ssh keys', role });
      const token = await authenticateToken(db(), secret);
      const [key] = (await listSshKeys(db(), token)).keys;
      expect(key).toMatchObject({ name: 'me@laptop' });
      expect((await failure(addSshKey(db(), token, { publicKey: newSshKeyPair('x').public }))).code).toBe('FORBIDDEN');
      expect((await failure(deleteSshKey(db(), token, key!.id))).code).toBe('FORBIDDEN');
    }
    const [key] = (await listSshKeys(db(), owner)).keys;
    const stranger = (await organizationWithMember()).actor;
    expect((await failure(deleteSshKey(db(), stranger, key!.id))).code).toBe('NOT_FOUND');
    expect((await listSshKeys(db(), stranger)).keys).toEqual([]);
  });

  it('takes a deleted key off the nodes, audited', async () => {
    const [key] = (await listSshKeys(db(), owner)).keys;
    const before = await version(onServer);
    await deleteSshKey(db(), owner, key!.id);
    expect((await listSshKeys(db(), owner)).keys).toEqual([]);
    expect(await version(onServer)).toBe(before + 1);
    expect(await installed(onServer)).not.toContain(`${key!.publicKey} ocs:${owner.email}`);
    const [entry] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'userSshKey.delete')).orderBy(desc(auditEvents.id)).limit(1);
    expect(entry).toMatchObject({ actorUserId: owner.userId, targetId: key!.id, outcome: 'success', details: { fingerprint: key!.fingerprint } });
  });
});
