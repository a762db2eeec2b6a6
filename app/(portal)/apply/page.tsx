import { notFound } from 'next/navigation';
import { ApplicationForm } from '@/components/service-applications/application-form';
import { ApplicationTable } from '@/components/service-applications/application-table';
import { DirectOrganizationForm } from '@/components/service-applications/direct-organization-form';
import { asJson, type ApplicationJson } from '@/components/service-applications/types';
import type { Actor } from '@/lib/auth/actor';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate, type MessageKey } from '@/lib/i18n/messages';
import { directCreationStatus } from '@/lib/service-applications/direct-organization';
import { edition } from '@/lib/service-applications/edition';
import { institutionScopeFor } from '@/lib/service-applications/institution-domain';
import { listApplications } from '@/lib/service-applications/queries';
import { providerChoices } from '@/lib/service-applications/validation';

export const dynamic = 'force-dynamic';

function MembershipsNote({ actor, t, more }: { actor: Actor; t: (k: MessageKey) => string; more?: string }) {
  if (!actor.memberships.length) return null;
  return (
    <div role="note" className="mt-4 rounded-lg border border-sky-200 bg-sky-50 p-4 text-sm" data-testid="memberships-note">
      <p>{t('apply.memberOf')}</p>
      <ul className="mt-1 list-disc pl-6">
        {actor.memberships.map((m) => (
          <li key={m.organizationId}>{m.organizationName}</li>
        ))}
      </ul>
      {more && <p className="mt-2">{more}</p>}
    </div>
  );
}

/** Service edition: my applications and a new one. Portable edition: create the institution's organization. */
export default async function ApplyPage() {
  const { actor, db } = await pageContext();
  if (!actor) notFound();
  const locale = await currentLocale();
  const t = (k: MessageKey) => translate(locale, k);

  if (edition() === 'portable') {
    const status = await directCreationStatus(db, actor);
    return (
      <>
        <h1 className="text-2xl font-bold">{t('portable.title')}</h1>
        <p className="mt-1 max-w-3xl text-slate-600">{t('portable.lead')}</p>
        <MembershipsNote actor={actor} t={t} />
        <div className="mt-6">
          {status.existing.length ? (
            <section role="status" className="rounded-lg border border-amber-200 bg-amber-50 p-4 text-sm">
              <p>{t('portable.exists')}</p>
              <ul className="mt-2 list-disc pl-6">
                {status.existing.map((o) => (
                  <li key={o.name}>
                    {o.name} — {o.admins.length ? o.admins.join(', ') : t('portable.noAdmins')}
                  </li>
                ))}
              </ul>
            </section>
          ) : (
            <DirectOrganizationForm domain={status.domain} />
          )}
        </div>
      </>
    );
  }

  const applications = asJson<ApplicationJson[]>(await listApplications(db, actor, { mine: true }));
  const { domain } = await institutionScopeFor(db, actor.email);
  return (
    <>
      <h1 className="text-2xl font-bold">{t('apply.title')}</h1>
      <p className="mt-1 max-w-3xl text-slate-600">{t('apply.lead')}</p>
      <MembershipsNote actor={actor} t={t} more={t('apply.anotherOk')} />
      <h2 className="mt-6 mb-2 text-lg font-semibold">{t('apply.mine')}</h2>
      {applications.length ? <ApplicationTable applications={applications} hrefBase="/apply" showApplicant={false} /> : <p className="text-slate-600">{t('apply.none')}</p>}
      <div className="mt-8">
        <ApplicationForm defaults={{ applicantName: actor.name, contactEmail: actor.email }} providers={providerChoices()} domain={domain} />
      </div>
    </>
  );
}
