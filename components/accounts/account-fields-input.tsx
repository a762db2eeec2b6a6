'use client';
import type { AccountFormField } from '@/lib/providers/account-fields';
import { FieldError, inputClass } from '../catalog/parameter-field';
import { useLocale } from '../i18n';

/** A provider's name in both languages, and why builds cannot use it yet. */
export interface ProviderLabel {
  id: string;
  label: { ja: string; en: string };
  available: boolean;
}

/** One group of a provider's fields (credentials or network), each with the API's error for it under it. */
export function AccountFieldsInput({
  group,
  fields,
  values,
  errors,
  onChange,
}: {
  group: 'credentials' | 'network';
  fields: AccountFormField[];
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  onChange: (key: string, value: string) => void;
}) {
  const locale = useLocale();
  return (
    <>
      {fields.map((f) => {
        const id = `account-${group}-${f.key}`;
        const error = errors[`${group}.${f.key}`];
        const common = {
          id,
          className: inputClass,
          value: values[f.key] ?? '',
          'aria-invalid': !!error,
          autoComplete: 'off',
          spellCheck: false,
          placeholder: f.placeholder,
        };
        return (
          <div key={f.key}>
            <label htmlFor={id} className="mt-3 block text-sm font-medium">
              {f.label[locale]}
            </label>
            {f.multiline ? (
              <textarea {...common} rows={4} onChange={(e) => onChange(f.key, e.target.value)} />
            ) : (
              <input {...common} type={f.secret ? 'password' : 'text'} onChange={(e) => onChange(f.key, e.target.value)} />
            )}
            <FieldError id={id} message={error} />
          </div>
        );
      })}
    </>
  );
}

/** The values typed, without the empty ones (so a missing field is the API's "is required"). */
export function filled(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v.trim() !== ''));
}
