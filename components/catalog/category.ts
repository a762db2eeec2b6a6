import { MESSAGES, type MessageKey } from '@/lib/i18n/messages';

/** A category slug in the reader's language; categories without a translation show as they are. */
export function categoryLabel(category: string, t: (key: MessageKey) => string): string {
  const key = `catalog.category.${category}`;
  return Object.hasOwn(MESSAGES.ja, key) ? t(key as MessageKey) : category;
}
