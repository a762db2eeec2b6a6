import { redirect } from 'next/navigation';
import { MembersManager } from '@/components/organization/members-manager';
import { currentActor } from '@/lib/auth/session';
import { db } from '@/lib/db/client';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listOrganizations } from '@/lib/organizations/list-organizations';

export default async function MembersPage() {
  const actor = await currentActor();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  const organizations = (await listOrganizations(db(), actor)).filter((o) => o.permissions.includes('manageMembers'));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{translate(locale, 'nav.members')}</h1>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'members.lead')}</p>
      {organizations.length ? (
        <MembersManager organizations={organizations.map(({ id, name, role }) => ({ id, name, role }))} me={actor.userId} />
      ) : (
        <p className="text-slate-600">{translate(locale, 'org.noPermission')}</p>
      )}
    </>
  );
}
