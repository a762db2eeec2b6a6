import { redirect } from 'next/navigation';
import { AccountsManager } from '@/components/accounts/accounts-manager';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listOrganizations } from '@/lib/organizations/list-organizations';
import { accountForms } from '@/lib/providers/account-fields';
import { providerCatalog } from '@/lib/providers/catalog';

export default async function AccountsPage() {
  const { actor, db } = await pageContext();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  // Every member may see the accounts (never their credentials); admins and owners also get the forms.
  const organizations = (await listOrganizations(db, actor)).filter((o) => o.permissions.includes('read'));
  const providers = providerCatalog().map(({ id, label, available }) => ({ id, label, available }));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{translate(locale, 'nav.accounts')}</h1>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'accounts.lead')}</p>
      {organizations.length ? (
        <AccountsManager organizations={organizations.map(({ id, name, permissions }) => ({ id, name, manage: permissions.includes('manageAccounts') }))} forms={accountForms()} providers={providers} />
      ) : (
        <p className="text-slate-600">{translate(locale, 'org.noPermission')}</p>
      )}
    </>
  );
}
