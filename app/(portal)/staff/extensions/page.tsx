import { notFound } from 'next/navigation';
import { ExtensionQueue } from '@/components/expiry/extension-queue';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';

export const dynamic = 'force-dynamic';

/** NII staff: unit group extensions beyond their organization's policy, waiting for approval. */
export default async function StaffExtensionsPage() {
  const { actor } = await pageContext();
  if (!actor?.isStaff) notFound();
  const locale = await currentLocale();
  return (
    <>
      <h1 className="text-2xl font-bold">{translate(locale, 'expiryQueue.title')}</h1>
      <p className="mt-1 mb-4 text-slate-600">{translate(locale, 'expiryQueue.lead')}</p>
      <ExtensionQueue />
    </>
  );
}
