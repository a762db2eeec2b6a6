'use client';
import Link from 'next/link';
import { useState } from 'react';
import { useLocale, useT } from '../i18n';
import { categoryLabel } from './category';
import { OwnBadge } from './own-badge';
import { useSay } from './say';
import type { CatalogCard } from './types';

// The catalog's cards with a search box (title, summary and slug, in both languages) and filters.

function matches(card: CatalogCard, words: string[]): boolean {
  const text = [card.slug, card.title.ja, card.title.en, card.summary.ja, card.summary.en].join('\n').toLowerCase();
  return words.every((w) => text.includes(w));
}

export function CatalogBrowser({ cards }: { cards: CatalogCard[] }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  const [query, setQuery] = useState('');
  const [category, setCategory] = useState<string | null>(null);
  const [buildableOnly, setBuildableOnly] = useState(false);

  const categories = [...new Set(cards.map((c) => c.category))].sort();
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = cards.filter((c) => (category === null || c.category === category) && (!buildableOnly || c.providers.some((p) => p.available)) && matches(c, words));
  const chip = (active: boolean) =>
    `rounded-full px-3 py-1 text-sm ring-1 ring-inset ${active ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-700 ring-slate-300 hover:bg-slate-50'}`;

  if (cards.length === 0) return <p className="mt-6 text-slate-600">{t('catalog.empty')}</p>;
  return (
    <>
      <div className="mt-4 flex flex-wrap items-center gap-3">
        <label htmlFor="catalog-search" className="sr-only">
          {t('catalog.search')}
        </label>
        <input
          id="catalog-search"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder={t('catalog.search.placeholder')}
          className="w-full max-w-sm rounded border border-slate-300 px-3 py-1.5"
        />
        <div role="group" aria-label={t('catalog.filter.category')} className="flex flex-wrap gap-2">
          <button type="button" aria-pressed={category === null} className={chip(category === null)} onClick={() => setCategory(null)}>
            {t('catalog.filter.all')}
          </button>
          {categories.map((c) => (
            <button key={c} type="button" aria-pressed={category === c} className={chip(category === c)} onClick={() => setCategory(category === c ? null : c)} data-category={c}>
              {categoryLabel(c, t)}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-1.5 text-sm text-slate-700">
          <input type="checkbox" checked={buildableOnly} onChange={(e) => setBuildableOnly(e.target.checked)} />
          {t('catalog.filter.buildable')}
        </label>
        <span className="ml-auto text-sm text-slate-500" aria-live="polite" data-testid="catalog-count">
          {say('catalog.count', { count: shown.length })}
        </span>
      </div>
      {shown.length === 0 ? (
        <p className="mt-6 text-slate-600">{t('catalog.noMatch')}</p>
      ) : (
        <ul className="mt-6 grid gap-4 md:grid-cols-2">
          {shown.map((c) => {
            const buildable = c.providers.some((p) => p.available);
            return (
              <li key={c.slug} className="flex flex-col rounded-lg border border-slate-200 bg-white p-5 shadow-sm" data-testid={`template-${c.slug}`}>
                <div className="flex items-baseline justify-between gap-2">
                  <h2 className="text-lg font-semibold">{c.title[locale]}</h2>
                  <span className="shrink-0 text-xs text-slate-500">
                    <span className="rounded bg-slate-100 px-1.5 py-0.5">{categoryLabel(c.category, t)}</span> · v{c.version}
                  </span>
                </div>
                {c.own && (
                  <p className="mt-1">
                    <OwnBadge />
                  </p>
                )}
                <p className="mt-2 text-sm text-slate-600">{c.summary[locale]}</p>
                <p className="mt-3 flex flex-wrap items-center gap-1 text-xs" data-testid="template-providers">
                  <span className="text-slate-500">{t('catalog.runsOn')}:</span>
                  {c.providers.map((p) => (
                    <span
                      key={p.id}
                      data-available={p.available}
                      title={p.available ? t('catalog.provider.available') : t('catalog.provider.unavailable')}
                      className={`rounded px-1.5 py-0.5 ring-1 ring-inset ${p.available ? 'bg-emerald-50 text-emerald-800 ring-emerald-300' : 'bg-slate-50 text-slate-500 ring-slate-200'}`}
                    >
                      {p.label[locale]}
                    </span>
                  ))}
                </p>
                <div className="mt-auto flex items-center gap-3 pt-4">
                  <Link href={`/catalog/${c.slug}`} className="inline-block rounded bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700">
                    {t('catalog.open')}
                  </Link>
                  {!buildable && <span className="text-xs text-slate-500">{t('catalog.notBuildableHere')}</span>}
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
