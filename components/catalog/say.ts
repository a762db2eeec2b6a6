import type { MessageKey } from '@/lib/i18n/messages';
import { useT } from '../i18n';

/** Translates a message key, filling in its {placeholders}. */
export type Say = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** A message with {name} placeholders, filled in: fill('{min}〜{max} の整数', { min: 1, max: 10 }). */
export function fill(text: string, vars: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : whole));
}

/** say(key, vars) in the reader's language. */
export function useSay(): Say {
  const t = useT();
  return (key, vars) => fill(t(key), vars);
}
