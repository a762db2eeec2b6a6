'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import type { Localized } from '@/lib/providers/types';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';

interface ProviderOption {
  id: string;
  label: Localized;
  flavors: { name: string; label: Localized }[];
}

type Fields = { unitGroupName: string; provider: string; flavor: string; nodes: string };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

export function BuildForm({ templateSlug, providers }: { templateSlug: string; providers: ProviderOption[] }) {
  const t = useT();
  const locale = useLocale();
  const router = useRouter();
  const first = providers[0];
  const [values, setValues] = useState<Fields>({ unitGroupName: '', provider: first?.id ?? '', flavor: first?.flavors[0]?.name ?? '', nodes: '2' });
  const [errors, setErrors] = useState<Partial<Record<keyof Fields | 'form', string>>>({});
  const provider = providers.find((p) => p.id === values.provider);

  const submit = useMutation({
    mutationFn: (body: object) => api.post<{ buildId: string }>('/api/v1/builds', body),
    onSuccess: ({ buildId }) => router.push(`/builds/${buildId}`),
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  // Same rules as the server, so most mistakes are caught before a round trip.
  function validate(): typeof errors {
    const found: typeof errors = {};
    if (!values.unitGroupName.trim()) found.unitGroupName = t('form.required');
    else if (!NAME.test(values.unitGroupName.trim())) found.unitGroupName = t('form.nameFormat');
    const n = Number(values.nodes);
    if (!Number.isInteger(n) || n < 1 || n > 10) found.nodes = t('form.nodesRange');
    return found;
  }

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) return;
    submit.mutate({ templateSlug, unitGroupName: values.unitGroupName.trim(), provider: values.provider, flavor: values.flavor, nodes: Number(values.nodes) });
  }

  const set = (k: keyof Fields) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => {
    const next = { ...values, [k]: e.target.value };
    if (k === 'provider') next.flavor = providers.find((p) => p.id === e.target.value)?.flavors[0]?.name ?? '';
    setValues(next);
  };
  const fieldError = (k: keyof Fields) =>
    errors[k] && (
      <p id={`${k}-error`} role="alert" className="mt-1 text-sm text-rose-700">
        {errors[k]}
      </p>
    );
  const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500';

  return (
    <form onSubmit={onSubmit} noValidate className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label={t('form.title')}>
      <h2 className="text-lg font-semibold">{t('form.title')}</h2>
      {errors.form && (
        <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
          {t('form.error')}
        </p>
      )}
      <label className="mt-4 block text-sm font-medium" htmlFor="unitGroupName">
        {t('form.unitGroupName')}
      </label>
      <input id="unitGroupName" className={input} value={values.unitGroupName} onChange={set('unitGroupName')} aria-invalid={!!errors.unitGroupName} aria-describedby="unitGroupName-help" />
      <p id="unitGroupName-help" className="mt-1 text-xs text-slate-500">
        {t('form.unitGroupName.help')}
      </p>
      {fieldError('unitGroupName')}
      <label className="mt-4 block text-sm font-medium" htmlFor="provider">
        {t('form.provider')}
      </label>
      <select id="provider" className={input} value={values.provider} onChange={set('provider')}>
        {providers.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label[locale]}
          </option>
        ))}
      </select>
      {fieldError('provider')}
      <label className="mt-4 block text-sm font-medium" htmlFor="flavor">
        {t('form.flavor')}
      </label>
      <select id="flavor" className={input} value={values.flavor} onChange={set('flavor')}>
        {provider?.flavors.map((f) => (
          <option key={f.name} value={f.name}>
            {f.name} — {f.label[locale]}
          </option>
        ))}
      </select>
      {fieldError('flavor')}
      <label className="mt-4 block text-sm font-medium" htmlFor="nodes">
        {t('form.nodes')}
      </label>
      <input id="nodes" type="number" min={1} max={10} className={input} value={values.nodes} onChange={set('nodes')} aria-invalid={!!errors.nodes} />
      <p className="mt-1 text-xs text-slate-500">{t('form.nodes.help')}</p>
      {fieldError('nodes')}
      <button type="submit" disabled={submit.isPending} className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
        {submit.isPending ? t('form.submitting') : t('form.submit')}
      </button>
    </form>
  );
}
