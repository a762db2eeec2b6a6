'use client';
import { useMemo, useState } from 'react';
import { useLocale, useT } from '@/components/i18n';

export interface IdpChoice {
  id: string;
  name: { ja: string; en: string };
}

/** The institution picker (a GakuNin discovery service in small): search by either name, then off to its IdP. */
export function IdpDiscovery({ idps, callbackUrl }: { idps: IdpChoice[]; callbackUrl: string }) {
  const t = useT();
  const locale = useLocale();
  const [query, setQuery] = useState('');
  const shown = useMemo(() => {
    const q = query.trim().toLowerCase();
    return q ? idps.filter((i) => [i.name.ja, i.name.en, i.id].some((s) => s.toLowerCase().includes(q))) : idps;
  }, [idps, query]);
  const other = locale === 'ja' ? 'en' : 'ja';
  return (
    <section aria-labelledby="saml-discovery-title" className="mt-6">
      <h3 id="saml-discovery-title" className="font-semibold">
        {t('saml.discovery.title')}
      </h3>
      <p className="mt-1 text-sm text-slate-600">{t('saml.discovery.lead')}</p>
      <label htmlFor="saml-idp-search" className="mt-3 block text-sm font-medium">
        {t('saml.discovery.search')}
      </label>
      <input
        id="saml-idp-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        className="mt-1 w-full rounded border border-slate-300 px-3 py-2"
      />
      <ul className="mt-3 max-h-72 divide-y divide-slate-100 overflow-y-auto rounded border border-slate-200">
        {shown.map((i) => (
          <li key={i.id}>
            <a
              href={`/api/auth/saml/login?${new URLSearchParams({ idp: i.id, callbackUrl })}`}
              className="block px-3 py-2 hover:bg-indigo-50"
            >
              <span className="font-medium text-indigo-700">{i.name[locale]}</span>
              <span className="ml-2 text-xs text-slate-500">{i.name[other]}</span>
            </a>
          </li>
        ))}
        {shown.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">{t('saml.discovery.none')}</li>}
      </ul>
    </section>
  );
}
