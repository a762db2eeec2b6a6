import { redirect } from 'next/navigation';
import { WebhooksManager } from '@/components/webhooks/webhooks-manager';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listOrganizations } from '@/lib/organizations/list-organizations';

export default async function WebhooksPage() {
  const { actor, db } = await pageContext();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  const organizations = (await listOrganizations(db, actor)).filter((o) => o.permissions.includes('manageTokens'));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{translate(locale, 'webhooks.title')}</h1>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'webhooks.lead')}</p>
      {organizations.length ? (
        <WebhooksManager organizations={organizations.map(({ id, name }) => ({ id, name }))} />
      ) : (
        <p className="text-slate-600">{translate(locale, 'org.noPermission')}</p>
      )}
    </>
  );
}
