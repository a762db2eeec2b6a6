import { redirect } from 'next/navigation';
import { TokensManager } from '@/components/organization/tokens-manager';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listOrganizations } from '@/lib/organizations/list-organizations';

export default async function TokensPage() {
  const { actor, db } = await pageContext();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  // The issue form lists the members, so both rights are needed (owners and admins have both).
  const organizations = (await listOrganizations(db, actor)).filter((o) => o.permissions.includes('manageTokens') && o.permissions.includes('manageMembers'));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{translate(locale, 'nav.tokens')}</h1>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'tokens.lead')}</p>
      {organizations.length ? (
        <TokensManager organizations={organizations.map(({ id, name, role }) => ({ id, name, role }))} me={actor.userId} />
      ) : (
        <p className="text-slate-600">{translate(locale, 'org.noPermission')}</p>
      )}
    </>
  );
}
