import { redirect } from 'next/navigation';
import { HostsManager } from '@/components/hosts/hosts-manager';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listOrganizations } from '@/lib/organizations/list-organizations';

export default async function HostsPage() {
  const { actor, db } = await pageContext();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  // Every member may see the servers and the key; admins and owners also get the forms.
  const organizations = (await listOrganizations(db, actor)).filter((o) => o.permissions.includes('read'));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{translate(locale, 'nav.hosts')}</h1>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'hosts.lead')}</p>
      {organizations.length ? (
        <HostsManager organizations={organizations.map(({ id, name, permissions }) => ({ id, name, manage: permissions.includes('manageHosts') }))} />
      ) : (
        <p className="text-slate-600">{translate(locale, 'org.noPermission')}</p>
      )}
    </>
  );
}
