'use client';
import { useRouter } from 'next/navigation';
import { startTransition } from 'react';
import { useT } from '@/components/i18n';

// Shown instead of a bare error page when a page cannot be rendered (e.g. PostgreSQL restarting).
export default function PageFailed({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useT();
  const router = useRouter();
  // The failure was on the server: fetch the page again, then render it anew.
  const retry = () => startTransition(() => {
    router.refresh();
    reset();
  });
  return (
    <main className="mx-auto max-w-2xl px-4 py-12" role="alert">
      <h1 className="mb-3 text-2xl font-bold">{t('page.failed.title')}</h1>
      <p className="mb-6 text-slate-700">{t('page.failed.lead')}</p>
      <button type="button" className="rounded bg-blue-700 px-4 py-2 text-white hover:bg-blue-800" onClick={retry}>
        {t('page.failed.retry')}
      </button>
      {error.digest && <p className="mt-6 text-xs text-slate-500">ref {error.digest}</p>}
    </main>
  );
}
