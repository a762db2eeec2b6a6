import { redirect } from 'next/navigation';
import { IdpDiscovery } from '@/components/saml/idp-discovery';
import { SignInButton } from '@/components/sign-in-button';
import { currentActor } from '@/lib/auth/session';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { samlIdps } from '@/lib/saml/config';

export const dynamic = 'force-dynamic';

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ error?: string; callbackUrl?: string; idp?: string }> }) {
  if (await currentActor()) redirect('/catalog');
  const { error, callbackUrl, idp } = await searchParams;
  const target = callbackUrl?.startsWith('/') ? callbackUrl : '/catalog';
  const idps = samlIdps().map(({ id, name }) => ({ id, name }));
  // /signin?idp=<id> skips the institution picker (links from a lab's page, or a federation's discovery service).
  if (idp && idps.some((i) => i.id === idp)) redirect(`/api/auth/saml/login?${new URLSearchParams({ idp, callbackUrl: target })}`);
  const locale = await currentLocale();
  const t = (k: Parameters<typeof translate>[1]) => translate(locale, k);
  return (
    <main className="mx-auto mt-24 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <p className="text-sm text-slate-500">{t('app.tagline')}</p>
      <h1 className="mt-1 text-2xl font-bold text-indigo-700">{t('app.name')}</h1>
      <h2 className="mt-6 text-lg font-semibold">{t('signin.title')}</h2>
      <p className="mt-1 text-sm text-slate-600">{t('signin.lead')}</p>
      {error && (
        <p role="alert" className="mt-4 rounded bg-rose-50 p-3 text-sm text-rose-800">
          {t('signin.error')} ({error})
        </p>
      )}
      <SignInButton label={t('signin.button')} callbackUrl={target} />
      {idps.length > 0 && (
        <>
          <p className="mt-6 text-center text-sm text-slate-500">{t('saml.discovery.or')}</p>
          <IdpDiscovery idps={idps} callbackUrl={target} />
        </>
      )}
    </main>
  );
}
