import { CatalogBrowser } from '@/components/catalog/catalog-browser';
import { templateProviders, type CatalogCard } from '@/components/catalog/types';
import { listCatalog } from '@/lib/catalog/queries';
import { pageContext } from '@/lib/http/page-context';
import { currentLocale } from '@/lib/i18n/locale';
import { translate } from '@/lib/i18n/messages';
import { providerCatalog } from '@/lib/providers/catalog';

export default async function CatalogPage() {
  const locale = await currentLocale();
  const { actor, db } = await pageContext();
  // The shared catalog and the reader's organizations' own templates.
  const entries = await listCatalog(db, actor ?? undefined);
  // Providers named by templates, with their labels and whether this installation can build on them.
  const known = providerCatalog();
  const cards: CatalogCard[] = entries.map((e) => ({
    slug: e.slug,
    category: e.category,
    version: e.version,
    title: e.definition.title,
    summary: e.definition.summary,
    own: e.organizationId !== null,
    providers: templateProviders(e.definition).map((id) => ({
      id,
      label: known.find((p) => p.id === id)?.label ?? { ja: id, en: id },
      available: known.find((p) => p.id === id)?.available ?? false,
    })),
  }));
  return (
    <>
      <h1 className="text-2xl font-bold">{translate(locale, 'catalog.title')}</h1>
      <p className="mt-1 text-slate-600">{translate(locale, 'catalog.lead')}</p>
      <CatalogBrowser cards={cards} />
    </>
  );
}
