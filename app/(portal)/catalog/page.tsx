import Link from 'next/link';
import { listCatalog } from '@/lib/catalog/queries';
import { db } from '@/lib/db/client';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';

export default async function CatalogPage() {
  const locale = await currentLocale();
  const t = (k: Parameters<typeof translate>[1]) => translate(locale, k);
  const entries = await listCatalog(db());
  return (
    <>
      <h1 className="text-2xl font-bold">{t('catalog.title')}</h1>
      <p className="mt-1 text-slate-600">{t('catalog.lead')}</p>
      <ul className="mt-6 grid gap-4 md:grid-cols-2">
        {entries.map((e) => (
          <li key={e.slug} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" data-testid={`template-${e.slug}`}>
            <div className="flex items-baseline justify-between gap-2">
              <h2 className="text-lg font-semibold">{e.definition.title[locale]}</h2>
              <span className="text-xs text-slate-500">
                {e.category} · v{e.version}
              </span>
            </div>
            <p className="mt-2 text-sm text-slate-600">{e.definition.summary[locale]}</p>
            <Link href={`/catalog/${e.slug}`} className="mt-4 inline-block rounded bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700">
              {t('catalog.open')}
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}
