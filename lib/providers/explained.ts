// A failure's explanation travels with its words, in both languages, through text columns (a build
// step's error, a node's reason, a log line): one line per language after the failure's own
// line(s), each marked with its language. A page shows its reader's lines and drops the others.
import type { Locale } from '@/lib/i18n/messages';
import type { Localized } from './types';

const MARK: Record<Locale, string> = { ja: '[ja] ', en: '[en] ' };

/** `text`, then what it means and what to do next in Japanese and in English. */
export function withAdvice(text: string, advice: Localized): string {
  return `${text}\n${MARK.ja}${advice.ja}\n${MARK.en}${advice.en}`;
}

/** `text` for a reader of `locale`: its lines in the other language dropped, the reader's unmarked. */
export function inLanguage(text: string, locale: Locale): string {
  const own = MARK[locale];
  return text
    .split('\n')
    .filter((line) => line.startsWith(own) || !Object.values(MARK).some((mark) => line.startsWith(mark)))
    .map((line) => (line.startsWith(own) ? line.slice(own.length) : line))
    .join('\n');
}
