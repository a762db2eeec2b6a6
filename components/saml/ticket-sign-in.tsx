'use client';
import { signIn } from 'next-auth/react';
import { useEffect, useRef } from 'react';
import { useT } from '@/components/i18n';
import { SAML_TICKET_PROVIDER_ID } from '@/lib/auth/provider-id';

/**
 * Asks next-auth to start the session; the one-time ticket the ACS issued rides along in its
 * HTTP-only cookie. next-auth then goes on to callbackUrl (or back to /signin with an error).
 */
export function SamlTicketSignIn({ callbackUrl }: { callbackUrl: string }) {
  const t = useT();
  // A ticket is spent on first use; React's development double effects must not send it twice.
  const sent = useRef(false);
  useEffect(() => {
    if (sent.current) return;
    sent.current = true;
    void signIn(SAML_TICKET_PROVIDER_ID, { callbackUrl });
  }, [callbackUrl]);
  return (
    <p role="status" aria-live="polite" className="mt-6 text-slate-700">
      {t('saml.complete.signingIn')}
    </p>
  );
}
