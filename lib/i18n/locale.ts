import { cookies } from 'next/headers';
import { LOCALES, type Locale } from './messages';
import { LOCALE_COOKIE } from './cookie';

/** The reader's language: their choice, else Japanese. */
export async function currentLocale(): Promise<Locale> {
  const value = (await cookies()).get(LOCALE_COOKIE)?.value;
  return (LOCALES as readonly string[]).includes(value ?? '') ? (value as Locale) : 'ja';
}
