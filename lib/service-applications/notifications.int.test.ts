import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, serviceApplications, users } from '@/lib/db/schema';
import { readCapturedMail, startMailCatcher, type MailCatcher } from '@/lib/mail/catcher';
import { freePort } from '@/scripts/services/free-port';
import { seededLabAdmin, uniqueName } from '@/test/fixtures';
import { createApplication, submitApplication } from './applications';
import { addComment } from './comments';
import { decideApplication } from './decide';

let catcher: MailCatcher;
let mailDir: string;
let staff: Actor;
let savedSmtp: string | undefined;

beforeAll(async () => {
  await seededLabAdmin();
  mailDir = await mkdtemp(path.join(os.tmpdir(), 'ocs-mail-'));
  catcher = await startMailCatcher({ port: await freePort(), dir: mailDir });
  savedSmtp = process.env.SMTP_URL;
  process.env.SMTP_URL = catcher.url;
  // A second staff member, to see that every one of them hears of a submission.
  staff = await newUser(`reviewer-${tag()}@nii.ac.jp`, true);
});

afterAll(async () => {
  if (savedSmtp === undefined) delete process.env.SMTP_URL;
  else process.env.SMTP_URL = savedSmtp;
  await catcher.close();
  await rm(mailDir, { recursive: true, force: true });
  await closeDb();
});

const tag = () => randomBytes(4).toString('hex');

async function newUser(email: string, isStaff = false): Promise<Actor> {
  const [user] = await db().insert(users).values({ email, name: email.split('@')[0]!, isStaff }).returning();
  return (await loadActor(db(), user!.id))!;
}

async function mailAbout(organizationName: string) {
  return (await readCapturedMail(mailDir)).filter((m) => m.subject.includes(organizationName));
}

describe('e-mail notifications over SMTP', () => {
  it('tells staff and the applicant of a submission, each side of a comment, and the applicant of the decision', async () => {
    const applicant = await newUser(`a-${tag()}@demo-univ.ac.jp`);
    const contact = `office-${tag()}@cs.demo-univ.ac.jp`;
    const name = uniqueName('メール研究室');
    const app = await createApplication(db(), applicant, {
      organizationName: name,
      organizationKind: 'lab',
      applicantName: '田中 次郎',
      contactEmail: contact,
      purpose: '講義',
      expectedNodes: 4,
      wantedProviders: ['local'],
    });
    expect(await mailAbout(name)).toEqual([]);

    await submitApplication(db(), applicant, app.id);
    let mail = await mailAbout(name);
    expect(mail).toHaveLength(2);
    const toStaff = mail.find((m) => m.subject.startsWith('[OCS] 利用申請の審査依頼'))!;
    expect(toStaff.to).toEqual(expect.arrayContaining(['staff@nii.ac.jp', staff.email]));
    expect(toStaff.to).not.toContain(applicant.email);
    expect(toStaff.from).toBe('OCS Portal <noreply@ocs.example>');
    // Japanese first, then English.
    expect(toStaff.text.indexOf('審査をお願いします')).toBeLessThan(toStaff.text.indexOf('Please review it'));
    expect(toStaff.text).toContain(`/staff/applications/${app.id}`);
    const received = mail.find((m) => m.subject.startsWith('[OCS] 利用申請を受け付けました'))!;
    expect(received.to.sort()).toEqual([applicant.email, contact].sort());

    await addComment(db(), staff, app.id, { body: '学生数を教えてください' });
    await addComment(db(), applicant, app.id, { body: '40 名です' });
    mail = (await mailAbout(name)).filter((m) => m.subject.includes('コメント'));
    expect(mail).toHaveLength(2);
    expect(mail[0]!.to.sort()).toEqual([applicant.email, contact].sort());
    expect(mail[0]!.text).toContain('学生数を教えてください');
    expect(mail[1]!.to).toEqual(expect.arrayContaining(['staff@nii.ac.jp', staff.email]));
    expect(mail[1]!.to).not.toContain(applicant.email);
    expect(mail[1]!.text).toContain('40 名です');

    await decideApplication(db(), staff, app.id, { decision: 'approve', reason: '承認します', maxNodes: 6, maxNodesPerProvider: { local: 6 } });
    const approved = (await mailAbout(name)).filter((m) => m.subject.startsWith('[OCS] 利用申請が承認されました / Application approved'));
    expect(approved).toHaveLength(1);
    expect(approved[0]!.to.sort()).toEqual([applicant.email, contact].sort());
    expect(approved[0]!.text).toContain('理由: 承認します');
    expect(approved[0]!.text).toContain('最大ノード数 (local): 6');
    expect(await mailAbout(name)).toHaveLength(5);
  });

  it('still records the action when the mail server is down, with the error in the audit log', async () => {
    process.env.SMTP_URL = `smtp://127.0.0.1:${await freePort()}`;
    try {
      const applicant = await newUser(`a-${tag()}@demo-univ.ac.jp`);
      const app = await createApplication(db(), applicant, {
        organizationName: uniqueName('不達研究室'),
        organizationKind: 'department',
        applicantName: '伊藤 三郎',
        contactEmail: applicant.email,
        purpose: 'HPC',
        expectedNodes: 2,
        wantedProviders: ['mdx'],
      });
      const submitted = await submitApplication(db(), applicant, app.id);
      expect(submitted.state).toBe('submitted');
      expect((await db().query.serviceApplications.findFirst({ where: eq(serviceApplications.id, app.id) }))!.state).toBe('submitted');
      const [audit] = await db()
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.targetId, app.id), eq(auditEvents.action, 'application.submit')));
      expect(audit!.outcome).toBe('success');
      expect(String(audit!.details.mailError)).toMatch(/could not send/);
    } finally {
      process.env.SMTP_URL = catcher.url;
    }
  });
});
