'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { applicationQueryKey, type ApplicationDetailJson } from './types';

type Decision = 'approve' | 'request_changes' | 'reject';
type Errors = Record<string, string>;

/**
 * Staff's decision on a submitted application: a reason (always), and on approval the quotas —
 * the total (default: the expected nodes) and, optionally, a limit per provider.
 */
export function DecisionForm({ application: a, quotaProviders }: { application: ApplicationDetailJson; quotaProviders: string[] }) {
  const t = useT();
  const router = useRouter();
  const client = useQueryClient();
  const [reason, setReason] = useState('');
  const [maxNodes, setMaxNodes] = useState(String(a.expectedNodes));
  const [perProvider, setPerProvider] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Errors>({});

  const decide = useMutation({
    mutationFn: (body: object) => api.post(`/api/v1/service-applications/${a.id}/decision`, body),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: applicationQueryKey(a.id) });
      router.refresh();
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const decision = ((e.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null)?.value as Decision | undefined;
    if (!decision) return;
    const found: Errors = {};
    if (!reason.trim()) found.reason = t('form.required');
    const quota: Record<string, number> = {};
    if (decision === 'approve') {
      const total = Number(maxNodes);
      if (!Number.isInteger(total) || total < 1) found.maxNodes = '1〜10000';
      for (const [p, v] of Object.entries(perProvider)) {
        if (!v.trim()) continue;
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0 || n > total) found[`maxNodesPerProvider.${p}`] = `0〜${Number.isInteger(total) ? total : ''}`;
        else quota[p] = n;
      }
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    decide.mutate(decision === 'approve' ? { decision, reason: reason.trim(), maxNodes: Number(maxNodes), maxNodesPerProvider: quota } : { decision, reason: reason.trim() });
  }

  const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500';
  const fieldError = (k: string, id: string) =>
    errors[k] && (
      <p id={`${id}-error`} role="alert" className="mt-1 text-sm text-rose-700">
        {errors[k]}
      </p>
    );
  return (
    <form onSubmit={onSubmit} noValidate aria-label={t('review.decide')} className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold">{t('review.decide')}</h2>
      {errors.form && (
        <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
          {errors.form}
        </p>
      )}
      <label className="mt-4 block text-sm font-medium" htmlFor="decisionReason">
        {t('review.reason')}
      </label>
      <textarea id="decisionReason" rows={3} className={input} value={reason} onChange={(e) => setReason(e.target.value)} aria-invalid={!!errors.reason} aria-describedby="decisionReason-help" />
      <p id="decisionReason-help" className="mt-1 text-xs text-slate-500">
        {t('review.reason.help')}
      </p>
      {fieldError('reason', 'decisionReason')}
      <fieldset className="mt-4 rounded border border-slate-200 p-3">
        <label className="block text-sm font-medium" htmlFor="maxNodes">
          {t('review.maxNodes')}
        </label>
        <input id="maxNodes" type="number" min={1} className={input} value={maxNodes} onChange={(e) => setMaxNodes(e.target.value)} aria-invalid={!!errors.maxNodes} />
        <p className="mt-1 text-xs text-slate-500">{t('review.maxNodes.help')}</p>
        {fieldError('maxNodes', 'maxNodes')}
        {quotaProviders.map((p) => (
          <div key={p}>
            <label className="mt-3 block text-sm font-medium" htmlFor={`maxNodes-${p}`}>
              {`${t('review.maxNodes')} (${p})`}
            </label>
            <input
              id={`maxNodes-${p}`}
              type="number"
              min={0}
              className={input}
              value={perProvider[p] ?? ''}
              onChange={(e) => setPerProvider({ ...perProvider, [p]: e.target.value })}
              aria-invalid={!!errors[`maxNodesPerProvider.${p}`]}
            />
            {fieldError(`maxNodesPerProvider.${p}`, `maxNodes-${p}`)}
          </div>
        ))}
        <p className="mt-2 text-xs text-slate-500">{t('review.perProvider.help')}</p>
      </fieldset>
      <div className="mt-6 flex flex-wrap gap-3">
        <button type="submit" value="approve" disabled={decide.isPending} className="rounded bg-emerald-600 px-4 py-2 font-semibold text-white hover:bg-emerald-700 disabled:opacity-50">
          {t('review.approve')}
        </button>
        <button type="submit" value="request_changes" disabled={decide.isPending} className="rounded bg-amber-500 px-4 py-2 font-semibold text-white hover:bg-amber-600 disabled:opacity-50">
          {t('review.requestChanges')}
        </button>
        <button type="submit" value="reject" disabled={decide.isPending} className="rounded bg-rose-600 px-4 py-2 font-semibold text-white hover:bg-rose-700 disabled:opacity-50">
          {t('review.reject')}
        </button>
      </div>
    </form>
  );
}
