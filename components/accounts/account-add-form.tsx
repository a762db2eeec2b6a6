'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ProviderAccountView } from '@/lib/provider-accounts/views';
import type { AccountForm } from '@/lib/providers/account-fields';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { FieldError, inputClass } from '../catalog/parameter-field';
import { AccountFieldsInput, filled, type ProviderLabel } from './account-fields-input';

type Errors = Record<string, string | undefined>;

/** Adds an account: the chosen provider's own fields; every error is the API's, under its field. */
export function AccountAddForm({ organizationId, forms, providers }: { organizationId: string; forms: AccountForm[]; providers: ProviderLabel[] }) {
  const t = useT();
  const locale = useLocale();
  const client = useQueryClient();
  const [provider, setProvider] = useState(forms[0]!.provider);
  const [name, setName] = useState('');
  const [region, setRegion] = useState('');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [network, setNetwork] = useState<Record<string, string>>({});
  const [isDefault, setIsDefault] = useState(false);
  const [errors, setErrors] = useState<Errors>({});
  const [added, setAdded] = useState<string | null>(null);
  const form = forms.find((f) => f.provider === provider)!;
  const label = (id: string) => providers.find((p) => p.id === id)?.label[locale] ?? id;

  const add = useMutation({
    mutationFn: (body: object) => api.post<{ account: Json<ProviderAccountView> }>(`/api/v1/organizations/${organizationId}/provider-accounts`, body),
    onSuccess: ({ account }) => {
      setAdded(account.name);
      setErrors({});
      // The secrets leave the page as soon as they are stored.
      setName('');
      setCredentials({});
      setNetwork({});
      setIsDefault(false);
      void client.invalidateQueries({ queryKey: queryKeys.providerAccounts(organizationId) });
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function choose(next: string) {
    setProvider(next);
    setRegion('');
    setCredentials({});
    setNetwork({});
    setErrors({});
  }

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setAdded(null);
    add.mutate({
      provider,
      name: name.trim() || undefined,
      ...(form.region.kind === 'none' ? {} : { region: region.trim() || (form.region.kind === 'optional' ? null : undefined) }),
      network: filled(network),
      credentials: filled(credentials),
      ...(isDefault ? { isDefault: true } : {}),
    });
  }

  const fieldError = Object.keys(errors).some((k) => k !== 'form' && errors[k]);
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('accounts.addTitle')} className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold">{t('accounts.addTitle')}</h2>
      {added && (
        <p role="status" className="mt-3 rounded bg-emerald-50 p-2 text-sm text-emerald-800">
          {t('accounts.added')} ({added})
        </p>
      )}
      {errors.form && !fieldError && (
        <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
          {errors.form}
        </p>
      )}
      <label htmlFor="account-provider" className="mt-4 block text-sm font-medium">
        {t('accounts.provider')}
      </label>
      <select id="account-provider" className={inputClass} value={provider} onChange={(e) => choose(e.target.value)}>
        {forms.map((f) => (
          <option key={f.provider} value={f.provider}>
            {label(f.provider)}
          </option>
        ))}
      </select>
      <FieldError id="account-provider" message={errors.provider} />

      <label htmlFor="account-name" className="mt-3 block text-sm font-medium">
        {t('accounts.name')}
      </label>
      <input id="account-name" className={inputClass} value={name} maxLength={63} onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} aria-describedby="account-name-help" autoComplete="off" />
      <p id="account-name-help" className="mt-1 text-xs text-slate-500">
        {t('accounts.name.help')}
      </p>
      <FieldError id="account-name" message={errors.name} />

      {form.region.kind !== 'none' && (
        <>
          <label htmlFor="account-region" className="mt-3 block text-sm font-medium">
            {t('accounts.region')}
          </label>
          {form.region.options ? (
            <select id="account-region" className={inputClass} value={region} onChange={(e) => setRegion(e.target.value)} aria-invalid={!!errors.region}>
              <option value="">—</option>
              {form.region.options.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
          ) : (
            <input id="account-region" className={inputClass} value={region} placeholder={form.region.placeholder} onChange={(e) => setRegion(e.target.value)} aria-invalid={!!errors.region} autoComplete="off" />
          )}
          <FieldError id="account-region" message={errors.region} />
        </>
      )}

      <fieldset className="mt-4 rounded border border-slate-200 p-3">
        <legend className="px-1 text-sm font-semibold">{t('accounts.credentials')}</legend>
        <p className="text-xs text-slate-500">{t('accounts.credentials.help')}</p>
        <AccountFieldsInput group="credentials" fields={form.credentials} values={credentials} errors={errors} onChange={(k, v) => setCredentials({ ...credentials, [k]: v })} />
      </fieldset>
      <fieldset className="mt-4 rounded border border-slate-200 p-3">
        <legend className="px-1 text-sm font-semibold">{t('accounts.network')}</legend>
        <AccountFieldsInput group="network" fields={form.network} values={network} errors={errors} onChange={(k, v) => setNetwork({ ...network, [k]: v })} />
      </fieldset>

      <label className="mt-4 flex items-center gap-2 text-sm">
        <input type="checkbox" checked={isDefault} onChange={(e) => setIsDefault(e.target.checked)} />
        {t('accounts.isDefault')}
      </label>
      <button type="submit" disabled={add.isPending} className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
        {add.isPending ? t('accounts.adding') : t('accounts.add')}
      </button>
    </form>
  );
}
