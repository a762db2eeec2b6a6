// Members logging in to a node on the lab's own servers over SSH, end to end: a network-namespace
// server with sshd and a container engine, web-hello built on it, members' keys registered in
// their profiles; the node's agent installs the keys of the members who may log in into the
// authorized_keys its server's sshd reads, and reports the account and the host keys. Subnet
// 10.203.26.0/24 of this test's own.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NodeLogin } from '@/agent/protocol';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { nodes, type Node } from '@/lib/db/schema';
import { checkHost } from '@/lib/hosts/check-host';
import { registerHost, removeHost } from '@/lib/hosts/manage-hosts';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { blobFingerprint } from '@/lib/hosts/ssh-session';
import { closeQueue } from '@/lib/jobs/queue';
import { addMember, changeMemberRole, removeMember } from '@/lib/organizations/members';
import { addSshKey, deleteSshKey, listSshKeys } from '@/lib/ssh-keys/user-keys';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { organizationWithMember, uniqueName, until } from '@/test/fixtures';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '@/test/hosts';

let network: HostNetwork;
let portal: AgentPortal;
let owner: Actor;
let organizationId: string;
let server: NamespaceHost;
let hostId: string | undefined;
let unitGroupId: string | undefined;
let node: Node;
/** A member whose role may build (so log in), and one who may only read. */
let member: Actor;
let viewer: Actor;
const memberKey = newSshKeyPair('');
const viewerKey = newSshKeyPair('');
const ownerKey = newSshKeyPair('owner@laptop');
const previousPortalUrl = process.env.OCS_AGENT_PORTAL_URL;

/** The authorized_keys the server's sshd reads (test/hosts), where the portal's own key is too. */
const authorizedKeys = () => readFile(path.join(server.dir, 'authorized_keys'), 'utf8');

async function join(role: 'user' | 'viewer'): Promise<Actor> {
  const { userId } = await addMember(db(), owner, organizationId, { email: `${uniqueName(`ssh-${role}`)}@demo-univ.ac.jp`, role });
  return (await loadActor(db(), userId))!;
}

/** The login the node's agent reported, once `ready` says it is the one awaited. */
function reportedLogin(what: string, ready: (login: NodeLogin) => boolean): Promise<NodeLogin> {
  return until(what, async () => {
    const [row] = await db().select({ login: nodes.login }).from(nodes).where(eq(nodes.id, node.id));
    return row?.login && ready(row.login) ? row.login : null;
  });
}

type Attempt = { ok: true; output: string; hostKey: string } | { ok: false; error: string };

