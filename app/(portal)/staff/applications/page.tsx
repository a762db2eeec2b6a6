import { notFound } from 'next/navigation';
import { ApplicationTable } from '@/components/service-applications/application-table';
import { asJson, type ApplicationJson } from '@/components/service-applications/types';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listApplications } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

/** NII staff's review queue: every application, those awaiting review first. */
export default async function ReviewQueuePage() {
  const { actor, db } = await pageContext();
  if (!actor?.isStaff) notFound();
  const locale = await currentLocale();
  const applications = asJson<ApplicationJson[]>(await listApplications(db, actor));
  return (
    <>
      <h1 className="text-2xl font-bold">{translate(locale, 'review.title')}</h1>
      <p className="mt-1 mb-4 text-slate-600">{translate(locale, 'review.lead')}</p>
      {applications.length ? (
        <ApplicationTable applications={applications} hrefBase="/staff/applications" showApplicant />
      ) : (
        <p className="text-slate-600">{translate(locale, 'review.empty')}</p>
      )}
    </>
  );
}
