import { notFound } from 'next/navigation';
import { LeaksTable } from '@/components/leaks/leaks-table';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';

export const dynamic = 'force-dynamic';

/** NII staff: what the leak sweeper found in every organization's cloud accounts. */
export default async function StaffLeaksPage() {
  const { actor } = await pageContext();
  if (!actor?.isStaff) notFound();
  const locale = await currentLocale();
  return (
    <>
      <h1 className="text-2xl font-bold">{translate(locale, 'leaks.title')}</h1>
      <p className="mt-1 mb-2 text-slate-600">{translate(locale, 'leaks.staffLead')}</p>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'leaks.lead')}</p>
      <LeaksTable organizationId={null} manage={false} />
    </>
  );
}
