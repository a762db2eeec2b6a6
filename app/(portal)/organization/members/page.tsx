import { redirect } from 'next/navigation';
import { ExpiryPolicyForm } from '@/components/organization/expiry-policy-form';
import { MembersManager } from '@/components/organization/members-manager';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listOrganizations } from '@/lib/organizations/list-organizations';

export default async function MembersPage() {
  const { actor, db } = await pageContext();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  const organizations = (await listOrganizations(db, actor)).filter((o) => o.permissions.includes('manageMembers'));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{translate(locale, 'nav.members')}</h1>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'members.lead')}</p>
      {organizations.length ? (
        <>
          <MembersManager organizations={organizations.map(({ id, name, role }) => ({ id, name, role }))} me={actor.userId} />
          <h2 className="mt-8 text-lg font-semibold">{translate(locale, 'expiryPolicy.title')}</h2>
          <p className="text-sm text-slate-600">{translate(locale, 'expiryPolicy.lead')}</p>
          {organizations.map((o) => (
            <ExpiryPolicyForm key={o.id} organization={{ id: o.id, name: o.name, extensionAutoApproveDays: o.extensionAutoApproveDays, expiryGraceDays: o.expiryGraceDays, owner: o.role === 'owner' }} />
          ))}
        </>
      ) : (
        <p className="text-slate-600">{translate(locale, 'org.noPermission')}</p>
      )}
    </>
  );
}
