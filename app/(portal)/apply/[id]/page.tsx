import Link from 'next/link';
import { notFound } from 'next/navigation';
import { ApplicationView } from '@/components/service-applications/application-view';
import { asJson, type ApplicationDetailJson } from '@/components/service-applications/types';
import { AppError } from '@/lib/errors';
import { idOrNotFound } from '@/lib/http/ids';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { getApplication } from '@/lib/service-applications/queries';
import { providerChoices } from '@/lib/service-applications/validation';

export const dynamic = 'force-dynamic';

/** One of my applications: details (editable while allowed), submit, and the thread with NII. */
export default async function ApplicationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { actor, db } = await pageContext();
  if (!actor) notFound();
  const locale = await currentLocale();
  const detail = await getApplication(db, actor, idOrNotFound(id, 'application')).catch((e: unknown) => {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  return (
    <>
      <Link href="/apply" className="text-sm text-indigo-700 hover:underline">
        ← {translate(locale, 'apply.title')}
      </Link>
      <div className="mt-2">
        <ApplicationView initial={asJson<ApplicationDetailJson>(detail)} providers={providerChoices()} />
      </div>
    </>
  );
}
