import { SamlTicketSignIn } from '@/components/saml/ticket-sign-in';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { safeCallbackUrl } from '@/lib/saml/pending-login';

export const dynamic = 'force-dynamic';

// Where the ACS sends the browser after a verified SAML response: next-auth takes over from here.
export default async function SamlCompletePage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  const { callbackUrl } = await searchParams;
  const locale = await currentLocale();
  return (
    <main className="mx-auto mt-24 max-w-md rounded-lg border border-slate-200 bg-white p-8 shadow-sm">
      <h1 className="text-2xl font-bold text-indigo-700">{translate(locale, 'app.name')}</h1>
      <SamlTicketSignIn callbackUrl={safeCallbackUrl(callbackUrl)} />
    </main>
  );
}
