'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import { emailDomain, withinDomain } from '@/lib/service-applications/domains';
import type { ProviderChoice } from '@/lib/service-applications/validation';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import { applicationQueryKey, type ApplicationDetailJson } from './types';
import { FIELD_INPUT, FieldError } from '../field-error';

type TextField = 'organizationName' | 'organizationKind' | 'department' | 'applicantName' | 'contactEmail' | 'purpose' | 'expectedStudents' | 'expectedNodes' | 'networkNeeds';
type Values = Record<TextField, string> & { wantedProviders: string[] };
type Errors = Partial<Record<TextField | 'wantedProviders' | 'form', string>>;
type Intent = 'draft' | 'submit';

function initialValues(from: Partial<ApplicationDetailJson> & { applicantName?: string; contactEmail?: string }): Values {
  return {
    organizationName: from.organizationName ?? '',
    organizationKind: from.organizationKind ?? 'lab',
    department: from.department ?? '',
    applicantName: from.applicantName ?? '',
    contactEmail: from.contactEmail ?? '',
    purpose: from.purpose ?? '',
    expectedStudents: from.expectedStudents == null ? '' : String(from.expectedStudents),
    expectedNodes: from.expectedNodes == null ? '' : String(from.expectedNodes),
    wantedProviders: from.wantedProviders ?? ['local'],
    networkNeeds: from.networkNeeds ?? '',
  };
}

/**
 * A new application (`application` unset) or an edit of one. "下書き保存" saves it; "申請する"
 * saves it and sends it to NII staff.
 */
