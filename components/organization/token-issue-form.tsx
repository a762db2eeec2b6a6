'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, useSyncExternalStore } from 'react';
import type { TokenRole } from '@/lib/db/schema';
import type { MemberView } from '@/lib/organizations/views';
import type { IssuedTokenView } from '@/lib/tokens/views';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { SecretOnce } from '../secret-once';
import type { Json } from '../json-types';
import { membersKey } from './members-manager';
import { FIELD_INPUT, FieldError } from '../field-error';

export const tokensKey = (organizationId: string) => ['organizations', organizationId, 'tokens'] as const;

/** expiresOn is null until the reader picks a day; until then the form offers a year from today. */
type Fields = { userId: string; note: string; role: TokenRole; expiresOn: string | null };
type Errors = Partial<Record<keyof Fields | 'expiresAt' | 'form', string>>;

function localDate(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** The day `years` after `day` (YYYY-MM-DD, the reader's calendar). */
function yearsAfter(day: string, years: number): string {
  const d = new Date(`${day}T00:00`);
  d.setFullYear(d.getFullYear() + years);
  return localDate(d);
}

const noChanges = () => () => {};

/**
 * Today in the reader's time zone, or null while the page is rendered on the server (which may be
 * in another time zone) and during hydration; the browser's value follows right after.
 */
function useToday(): string | null {
  return useSyncExternalStore(
    noChanges,
    () => localDate(new Date()),
    () => null,
  );
}

/** Issue form; after issuing it shows the secret once, then forgets it. */
export function TokenIssueForm({ organizationId, me, isOwner }: { organizationId: string; me: string; isOwner: boolean }) {
  const t = useT();
  const client = useQueryClient();
  const { data } = useQuery({
    queryKey: membersKey(organizationId),
    queryFn: () => api.get<{ members: Json<MemberView>[] }>(`/api/v1/organizations/${organizationId}/members?limit=200`),
  });
  const [values, setValues] = useState<Fields>({ userId: '', note: '', role: 'fullaccess', expiresOn: null });
  // Dates are the reader's, not the server's.
  const today = useToday();
  const bounds = today ? { min: today, max: yearsAfter(today, 10) } : null;
  const expiresOn = values.expiresOn ?? (today ? yearsAfter(today, 1) : '');
  const [errors, setErrors] = useState<Errors>({});
  const [secret, setSecret] = useState<string | null>(null);
  const members = [...(data?.members ?? [])].sort((x, y) => x.email.localeCompare(y.email));
  // Until someone is picked, the caller themself (or the first member) is meant.
  const userId = values.userId || (members.some((m) => m.userId === me) ? me : (members[0]?.userId ?? ''));

  const issue = useMutation({
    mutationFn: (body: object) => api.post<Json<IssuedTokenView>>(`/api/v1/organizations/${organizationId}/tokens`, body),
    onSuccess: (result) => {
      setSecret(result.secret);
      setErrors({});
      setValues((v) => ({ ...v, note: '' }));
      void client.invalidateQueries({ queryKey: tokensKey(organizationId) });
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    const found: Errors = {};
    if (!userId) found.userId = t('form.required');
    if (!values.note.trim()) found.note = t('form.required');
    if (!expiresOn) found.expiresAt = t('form.required');
    setErrors(found);
    if (Object.keys(found).length) return;
    // Valid through the end of the chosen day, in the reader's time zone.
    const expiresAt = new Date(`${expiresOn}T23:59:59.999`).toISOString();
    issue.mutate({ userId, note: values.note.trim(), role: values.role, expiresAt });
  }

  const set = (k: keyof Fields) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setValues({ ...values, [k]: e.target.value });
  const fieldError = (k: keyof Errors) => <FieldError message={errors[k]} />;
  const input = FIELD_INPUT;

  return (
    <div className="space-y-4">
      {secret && <SecretOnce id="token-secret" secret={secret} text={{ title: t('tokens.secretTitle'), warning: t('tokens.secretWarning'), copy: t('tokens.copy'), copied: t('tokens.copied'), dismiss: t('tokens.dismiss') }} onDismiss={() => setSecret(null)} />}
      <form onSubmit={onSubmit} noValidate className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h2 className="text-lg font-semibold">{t('tokens.issueTitle')}</h2>
        {errors.form && !errors.userId && !errors.note && !errors.role && !errors.expiresAt && (
          <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
            {errors.form}
          </p>
        )}
        <label htmlFor="token-member" className="mt-4 block text-sm font-medium">
          {t('tokens.member')}
        </label>
        <select id="token-member" className={input} value={userId} onChange={set('userId')} aria-invalid={!!errors.userId}>
          {members.map((m) => (
            <option key={m.userId} value={m.userId} disabled={m.role === 'owner' && !isOwner}>
              {m.email} — {t(`role.${m.role}`)}
            </option>
          ))}
        </select>
        {fieldError('userId')}
        <label htmlFor="token-note" className="mt-4 block text-sm font-medium">
          {t('tokens.note')}
        </label>
        <input id="token-note" className={input} value={values.note} onChange={set('note')} maxLength={200} aria-invalid={!!errors.note} aria-describedby="token-note-help" />
        <p id="token-note-help" className="mt-1 text-xs text-slate-500">
          {t('tokens.note.help')}
        </p>
        {fieldError('note')}
        <label htmlFor="token-role" className="mt-4 block text-sm font-medium">
          {t('tokens.role')}
        </label>
        <select id="token-role" className={input} value={values.role} onChange={set('role')} aria-invalid={!!errors.role}>
          <option value="fullaccess">{t('tokens.role.fullaccess')}</option>
          <option value="readonly">{t('tokens.role.readonly')}</option>
        </select>
        {fieldError('role')}
        <label htmlFor="token-expires" className="mt-4 block text-sm font-medium">
          {t('tokens.expiresAt')}
        </label>
        <input
          id="token-expires"
          type="date"
          className={input}
          value={expiresOn}
          min={bounds?.min}
          max={bounds?.max}
          onChange={set('expiresOn')}
          aria-invalid={!!errors.expiresAt}
          aria-describedby="token-expires-help"
        />
        <p id="token-expires-help" className="mt-1 text-xs text-slate-500">
          {t('tokens.expiresAt.help')}
        </p>
        {fieldError('expiresAt')}
        {/* Until the members are known, the token would be for nobody. */}
        <button type="submit" disabled={issue.isPending || !data} className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
          {issue.isPending ? t('tokens.issuing') : t('tokens.issue')}
        </button>
      </form>
    </div>
  );
}
