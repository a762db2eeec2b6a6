'use client';
import { useT } from '../i18n';

/** Marks an organization's own template (a copy), as opposed to the shared catalog's. */
export function OwnBadge() {
  const t = useT();
  return <span className="rounded bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-900 ring-1 ring-amber-300 ring-inset">{t('templateEditor.badge.own')}</span>;
}
