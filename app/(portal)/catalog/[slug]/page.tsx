import { notFound } from 'next/navigation';
import { BuildForm } from '@/components/catalog/build-form';
import { getCatalogEntryOrThrow } from '@/lib/catalog/queries';
import { db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { providerCatalog } from '@/lib/providers/catalog';

export default async function TemplatePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const locale = await currentLocale();
  const t = (k: Parameters<typeof translate>[1]) => translate(locale, k);
  const entry = await getCatalogEntryOrThrow(db(), slug).catch((e) => {
    if (e instanceof AppError && e.code === 'NOT_FOUND') notFound();
    throw e;
  });
  const d = entry.definition;
  return (
    <div className="grid gap-6 md:grid-cols-[1fr_22rem]">
      <section>
        <p className="text-sm text-slate-500">
          {t('catalog.category')}: {entry.category} · {t('catalog.version')} {entry.version}
        </p>
        <h1 className="text-2xl font-bold">{d.title[locale]}</h1>
        <p className="mt-2 text-slate-700">{d.summary[locale]}</p>
        <h2 className="mt-6 font-semibold">{t('catalog.units')}</h2>
        <ul className="mt-2 list-disc pl-6 text-sm">
          {d.units.map((u) => (
            <li key={u.name}>
              <span className="font-mono">{u.name}</span> ({u.role}) — {u.image} × {u.nodes === 'fromParameters' ? t('form.nodes') : u.nodes}
            </li>
          ))}
        </ul>
        <h2 className="mt-4 font-semibold">{t('catalog.applications')}</h2>
        <ul className="mt-2 list-disc pl-6 text-sm">
          {d.applications.map((a) => (
            <li key={a.name}>
              <span className="font-mono">{a.name}</span> — {a.image}, port {a.port}
            </li>
          ))}
        </ul>
      </section>
      <BuildForm templateSlug={slug} providers={providerCatalog()} />
    </div>
  );
}
