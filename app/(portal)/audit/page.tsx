import { redirect } from 'next/navigation';
import { AuditLog } from '@/components/audit/audit-log';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { listOrganizations } from '@/lib/organizations/list-organizations';

export default async function AuditPage() {
  const { actor, db } = await pageContext();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  const organizations = (await listOrganizations(db, actor)).filter((o) => o.permissions.includes('readAudit'));
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{translate(locale, 'nav.audit')}</h1>
      <p className="mb-4 text-sm text-slate-600">{translate(locale, 'audit.lead')}</p>
      {organizations.length ? (
        <AuditLog
          organizations={organizations.map(({ id, name }) => ({ id, name }))}
          // Staff start with everything; an owner with the first of their organizations.
          allowAll={actor.isStaff || organizations.length > 1}
          initialOrganizationId={actor.isStaff ? '' : organizations[0]!.id}
        />
      ) : (
        <p className="text-slate-600">{translate(locale, 'org.noPermission')}</p>
      )}
    </>
  );
}