/** Logs in to the node as its login user with `privateKey` and runs `echo hello`. */
function logIn(user: string, privateKey: string): Promise<Attempt> {
  return new Promise((resolve) => {
    const client = new ssh2.Client();
    let hostKey = '';
    const done = (attempt: Attempt) => {
      client.end();
      resolve(attempt);
    };
    client
      .on('ready', () =>
        client.exec('echo hello', (err, stream) => {
          if (err) return done({ ok: false, error: err.message });
          let output = '';
          stream.on('data', (d: Buffer) => (output += d.toString()));
          stream.on('close', () => done({ ok: true, output, hostKey }));
        }),
      )
      .on('error', (err) => done({ ok: false, error: err.message }))
      .connect({
        host: node.ipAddress!,
        port: 22,
        username: user,
        privateKey,
        readyTimeout: 15_000,
        hostVerifier: (key: Buffer) => {
          hostKey = blobFingerprint(key);
          return true;
        },
      });
  });
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsssh', subnet: '10.203.26' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  ({ organizationId, actor: owner } = await organizationWithMember());
  const { publicKey } = await organizationSshPublicKey(db(), owner, organizationId);
  server = await network.addHost({ authorizedKeys: [publicKey] });
  await server.startContainerEngine();
  ({ id: hostId } = await registerHost(db(), owner, organizationId, { name: 'lab1', address: server.ip, sshUser: server.user, capacity: 1, agentDir: `${server.dir}/ocs` }));
  expect((await checkHost(db(), owner, hostId)).check.ok).toBe(true);
  member = await join('user');
  viewer = await join('viewer');
  const submitted = await submitBuild(db(), owner, { templateSlug: 'web-hello', unitGroupName: uniqueName('ssh'), provider: 'onpremises', organizationId, parameters: { nodes: 1 } });
  unitGroupId = submitted.unitGroupId;
  await runBuild(db(), submitted.buildId);
  [node] = (await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)))) as [Node];
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  if (hostId) await removeHost(db(), owner, hostId).catch(() => {});
  process.env.OCS_AGENT_PORTAL_URL = previousPortalUrl;
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('SSH logins to an onpremises node', { timeout: 120_000 }, () => {
  it('installs the keys of members who may log in, beside the server\'s own lines, and reports the account and host key', async () => {
    await addSshKey(db(), member, { name: 'laptop', publicKey: memberKey.public });
    await addSshKey(db(), viewer, { name: 'viewer', publicKey: viewerKey.public });
    const login = await reportedLogin('the member\'s key on the node, and its host keys', (l) => l.keysInstalled === 1 && l.hostKeys.length > 0);
    expect(login).toEqual({ user: server.user, hostKeys: [{ type: 'ssh-ed25519', fingerprint: server.hostKeyFingerprint }], keysInstalled: 1 });
    const text = await authorizedKeys();
    const [portalLine] = text.split('\n');
    expect(portalLine).toMatch(new RegExp(`^ssh-ed25519 \\S+ ocs-portal:${organizationId}$`));
    expect(text).toContain(`# ocs-portal ${node.name} begin\n${memberKey.public.split(' ').slice(0, 2).join(' ')} ocs:${member.email}\n# ocs-portal ${node.name} end\n`);
    expect(text).not.toContain(viewer.email);
  });

  it('lets the registered key in, and the host presents the key the node page shows', async () => {
    const login = await reportedLogin('the login', () => true);
    const attempt = await logIn(login.user, memberKey.private);
    expect(attempt).toEqual({ ok: true, output: 'hello\n', hostKey: login.hostKeys[0]!.fingerprint });
  });

  it('refuses another key: a stranger\'s, and a viewer\'s until their role may build', async () => {
    const login = await reportedLogin('the login', () => true);
    const stranger = newSshKeyPair('');
    expect(await logIn(login.user, stranger.private)).toEqual({ ok: false, error: 'All configured authentication methods failed' });
    expect(await logIn(login.user, viewerKey.private)).toEqual({ ok: false, error: 'All configured authentication methods failed' });
    await changeMemberRole(db(), owner, organizationId, viewer.userId, { role: 'user' });
    await reportedLogin('the former viewer\'s key on the node', (l) => l.keysInstalled === 2);
    expect(await logIn(login.user, viewerKey.private)).toMatchObject({ ok: true, output: 'hello\n' });
  });

  it('removes a member\'s key when they leave the organization, and a key its owner deletes', async () => {
    await removeMember(db(), owner, organizationId, member.userId);
    const login = await reportedLogin('the leaver\'s key gone from the node', (l) => l.keysInstalled === 1);
    expect(await logIn(login.user, memberKey.private)).toEqual({ ok: false, error: 'All configured authentication methods failed' });
    expect(await authorizedKeys()).not.toContain(member.email);
    const [key] = (await listSshKeys(db(), viewer)).keys;
    await deleteSshKey(db(), viewer, key!.id);
    await reportedLogin('the deleted key gone from the node', (l) => l.keysInstalled === 0);
    expect(await logIn(login.user, viewerKey.private)).toEqual({ ok: false, error: 'All configured authentication methods failed' });
    // No keys, no block.
    expect(await authorizedKeys()).not.toContain('# ocs-portal');
  });

  it('takes the node\'s block out when the unit group is deleted, leaving the server\'s own lines', async () => {
    // Named after the key's comment.
    expect(await addSshKey(db(), owner, { publicKey: ownerKey.public })).toMatchObject({ name: 'owner@laptop' });
    await reportedLogin('the owner\'s key on the node', (l) => l.keysInstalled === 1);
    expect(await authorizedKeys()).toContain(`ocs:${owner.email}`);
    await deleteUnitGroup(db(), unitGroupId!);
    unitGroupId = undefined;
    const text = await authorizedKeys();
    expect(text).not.toContain('# ocs-portal');
    expect(text.trim().split('\n')).toEqual([expect.stringMatching(new RegExp(`ocs-portal:${organizationId}$`))]);
    expect((await logIn(server.user, ownerKey.private)).ok).toBe(false);
  });
});
