'use client';
import { useT } from '../i18n';

export interface OrganizationOption {
  id: string;
  name: string;
}

/** Which organization the page works on: a select when there is a choice, else just its name. */
export function OrganizationPicker({
  organizations,
  value,
  onChange,
  allowAll = false,
}: {
  organizations: OrganizationOption[];
  value: string;
  onChange: (id: string) => void;
  /** Offer "all" (value ''), for pages that can show several organizations at once. */
  allowAll?: boolean;
}) {
  const t = useT();
  if (organizations.length === 1 && !allowAll) {
    return (
      <p className="mb-4 text-sm text-slate-600">
        {t('org.picker')}: <span className="font-medium text-slate-900">{organizations[0]!.name}</span>
      </p>
    );
  }
  return (
    <div className="mb-4 flex items-center gap-2 text-sm">
      <label htmlFor="organization" className="font-medium">
        {t('org.picker')}
      </label>
      <select id="organization" value={value} onChange={(e) => onChange(e.target.value)} className="rounded border border-slate-300 px-2 py-1.5">
        {allowAll && <option value="">{t('org.all')}</option>}
        {organizations.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </div>
  );
}