export function ApplicationForm({
  application,
  defaults,
  providers,
  domain,
}: {
  application?: ApplicationDetailJson;
  defaults?: { applicantName: string; contactEmail: string };
  providers: ProviderChoice[];
  /** The institution's mail domain: the contact address must be within it. */
  domain: string;
}) {
  const t = useT();
  const locale = useLocale();
  const router = useRouter();
  const client = useQueryClient();
  const [values, setValues] = useState<Values>(() => initialValues(application ?? defaults ?? {}));
  const [errors, setErrors] = useState<Errors>({});
  const [saved, setSaved] = useState(false);
  // Set once a new application is stored, even if submitting it then fails.
  const created = useRef<string | null>(null);

  const save = useMutation({
    mutationFn: async ({ body, intent }: { body: object; intent: Intent }) => {
      const { application: stored } = application
        ? await api.patch<{ application: { id: string } }>(`/api/v1/service-applications/${application.id}`, body)
        : await api.post<{ application: { id: string } }>('/api/v1/service-applications', body);
      created.current = application ? null : stored.id;
      if (intent === 'submit') await api.post(`/api/v1/service-applications/${stored.id}/submit`, {});
      return stored.id;
    },
    onSuccess: (id) => {
      if (!application) return router.push(`/apply/${id}`);
      setSaved(true);
      void client.invalidateQueries({ queryKey: applicationQueryKey(id) });
    },
    onError: (e) => {
      // The draft exists: open it, where it can be corrected and submitted again.
      if (created.current) return router.push(`/apply/${created.current}`);
      if (!(e instanceof ApiError)) return setErrors({ form: String(e) });
      // Field names such as "wantedProviders.0" belong to their field.
      const fields = Object.fromEntries(Object.entries(e.fields).map(([k, v]) => [k.split('.')[0], v]));
      setErrors({ ...fields, form: e.message });
    },
  });

  // The server's rules, so most mistakes are caught before a round trip.
  function validate(): Errors {
    const found: Errors = {};
    for (const k of ['organizationName', 'applicantName', 'contactEmail', 'purpose', 'expectedNodes'] as const) if (!values[k].trim()) found[k] = t('form.required');
    const email = values.contactEmail.trim().toLowerCase();
    if (email && (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) || !withinDomain(emailDomain(email), domain))) found.contactEmail = `${t('application.contactEmail.help')} ${domain}`;
    const nodes = Number(values.expectedNodes);
    if (values.expectedNodes.trim() && (!Number.isInteger(nodes) || nodes < 1 || nodes > 10_000)) found.expectedNodes = '1〜10000';
    const students = Number(values.expectedStudents);
    if (values.expectedStudents.trim() && (!Number.isInteger(students) || students < 0)) found.expectedStudents = '0〜100000';
    if (!values.wantedProviders.length) found.wantedProviders = t('form.required');
    return found;
  }

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const intent = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value === 'submit' ? 'submit' : 'draft';
    setSaved(false);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) return;
    const trimmed = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]));
    save.mutate({
      intent,
      body: { ...trimmed, expectedNodes: Number(values.expectedNodes), expectedStudents: values.expectedStudents.trim() ? Number(values.expectedStudents) : null },
    });
  }

  const set = (k: TextField) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => setValues({ ...values, [k]: e.target.value });
  const toggle = (id: string) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setValues({ ...values, wantedProviders: e.target.checked ? [...values.wantedProviders, id] : values.wantedProviders.filter((p) => p !== id) });
  const fieldError = (k: keyof Errors) => <FieldError message={errors[k]} id={`${k}-error`} />;
  const input = FIELD_INPUT;
  const label = 'mt-4 block text-sm font-medium';
  const text = (k: TextField, labelKey: Parameters<typeof t>[0], props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <>
      <label className={label} htmlFor={k}>
        {t(labelKey)}
      </label>
      <input id={k} className={input} value={values[k]} onChange={set(k)} aria-invalid={!!errors[k]} aria-describedby={errors[k] ? `${k}-error` : undefined} {...props} />
      {fieldError(k)}
    </>
  );
  const area = (k: TextField, labelKey: Parameters<typeof t>[0]) => (
    <>
      <label className={label} htmlFor={k}>
        {t(labelKey)}
      </label>
      <textarea id={k} rows={3} className={input} value={values[k]} onChange={set(k)} aria-invalid={!!errors[k]} aria-describedby={errors[k] ? `${k}-error` : undefined} />
      {fieldError(k)}
    </>
  );

  return (
    <form onSubmit={onSubmit} noValidate className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm" aria-label={t(application ? 'application.edit' : 'apply.new')}>
      <h2 className="text-lg font-semibold">{t(application ? 'application.edit' : 'apply.new')}</h2>
      {errors.form && (
        <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
          {t('application.error')} {errors.form}
        </p>
      )}
      {saved && (
        <p role="status" className="mt-3 rounded bg-emerald-50 p-2 text-sm text-emerald-800">
          {t('application.saved')}
        </p>
      )}
      <div className="grid gap-x-6 md:grid-cols-2">
        <div>
          {text('organizationName', 'application.organizationName')}
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
          {fieldError('organizationKind')}
          {text('department', 'application.department')}
          {text('applicantName', 'application.applicantName')}
          {text('contactEmail', 'application.contactEmail', { type: 'email' })}
          <p className="mt-1 text-xs text-slate-500">
            {t('application.contactEmail.help')} <span className="font-mono">{domain}</span>
          </p>
        </div>
        <div>
          {text('expectedStudents', 'application.expectedStudents', { type: 'number', min: 0 })}
          {text('expectedNodes', 'application.expectedNodes', { type: 'number', min: 1 })}
          <fieldset className="mt-4" aria-invalid={!!errors.wantedProviders} aria-describedby={errors.wantedProviders ? 'wantedProviders-error' : undefined}>
            <legend className="text-sm font-medium">{t('application.wantedProviders')}</legend>
            {providers.map((p) => (
              <label key={p.id} htmlFor={`wantedProviders-${p.id}`} className="mt-1 flex items-center gap-2 text-sm">
                <input id={`wantedProviders-${p.id}`} type="checkbox" checked={values.wantedProviders.includes(p.id)} onChange={toggle(p.id)} />
                {p.label[locale]}
                <span className="font-mono text-xs text-slate-500">{p.id}</span>
                {!p.available && <span className="text-xs text-slate-500">({t('application.providerWish')})</span>}
              </label>
            ))}
          </fieldset>
          {fieldError('wantedProviders')}
        </div>
      </div>
      {area('purpose', 'application.purpose')}
      {area('networkNeeds', 'application.networkNeeds')}
      <div className="mt-6 flex gap-3">
        <button type="submit" value="draft" disabled={save.isPending} className="rounded border border-slate-300 px-4 py-2 font-semibold hover:bg-slate-100 disabled:opacity-50">
          {t('application.saveDraft')}
        </button>
        <button type="submit" value="submit" disabled={save.isPending} className="rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
          {save.isPending ? t('application.sending') : t('application.submit')}
        </button>
      </div>
    </form>
  );
}
