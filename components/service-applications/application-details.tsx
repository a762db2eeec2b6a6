'use client';
import type { MessageKey } from '@/lib/i18n/messages';
import type { ProviderChoice } from '@/lib/service-applications/validation';
import { useLocale, useT } from '../i18n';
import { formatTime } from '../time';
import { ApplicationStateBadge } from './application-state-badge';
import type { ApplicationDetailJson } from './types';

const DECIDED = ['changes_requested', 'approved', 'rejected'];

/** Title, state, what it means, and the latest decision with its reason. */
export function ApplicationHeader({ application: a }: { application: ApplicationDetailJson }) {
  const t = useT();
  const locale = useLocale();
  return (
    <header>
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{a.organizationName}</h1>
        <ApplicationStateBadge state={a.state} />
      </div>
      <p className="mt-1 text-slate-600">{t(`application.note.${a.state}` as MessageKey)}</p>
      {DECIDED.includes(a.state) && a.decisionReason && (
        <section aria-label={t('application.decision')} className="mt-4 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
          <h2 className="font-semibold">{t('application.decision')}</h2>
          <p className="mt-1">
            <span className="text-slate-500">{t('application.decisionReason')}:</span> <span data-testid="decision-reason">{a.decisionReason}</span>
          </p>
          <p className="mt-1 text-xs text-slate-500">
            {t('application.decidedBy')}: {a.decidedByName ?? '—'} · {formatTime(a.decidedAt, locale)}
          </p>
        </section>
      )}
      {a.organization && (
        <section aria-label={t('application.organization')} className="mt-4 rounded-lg border border-emerald-200 bg-emerald-50 p-4 text-sm">
          <h2 className="font-semibold">{t('application.organization')}</h2>
          <p className="mt-1">{a.organization.name}</p>
          <p className="mt-1">
            {t('review.maxNodes')}: {a.organization.maxNodes}
            {Object.entries(a.organization.maxNodesPerProvider).map(([p, n]) => (
              <span key={p}>
                {' '}
                · {t('review.maxNodes')} ({p}): {n}
              </span>
            ))}
          </p>
        </section>
      )}
    </header>
  );
}

/** The application's fields, read-only. */
export function ApplicationDetails({ application: a, providers }: { application: ApplicationDetailJson; providers: ProviderChoice[] }) {
  const t = useT();
  const locale = useLocale();
  const providerName = (id: string) => providers.find((p) => p.id === id)?.label[locale] ?? id;
  const rows: [MessageKey, React.ReactNode][] = [
    ['application.organizationName', a.organizationName],
    ['application.organizationKind', t(`application.kind.${a.organizationKind}` as MessageKey)],
    ['application.department', a.department ?? '—'],
    ['application.institution', a.institution ? `${a.institution.nameJa} (${a.institution.domain})` : `${a.institutionDomain} ${t('application.institutionNew')}`],
    ['application.applicantName', `${a.applicantName} (${a.applicantEmail})`],
    ['application.contactEmail', a.contactEmail],
    ['application.purpose', a.purpose],
    ['application.expectedStudents', a.expectedStudents ?? '—'],
    ['application.expectedNodes', a.expectedNodes],
    ['application.wantedProviders', a.wantedProviders.map(providerName).join(', ')],
    ['application.networkNeeds', a.networkNeeds ?? '—'],
    ['application.submittedAt', formatTime(a.submittedAt, locale)],
  ];
  return (
    <section aria-label={t('application.details')} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold">{t('application.details')}</h2>
      <dl className="mt-3 grid grid-cols-[12rem_1fr] gap-x-4 gap-y-2 text-sm">
        {rows.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="text-slate-500">{t(k)}</dt>
            <dd className="whitespace-pre-wrap">{v}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
