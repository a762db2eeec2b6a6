'use client';
import { useMutation } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError, api } from '../api';
import { useT } from '../i18n';

type Field = 'organizationName' | 'organizationKind' | 'department' | 'maxNodes';

/** Portable edition: the institution's first user creates its organization and becomes its owner. */
export function DirectOrganizationForm({ domain }: { domain: string }) {
  const t = useT();
  const router = useRouter();
  const [values, setValues] = useState<Record<Field, string>>({ organizationName: '', organizationKind: 'lab', department: '', maxNodes: '10' });
  const [errors, setErrors] = useState<Partial<Record<Field | 'form', string>>>({});
  const create = useMutation({
    mutationFn: (body: object) => api.post('/api/v1/organizations/direct', body),
    onSuccess: () => {
      router.push('/catalog');
      router.refresh();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const found: typeof errors = {};
    if (!values.organizationName.trim()) found.organizationName = t('form.required');
    const n = Number(values.maxNodes);
    if (!Number.isInteger(n) || n < 1 || n > 10_000) found.maxNodes = '1〜10000';
    setErrors(found);
    if (Object.keys(found).length) return;
    create.mutate({ organizationName: values.organizationName.trim(), organizationKind: values.organizationKind, department: values.department.trim() || null, maxNodes: n });
  }

  const set = (k: Field) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setValues({ ...values, [k]: e.target.value });
  const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500';
  const label = 'mt-4 block text-sm font-medium';
  const fieldError = (k: Field) =>
    errors[k] && (
      <p id={`${k}-error`} role="alert" className="mt-1 text-sm text-rose-700">
        {errors[k]}
      </p>
    );
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('portable.title')} className="max-w-xl rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      {errors.form && (
        <p role="alert" className="mb-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
          {errors.form}
        </p>
      )}
      <p className="text-sm text-slate-600">
        {t('portable.domain')}: <span className="font-mono">{domain}</span>
      </p>
      <label className={label} htmlFor="organizationName">
        {t('application.organizationName')}
      </label>
      <input id="organizationName" className={input} value={values.organizationName} onChange={set('organizationName')} aria-invalid={!!errors.organizationName} />
      {fieldError('organizationName')}
      <label className={label} htmlFor="organizationKind">
        {t('application.organizationKind')}
      </label>
      <select id="organizationKind" className={input} value={values.organizationKind} onChange={set('organizationKind')}>
        {(['lab', 'department', 'institution'] as const).map((k) => (
          <option key={k} value={k}>
            {t(`application.kind.${k}`)}
          </option>
        ))}
      </select>
      <label className={label} htmlFor="department">
        {t('application.department')}
      </label>
      <input id="department" className={input} value={values.department} onChange={set('department')} aria-invalid={!!errors.department} />
      {fieldError('department')}
      <label className={label} htmlFor="maxNodes">
        {t('portable.maxNodes')}
      </label>
      <input id="maxNodes" type="number" min={1} className={input} value={values.maxNodes} onChange={set('maxNodes')} aria-invalid={!!errors.maxNodes} />
      {fieldError('maxNodes')}
      <button type="submit" disabled={create.isPending} className="mt-6 rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
        {t('portable.create')}
      </button>
    </form>
  );
}
