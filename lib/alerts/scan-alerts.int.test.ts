// Alerts by mail, through a real SMTP server of the test's own (lib/mail/catcher): a node in
// HOST_ERROR is told of once to the organization's owner and admins (not its users), with the
// reason and a link; again only after it recovered and failed anew; a failed build is told of too.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { builds, memberships, nodes, unitGroups, users, type MemberRole } from '@/lib/db/schema';
import { readCapturedMail, startMailCatcher, type MailCatcher } from '@/lib/mail/catcher';
import { freePort } from '@/scripts/services/free-port';
import { nodeRecords, organizationWithMember, setEnv, uniqueName } from '@/test/fixtures';
import { scanAlerts } from './scan-alerts';

let catcher: MailCatcher;
let mailDir: string;
let restoreEnv: () => void;

beforeAll(async () => {
  mailDir = await mkdtemp(path.join(os.tmpdir(), 'ocs-alerts-mail-'));
  catcher = await startMailCatcher({ port: await freePort(), dir: mailDir });
  restoreEnv = setEnv({ SMTP_URL: catcher.url, NEXTAUTH_URL: 'https://ocs.example.ac.jp' });
});

afterAll(async () => {
  restoreEnv();
  await catcher.close();
  await rm(mailDir, { recursive: true, force: true });
  await closeDb();
});

/** A member of the organization with this role; their address. */
async function member(organizationId: string, role: MemberRole): Promise<string> {
  const [user] = await db().insert(users).values({ email: `${uniqueName(role)}@demo-univ.ac.jp`, name: role }).returning();
  await db().insert(memberships).values({ organizationId, userId: user!.id, role });
  return user!.email;
}

/** The mail captured so far whose subject names `text`. */
const mailAbout = async (text: string) => (await readCapturedMail(mailDir)).filter((m) => m.subject.includes(text));

describe('alerts', () => {
  it('tells the owner and admins of a node in HOST_ERROR once, and again only after it recovered and failed anew', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const admin = await member(owner.organizationId, 'admin');
    const user = await member(owner.organizationId, 'user');
    const [node] = await nodeRecords(1, { organization: owner });
    const [group] = await db().select().from(unitGroups).where(eq(unitGroups.id, node!.unitGroupId));
    await db().update(nodes).set({ state: 'HOST_ERROR', stateReason: 'its agent has not been heard from for 15 s' }).where(eq(nodes.id, node!.id));

    await scanAlerts(db());
    const subject = `Node web-1 of ${group!.name} is HOST_ERROR`;
    const [mail, ...more] = await mailAbout(subject);
    expect(more).toEqual([]);
    expect(mail!.to.sort()).toEqual([owner.actor.email, admin].sort());
    expect(mail!.to).not.toContain(user);
    expect(mail!.text).toContain('its agent has not been heard from for 15 s');
    expect(mail!.text).toContain(`https://ocs.example.ac.jp/unit-groups/${group!.id}`);

    await scanAlerts(db());
    expect(await mailAbout(subject)).toHaveLength(1);

    await db().update(nodes).set({ state: 'RUNNING', stateReason: null }).where(eq(nodes.id, node!.id));
    await scanAlerts(db());
    await db().update(nodes).set({ state: 'HOST_ERROR', stateReason: 'the provider reports the machine in error' }).where(eq(nodes.id, node!.id));
    await scanAlerts(db());
    const both = await mailAbout(subject);
    expect(both).toHaveLength(2);
    expect(both.some((m) => m.text.includes('the provider reports the machine in error'))).toBe(true);
  });

  it('tells of a build that failed, with its error and a link to its log', async () => {
    const owner = await organizationWithMember({ role: 'owner' });
    const [node] = await nodeRecords(1, { organization: owner });
    const [group] = await db().select().from(unitGroups).where(eq(unitGroups.id, node!.unitGroupId));
    const [build] = await db()
      .insert(builds)
      .values({ organizationId: owner.organizationId, templateVersionId: (await db().query.templateVersions.findFirst())!.id, createdBy: owner.actor.userId, unitGroupId: group!.id, parameters: {}, status: 'FAILED', error: 'step create-nodes failed: no server can take another node', finishedAt: new Date() })
      .returning();
    await scanAlerts(db());
    const [mail] = await mailAbout(`A build failed: ${group!.name}`);
    expect(mail!.to).toEqual([owner.actor.email]);
    expect(mail!.text).toContain('no server can take another node');
    expect(mail!.text).toContain(`https://ocs.example.ac.jp/builds/${build!.id}`);
  });
});
