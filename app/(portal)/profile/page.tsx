import { redirect } from 'next/navigation';
import { SshKeysManager } from '@/components/profile/ssh-keys-manager';
import { roleMay } from '@/lib/auth/actor';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate, type MessageKey } from '@/lib/i18n/messages';

export default async function ProfilePage() {
  const { actor } = await pageContext();
  if (!actor) redirect('/signin');
  const locale = await currentLocale();
  const t = (key: MessageKey) => translate(locale, key);
  return (
    <>
      <h1 className="mb-2 text-2xl font-bold">{t('nav.profile')}</h1>
      <p className="mb-6 text-sm text-slate-600">
        {t('profile.lead')} <span className="font-medium text-slate-800">{actor.name}</span> <span className="font-mono text-xs">{actor.email}</span>
      </p>
      <section aria-labelledby="ssh-keys-title" className="space-y-4">
        <h2 id="ssh-keys-title" className="text-lg font-semibold">
          {t('sshKeys.title')}
        </h2>
        <p className="text-sm text-slate-700">{t('sshKeys.lead')}</p>
        <div className="rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm">
          <h3 className="font-medium">{t('sshKeys.organizations')}</h3>
          {actor.memberships.length ? (
            <ul className="mt-2 space-y-1" data-testid="ssh-key-organizations">
              {actor.memberships.map((m) => (
                <li key={m.organizationId}>
                  {m.organizationName} — {t(`role.${m.role}`)}:{' '}
                  {roleMay(m.role, 'build') ? <span className="text-emerald-700">{t('sshKeys.installed')}</span> : <span className="text-slate-500">{t('sshKeys.notInstalled')}</span>}
                </li>
              ))}
            </ul>
          ) : (
            <p className="mt-2 text-slate-600">{t('sshKeys.noOrganizations')}</p>
          )}
        </div>
        <SshKeysManager />
      </section>
    </>
  );
}
