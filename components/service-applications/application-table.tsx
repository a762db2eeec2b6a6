'use client';
import Link from 'next/link';
import type { MessageKey } from '@/lib/i18n/messages';
import { useLocale, useT } from '../i18n';
import { formatTime } from '../time';
import { ApplicationStateBadge } from './application-state-badge';
import type { ApplicationJson } from './types';

/** Applications with their states; each row opens the application under `hrefBase`. */
export function ApplicationTable({ applications, hrefBase, showApplicant }: { applications: ApplicationJson[]; hrefBase: string; showApplicant: boolean }) {
  const t = useT();
  const locale = useLocale();
  return (
    <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
      <thead className="bg-slate-100 text-left">
        <tr>
          <th className="p-2">{t('application.organizationName')}</th>
          <th className="p-2">{t('application.organizationKind')}</th>
          {showApplicant && <th className="p-2">{t('application.applicant')}</th>}
          <th className="p-2">{t('application.state')}</th>
          <th className="p-2">{t('application.submittedAt')}</th>
          <th className="p-2">{t('application.updatedAt')}</th>
        </tr>
      </thead>
      <tbody>
        {applications.map((a) => (
          <tr key={a.id} className="border-t border-slate-100" data-testid={`application-${a.id}`}>
            <td className="p-2">
              <Link href={`${hrefBase}/${a.id}`} className="text-indigo-700 hover:underline">
                {a.organizationName}
              </Link>
            </td>
            <td className="p-2">{t(`application.kind.${a.organizationKind}` as MessageKey)}</td>
            {showApplicant && (
              <td className="p-2">
                {a.applicantName} <span className="text-xs text-slate-500">{a.applicantEmail}</span>
              </td>
            )}
            <td className="p-2">
              <ApplicationStateBadge state={a.state} />
            </td>
            <td className="p-2">{formatTime(a.submittedAt, locale)}</td>
            <td className="p-2">{formatTime(a.updatedAt, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
