// What expiry tells people, Japanese first and English second: the alerts the organization's
// owners and admins are mailed (lib/alerts sends them) and the mails about extension requests.
import { eq } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { users, type ExpiryExtension } from '@/lib/db/schema';
import { publicPortalUrl } from '@/lib/env';
import { sendMail } from '@/lib/mail/send';
import { DAY_MS } from './fields';

/** The OCS service is Japanese: dates are told in Japan's time. */
const JST = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Tokyo', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });

export const formatJst = (d: Date) => `${JST.format(d)} JST`;

export const unitGroupLink = (unitGroupId: string) => `${publicPortalUrl()}/unit-groups/${unitGroupId}`;

export type ExpiryAlertState = 'remind7' | 'remind1' | 'expired' | 'deleted';

/**
 * The subject and reason of an expiry alert. A reminder counts the days left as of `now` (a date
 * set 3 days ahead is told as 3 days away, not 7).
 */
export function expiryAlertText(state: ExpiryAlertState, name: string, { expiresAt, deletesAt, graceDays, now }: { expiresAt: Date; deletesAt: Date; graceDays: number; now: Date }): { subject: string; reason: string } {
  const end = formatJst(expiresAt);
  const deletes = formatJst(deletesAt);
  switch (state) {
    case 'remind7':
    case 'remind1': {
      const days = Math.max(1, Math.ceil((expiresAt.getTime() - now.getTime()) / DAY_MS));
      return {
        subject: `利用期限まであと ${days} 日: ${name} / ${name} ends in ${days} day${days > 1 ? 's' : ''}`,
        reason: `${name} の利用期限は ${end} です。その時刻にノードの電源を切り、${graceDays} 日後に削除します。続けて使うにはポータルで延長を申請してください。 / ${name} ends at ${end}: its nodes will then be powered off, and it will be deleted ${graceDays} day(s) later. To keep it, ask for an extension in the portal.`,
      };
    }
    case 'expired':
      return {
        subject: `利用期限を過ぎました: ${name} / ${name} has passed its end date`,
        reason: `${name} は利用期限 (${end}) を過ぎたため、ノードの電源を切りました。${deletes} に削除します。延長が認められれば削除されません。 / ${name} passed its end date (${end}), so its nodes were powered off. It will be deleted at ${deletes} unless its end date is extended.`,
      };
    case 'deleted':
      return {
        subject: `利用期限切れのため削除しました: ${name} / ${name} was deleted after its end date`,
        reason: `${name} は利用期限 (${end}) から ${graceDays} 日の猶予期間が過ぎたため削除しました。 / ${name} was deleted: the grace period of ${graceDays} day(s) after its end date (${end}) is over.`,
      };
  }
}

function bilingual(ja: string[], en: string[]): string {
  return [...ja, '', '----', '', ...en, '', '-- ', 'OCS Portal'].join('\n');
}

/** Tells NII staff that an extension waits for them; returns why it could not be sent, if it could not. */
export async function mailStaffPending(db: Database, extension: ExpiryExtension, groupName: string, requester: string): Promise<string | undefined> {
  const staff = (await db.select({ email: users.email }).from(users).where(eq(users.isStaff, true))).map((u) => u.email);
  const queue = `${publicPortalUrl()}/staff/extensions`;
  const [from, until] = [formatJst(extension.fromExpiresAt), formatJst(extension.untilExpiresAt)];
  const result = await sendMail({
    to: staff,
    subject: `[OCS Portal] 利用期限の延長申請: ${groupName} / Extension to review: ${groupName}`,
    text: bilingual(
      [`${requester} さんから ${groupName} の利用期限の延長申請がありました。組織の方針で自動承認できる期間を超えています。`, `現在の期限: ${from}`, `希望する期限: ${until}`, `理由: ${extension.reason}`, '', `審査: ${queue}`],
      [`${requester} asks to extend ${groupName} beyond what its organization's policy approves at once.`, `Current end: ${from}`, `Asked for: ${until}`, `Reason: ${extension.reason}`, '', `Review: ${queue}`],
    ),
  });
  return result.ok ? undefined : result.error;
}

/** Tells whoever asked how NII staff decided. */
export async function mailDecision(extension: ExpiryExtension, groupName: string, to: string): Promise<string | undefined> {
  const approved = extension.state === 'approved';
  const until = formatJst(extension.untilExpiresAt);
  const note = extension.decisionNote ?? '—';
  const result = await sendMail({
    to,
    subject: approved
      ? `[OCS Portal] 延長申請が承認されました: ${groupName} / Extension approved: ${groupName}`
      : `[OCS Portal] 延長申請が却下されました: ${groupName} / Extension rejected: ${groupName}`,
    text: bilingual(
      [approved ? `${groupName} の利用期限を ${until} に延長しました。` : `${groupName} の利用期限を ${until} に延長する申請は却下されました。`, `コメント: ${note}`, '', unitGroupLink(extension.unitGroupId)],
      [approved ? `${groupName} now ends at ${until}.` : `The request to extend ${groupName} to ${until} was rejected.`, `Note: ${note}`, '', unitGroupLink(extension.unitGroupId)],
    ),
  });
  return result.ok ? undefined : result.error;
}
