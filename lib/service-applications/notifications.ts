import { eq } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { users, type Organization, type ServiceApplication } from '@/lib/db/schema';
import { publicPortalUrl } from '@/lib/env';
import { sendMail, type MailMessage } from '@/lib/mail/send';
import type { DecisionInput } from './validation';

// E-mails about applications, Japanese first and English second. Each function returns what
// could not be sent (for the audit record) instead of throwing: the action has happened already.

const KIND = { lab: ['研究室', 'lab'], department: ['部局', 'department'], institution: ['機関', 'institution'] } as const;

const portalUrl = publicPortalUrl;

async function staffAddresses(db: Database): Promise<string[]> {
  return (await db.select({ email: users.email }).from(users).where(eq(users.isStaff, true))).map((u) => u.email);
}

/** The applicant's own address and the contact address given in the application. */
function applicantAddresses(app: ServiceApplication, applicantEmail: string): string[] {
  return [...new Set([applicantEmail, app.contactEmail])];
}

async function send(messages: MailMessage[]): Promise<string | undefined> {
  const results = await Promise.all(messages.filter((m) => [m.to].flat().length).map(sendMail));
  const errors = results.flatMap((r) => (r.ok ? [] : [r.error]));
  return errors.length ? errors.join('; ') : undefined;
}

function bilingual(ja: string[], en: string[]): string {
  return [...ja, '', '----', '', ...en, '', '-- ', 'OCS Portal'].join('\n');
}

function summary(app: ServiceApplication, applicantEmail: string, lang: 0 | 1): string[] {
  const [name, kind, dept, applicant, contact, purpose, nodes, students, providers, network] =
    lang === 0
      ? ['組織名', '種別', '部局', '申請者', '連絡先', '利用目的', '想定ノード数', '想定学生数', '希望するプロバイダ', 'ネットワーク要件']
      : ['Organization', 'Kind', 'Department', 'Applicant', 'Contact', 'Purpose', 'Expected nodes', 'Expected students', 'Wanted providers', 'Network needs'];
  return [
    `${name}: ${app.organizationName}`,
    `${kind}: ${KIND[app.organizationKind][lang]}`,
    `${dept}: ${app.department ?? '—'}`,
    `${applicant}: ${app.applicantName} <${applicantEmail}>`,
    `${contact}: ${app.contactEmail}`,
    `${purpose}: ${app.purpose}`,
    `${nodes}: ${app.expectedNodes}`,
    `${students}: ${app.expectedStudents ?? '—'}`,
    `${providers}: ${app.wantedProviders.join(', ')}`,
    `${network}: ${app.networkNeeds ?? '—'}`,
  ];
}

/** To every NII staff member (please review) and to the applicant (received). */
export async function notifySubmitted(db: Database, app: ServiceApplication, applicantEmail: string): Promise<string | undefined> {
  const review = `${portalUrl()}/staff/applications/${app.id}`;
  const own = `${portalUrl()}/apply/${app.id}`;
  return send([
    {
      to: await staffAddresses(db),
      subject: `[OCS] 利用申請の審査依頼 / Application to review: ${app.organizationName}`,
      text: bilingual(
        [`${app.applicantName} さんから OCS の利用申請が提出されました。審査をお願いします。`, '', ...summary(app, applicantEmail, 0), '', `審査: ${review}`],
        [`${app.applicantName} submitted an application to use OCS. Please review it.`, '', ...summary(app, applicantEmail, 1), '', `Review: ${review}`],
      ),
    },
    {
      to: applicantAddresses(app, applicantEmail),
      subject: `[OCS] 利用申請を受け付けました / Application received: ${app.organizationName}`,
      text: bilingual(
        [`${app.applicantName} 様`, '', 'OCS の利用申請を受け付けました。NII の担当者が審査し、結果をメールでお知らせします。', '', ...summary(app, applicantEmail, 0), '', `申請の状況: ${own}`],
        [`Dear ${app.applicantName},`, '', 'We have received your application to use OCS. NII staff will review it and tell you the result by e-mail.', '', ...summary(app, applicantEmail, 1), '', `Your application: ${own}`],
      ),
    },
  ]);
}

/** To the applicant: the decision, its reason, and on approval the organization and its quotas. */
export async function notifyDecision(
  app: ServiceApplication,
  applicantEmail: string,
  decision: DecisionInput['decision'],
  reason: string,
  organization?: Pick<Organization, 'name' | 'maxNodes' | 'maxNodesPerProvider'>,
): Promise<string | undefined> {
  const own = `${portalUrl()}/apply/${app.id}`;
  const quota = (lang: 0 | 1) =>
    organization
      ? [
          `${lang === 0 ? '最大ノード数' : 'Maximum nodes'}: ${organization.maxNodes}`,
          ...Object.entries(organization.maxNodesPerProvider).map(([p, n]) => `${lang === 0 ? '最大ノード数' : 'Maximum nodes'} (${p}): ${n}`),
        ]
      : [];
  const texts = {
    approve: {
      subject: `[OCS] 利用申請が承認されました / Application approved: ${app.organizationName}`,
      ja: [`利用申請が承認され、組織「${app.organizationName}」が利用できるようになりました。あなたはこの組織の責任者 (owner) です。`, ...quota(0), `ポータル: ${portalUrl()}/catalog`],
      en: [`Your application was approved: the organization "${app.organizationName}" is ready, with you as its owner.`, ...quota(1), `Portal: ${portalUrl()}/catalog`],
    },
    reject: {
      subject: `[OCS] 利用申請が却下されました / Application rejected: ${app.organizationName}`,
      ja: ['申し訳ありませんが、利用申請は却下されました。', `申請: ${own}`],
      en: ['We are sorry: your application was rejected.', `Application: ${own}`],
    },
    request_changes: {
      subject: `[OCS] 利用申請の修正依頼 / Changes requested: ${app.organizationName}`,
      ja: ['利用申請について修正をお願いします。申請を編集し、もう一度申請してください。', `申請: ${own}`],
      en: ['Please change your application, then submit it again.', `Application: ${own}`],
    },
  }[decision];
  return send([
    {
      to: applicantAddresses(app, applicantEmail),
      subject: texts.subject,
      text: bilingual([`${app.applicantName} 様`, '', ...texts.ja, '', `理由: ${reason}`], [`Dear ${app.applicantName},`, '', ...texts.en, '', `Reason: ${reason}`]),
    },
  ]);
}

/** To the other side of the thread: staff's comments go to the applicant, the applicant's to staff. */
export async function notifyComment(db: Database, app: ServiceApplication, applicantEmail: string, author: { name: string; isStaff: boolean }, body: string): Promise<string | undefined> {
  const to = author.isStaff ? applicantAddresses(app, applicantEmail) : (await staffAddresses(db)).filter((a) => a !== applicantEmail);
  const link = `${portalUrl()}${author.isStaff ? '/apply' : '/staff/applications'}/${app.id}`;
  return send([
    {
      to,
      subject: `[OCS] 利用申請へのコメント / New comment on application: ${app.organizationName}`,
      text: bilingual([`${author.name} さんがコメントしました:`, '', body, '', `返信: ${link}`], [`${author.name} commented:`, '', body, '', `Reply: ${link}`]),
    },
  ]);
}
