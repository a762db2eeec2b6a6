'use client';
import { ApiError } from '../api';
import { useT } from '../i18n';
import { useSay } from './say';

/** What a template page shows when its template cannot be loaded: not found, or failed. */
export function TemplateLoadError({ slug, error, back }: { slug: string; error: unknown; back: React.ReactNode }) {
  const t = useT();
  const say = useSay();
  const missing = error instanceof ApiError && error.status === 404;
  return (
    <div>
      {back}
      <p role="alert" className="mt-4 text-slate-700">
        {missing ? say('template.notFound', { slug }) : t('template.loadError')}
      </p>
    </div>
  );
}
