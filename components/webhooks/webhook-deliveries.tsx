'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { DeliveryView } from '@/lib/webhooks/views';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { formatTime } from '../time';
import { deliveriesKey } from './keys';

const STATE_TONE: Record<DeliveryView['state'], string> = {
  pending: 'bg-sky-100 text-sky-800 ring-sky-300',
  succeeded: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  failed: 'bg-rose-100 text-rose-800 ring-rose-300',
};

type Page = { deliveries: Json<DeliveryView>[]; nextCursor: string | null };

/** A webhook's recent deliveries, newest first, with what the receiver answered. */
export function WebhookDeliveries({ webhookId }: { webhookId: string }) {
  const t = useT();
  const locale = useLocale();
  const { data, error, fetchNextPage, hasNextPage, isFetchingNextPage } = useInfiniteQuery({
    queryKey: deliveriesKey(webhookId),
    queryFn: ({ pageParam }) => api.get<Page>(`/api/v1/webhooks/${webhookId}/deliveries?limit=20${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    // Retries are minutes apart: a look every 10 s is current enough.
    refetchInterval: 10_000,
  });

  if (error) return <p role="alert" className="mt-3 text-sm text-rose-700">{error instanceof ApiError ? error.message : t('org.error')}</p>;
  if (!data) return <p className="mt-3 text-sm">{t('common.loading')}</p>;
  const deliveries = data.pages.flatMap((p) => p.deliveries);
  if (!deliveries.length) return <p className="mt-3 text-sm text-slate-600">{t('webhooks.deliveries.empty')}</p>;
  return (
    <div className="mt-3 overflow-x-auto">
      <table className="w-full text-sm" aria-label={t('webhooks.deliveries')}>
        <thead className="bg-slate-100 text-left">
          <tr>
            <th className="p-2">{t('webhooks.delivery.time')}</th>
            <th className="p-2">{t('webhooks.delivery.event')}</th>
            <th className="p-2">{t('webhooks.delivery.state')}</th>
            <th className="p-2">{t('webhooks.delivery.attempts')}</th>
            <th className="p-2">{t('webhooks.delivery.response')}</th>
          </tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id} className="border-t border-slate-100 align-top" data-testid="webhook-delivery">
              <td className="p-2 whitespace-nowrap">{formatTime(d.createdAt, locale)}</td>
              <td className="p-2 font-mono text-xs">{d.event}</td>
              <td className="p-2">
                <span data-state={d.state} className={`inline-flex rounded px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATE_TONE[d.state]}`}>
                  {t(`webhooks.delivery.state.${d.state}`)}
                </span>
                {d.nextAttemptAt && (
                  <div className="mt-1 text-xs text-slate-500">
                    {t('webhooks.delivery.nextAttempt')}: {formatTime(d.nextAttemptAt, locale)}
                  </div>
                )}
              </td>
              <td className="p-2">{d.attempts}</td>
              <td className="p-2">
                {d.responseStatus !== null && <span className="font-mono text-xs">HTTP {d.responseStatus}</span>}
                {d.error && <div className="text-xs text-rose-700">{d.error}</div>}
                {d.responseBody && (
                  <details className="mt-1">
                    <summary className="cursor-pointer text-xs text-slate-500">{t('webhooks.delivery.response')}</summary>
                    <pre className="mt-1 max-h-40 overflow-auto rounded bg-slate-50 p-2 text-xs break-all whitespace-pre-wrap">{d.responseBody}</pre>
                  </details>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {hasNextPage && (
        <button type="button" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage} className="mt-2 rounded border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 disabled:opacity-50">
          {t('webhooks.deliveries.more')}
        </button>
      )}
    </div>
  );
}
