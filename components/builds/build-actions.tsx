'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { queryKeys } from '@/lib/query-keys';
import { api } from '../api';
import { useT } from '../i18n';

/** Cancel (keeping or tearing down what was made) a running build; retry a failed one. */
export function BuildActions({ buildId, status, kind }: { buildId: string; status: string; kind: string }) {
  const t = useT();
  const client = useQueryClient();
  const [asking, setAsking] = useState(false);
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.build(buildId) });
  const cancel = useMutation({ mutationFn: (mode: 'keep' | 'teardown') => api.post(`/api/v1/builds/${buildId}/cancel`, { mode }), onSuccess: () => (setAsking(false), refresh()) });
  const retry = useMutation({ mutationFn: () => api.post(`/api/v1/builds/${buildId}/retry`, {}), onSuccess: refresh });
  const error = cancel.error ?? retry.error;
  const button = 'rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50';
  return (
    <div className="flex flex-wrap items-center gap-2">
      {(status === 'QUEUED' || status === 'RUNNING') && !asking && (
        <button className={button} onClick={() => setAsking(true)}>
          {t('build.cancel')}
        </button>
      )}
      {asking && (
        <div role="group" aria-label={t('build.cancel')} className="flex flex-wrap items-center gap-2 rounded border border-amber-300 bg-amber-50 p-2 text-sm">
          <span>{t('build.cancelQuestion')}</span>
          <button className={button} disabled={cancel.isPending} onClick={() => cancel.mutate('keep')}>
            {t('build.cancelKeep')}
          </button>
          {kind === 'create' && (
            <button className={button} disabled={cancel.isPending} onClick={() => cancel.mutate('teardown')}>
              {t('build.cancelTeardown')}
            </button>
          )}
          <button className={button} onClick={() => setAsking(false)}>
            {t('unitGroup.cancel')}
          </button>
        </div>
      )}
      {status === 'FAILED' && (
        <button className={button} disabled={retry.isPending} onClick={() => retry.mutate()}>
          {t('build.retry')}
        </button>
      )}
      {error && (
        <span role="alert" className="text-sm text-rose-700">
          {error.message}
        </span>
      )}
    </div>
  );
}
