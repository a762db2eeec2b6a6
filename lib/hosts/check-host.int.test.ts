import { and, desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents } from '@/lib/db/schema';
import { freePort } from '@/scripts/services/free-port';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { startTestSshServer, type TestSshServer } from '@/test/ssh-server';
import { checkHost } from './check-host';
import { registerHost, updateHost } from './manage-hosts';
import { organizationSshPublicKey } from './ssh-key';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';

// 接続テスト against a real sshd (on a loopback address of this test's own): the first contact
// pins the host key, a changed key refuses the server, a key the server does not know and a
// server that is down each say so.
const ADDRESS = '127.79.5.2';
let actor: Actor;
let organizationId: string;
let server: TestSshServer;
let stranger: TestSshServer;

beforeAll(async () => {
  ({ actor, organizationId } = await organizationWithMember({ role: 'admin' }));
  const { publicKey } = await organizationSshPublicKey(db(), actor, organizationId);
  server = await startTestSshServer({ address: ADDRESS, port: await freePort(ADDRESS), authorizedKeys: [publicKey] });
  // A server that has been given some other key, not the organization's.
  const other = newSshKeyPair('someone-else');
  stranger = await startTestSshServer({ address: ADDRESS, port: await freePort(ADDRESS), authorizedKeys: [other.public] });
});

afterAll(async () => {
  await server?.destroy();
  await stranger?.destroy();
  await closeDb();
});

async function register(target: TestSshServer) {
  return registerHost(db(), actor, organizationId, { name: uniqueName('server'), address: target.address, sshPort: target.port, sshUser: target.user, capacity: 2 });
}

describe('the connection test of a lab server', () => {
  it('signs in with the organization key, pins the host key on first contact, and refuses a changed key until an admin clears it', async () => {
    const host = await register(server);
    expect(host.hostKeyFingerprint).toBeNull();

    const first = await checkHost(db(), actor, host.id);
    expect(first.check).toMatchObject({ ok: true, reason: null, fingerprint: await server.hostKeyFingerprint(), containerEngine: null });
    expect(first.check.system).toMatch(/^Linux /);
    expect(first.host).toMatchObject({ state: 'active', hostKeyFingerprint: await server.hostKeyFingerprint() });
    expect(first.host.lastContactAt).not.toBeNull();
    const pinned = first.host.hostKeyFingerprint;

    await server.replaceHostKey();
    const changed = await checkHost(db(), actor, host.id);
    expect(changed.check.ok).toBe(false);
    expect(changed.check.reason).toContain('host key');
    expect(changed.check.reason).toContain(await server.hostKeyFingerprint());
    expect(changed.host).toMatchObject({ state: 'unreachable', hostKeyFingerprint: pinned, stateReason: changed.check.reason });
    const [audited] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'host.check'), eq(auditEvents.targetId, host.id))).orderBy(desc(auditEvents.id)).limit(1);
    expect(audited).toMatchObject({ outcome: 'failure' });

    // The admin checked the server and clears the pinned key: the next contact pins the new one.
    await updateHost(db(), actor, host.id, { hostKeyFingerprint: null });
    const again = await checkHost(db(), actor, host.id);
    expect(again.check.ok).toBe(true);
    expect(again.host).toMatchObject({ state: 'active', stateReason: null, hostKeyFingerprint: await server.hostKeyFingerprint() });
  });

  it("says when the server does not know the organization's key", async () => {
    const host = await register(stranger);
    const { check, host: after } = await checkHost(db(), actor, host.id);
    expect(check.ok).toBe(false);
    expect(check.reason).toContain("refused the portal's key");
    expect(check.reason).toContain('authorized_keys');
    expect(after.state).toBe('unreachable');
  });

  it('says when the server cannot be reached', async () => {
    const down = await startTestSshServer({ address: ADDRESS, port: await freePort(ADDRESS), authorizedKeys: [] });
    const host = await register(down);
    await down.destroy();
    const { check, host: after } = await checkHost(db(), actor, host.id);
    expect(check).toMatchObject({ ok: false, fingerprint: null });
    expect(check.reason).toContain('cannot be reached');
    expect(after.state).toBe('unreachable');
  });
});
