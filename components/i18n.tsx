'use client';
import { createContext, useContext } from 'react';
import { MESSAGES, type Locale, type MessageKey } from '@/lib/i18n/messages';

const LocaleContext = createContext<Locale>('ja');

export function LocaleProvider({ locale, children }: { locale: Locale; children: React.ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** t('key') in the reader's language. */
export function useT(): (key: MessageKey) => string {
  const locale = useLocale();
  return (key) => MESSAGES[locale][key] ?? key;
}
