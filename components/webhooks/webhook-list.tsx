'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { DeliveryView, WebhookView } from '@/lib/webhooks/views';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { ConfirmDialog } from '../organization/confirm-dialog';
import { formatTime } from '../time';
import { deliveriesKey, webhooksKey } from './keys';
import { eventLabel } from './webhook-form';
import { WebhookDeliveries } from './webhook-deliveries';

const STATE_TONE: Record<WebhookView['state'], string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  failing: 'bg-amber-100 text-amber-800 ring-amber-300',
  disabled: 'bg-slate-200 text-slate-700 ring-slate-300',
};

export function WebhookList({ organizationId }: { organizationId: string }) {
  const t = useT();
  const client = useQueryClient();
  const [deleting, setDeleting] = useState<Json<WebhookView> | null>(null);
  const { data, error } = useQuery({
    queryKey: webhooksKey(organizationId),
    queryFn: () => api.get<{ webhooks: Json<WebhookView>[]; nextCursor: string | null }>(`/api/v1/organizations/${organizationId}/webhooks`),
    // A failing webhook may be disabled by the worker meanwhile.
    refetchInterval: 30_000,
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/webhooks/${id}`),
    onSuccess: () => {
      setDeleting(null);
      void client.invalidateQueries({ queryKey: webhooksKey(organizationId) });
    },
  });

  if (error) return <p role="alert" className="text-rose-700">{error instanceof ApiError ? error.message : t('org.error')}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  if (!data.webhooks.length) return <p className="text-slate-600">{t('webhooks.empty')}</p>;
  return (
    <>
      <ul aria-hidden={!!deleting} inert={!!deleting} className="space-y-4">
        {data.webhooks.map((webhook) => (
          <WebhookItem
            key={webhook.id}
            webhook={webhook}
            organizationId={organizationId}
            onDelete={() => {
              remove.reset();
              setDeleting(webhook);
            }}
          />
        ))}
      </ul>
      {deleting && (
        <ConfirmDialog
          title={t('webhooks.deleteConfirmTitle')}
          subject={deleting.url}
          body={t('webhooks.deleteConfirmBody')}
          confirmLabel={t('webhooks.delete')}
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(deleting.id)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </>
  );
}

function WebhookItem({ webhook, organizationId, onDelete }: { webhook: Json<WebhookView>; organizationId: string; onDelete: () => void }) {
  const t = useT();
  const locale = useLocale();
  const client = useQueryClient();
  const [showDeliveries, setShowDeliveries] = useState(false);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: webhooksKey(organizationId) });
    void client.invalidateQueries({ queryKey: deliveriesKey(webhook.id) });
  };
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => api.patch<{ webhook: Json<WebhookView> }>(`/api/v1/webhooks/${webhook.id}`, { enabled }),
    onSuccess: refresh,
  });
  const test = useMutation({
    mutationFn: () => api.post<{ delivery: Json<DeliveryView> }>(`/api/v1/webhooks/${webhook.id}/test`, {}),
    onSuccess: refresh,
  });
  const ping = test.data?.delivery;
  const button = 'rounded border px-2 py-1 text-sm whitespace-nowrap disabled:opacity-50';

  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm" data-testid="webhook-row">
      <div className="flex flex-wrap items-start gap-2">
        <code className="min-w-0 flex-1 font-mono text-sm break-all">{webhook.url}</code>
        <span data-state={webhook.state} className={`inline-flex rounded px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATE_TONE[webhook.state]}`}>
          {t(`webhooks.state.${webhook.state}`)}
        </span>
      </div>
      {webhook.description && <p className="mt-1 text-sm text-slate-700">{webhook.description}</p>}
      <p className="mt-2 text-xs text-slate-600">
        {t('webhooks.events')}: {webhook.events.length ? webhook.events.map((e) => t(eventLabel(e))).join('、') : t('webhooks.events.all')}
      </p>
      {webhook.state === 'failing' && (
        <p className="mt-1 text-xs text-amber-800">
          {t('webhooks.failingSince')}: {formatTime(webhook.failingSince, locale)}
        </p>
      )}
      {webhook.state === 'disabled' && webhook.disabledReason && (
        <p className="mt-1 text-xs text-slate-700">
          {t('webhooks.disabledReason')} ({formatTime(webhook.disabledAt, locale)}): {webhook.disabledReason}
        </p>
      )}
      <div className="mt-3 flex flex-wrap gap-2">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending} className={`${button} border-slate-300 hover:bg-slate-100`}>
          {test.isPending ? t('webhooks.testing') : t('webhooks.test')}
        </button>
        <button type="button" onClick={() => toggle.mutate(!webhook.enabled)} disabled={toggle.isPending} className={`${button} border-slate-300 hover:bg-slate-100`}>
          {webhook.enabled ? t('webhooks.disable') : t('webhooks.enable')}
        </button>
        <button type="button" onClick={() => setShowDeliveries((s) => !s)} aria-expanded={showDeliveries} className={`${button} border-slate-300 hover:bg-slate-100`}>
          {showDeliveries ? t('webhooks.deliveries.hide') : t('webhooks.deliveries.show')}
        </button>
        <button type="button" onClick={onDelete} className={`${button} ml-auto border-rose-300 text-rose-700 hover:bg-rose-50`}>
          {t('webhooks.delete')}
        </button>
      </div>
      {ping && (
        <p role="status" className={`mt-2 text-sm ${ping.state === 'succeeded' ? 'text-emerald-800' : 'text-rose-700'}`}>
          {ping.state === 'succeeded' ? t('webhooks.testOk') : t('webhooks.testFailed')}
          {ping.responseStatus !== null && ` (HTTP ${ping.responseStatus})`}
          {ping.error && `: ${ping.error}`}
        </p>
      )}
      {(test.error || toggle.error) && (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {(test.error ?? toggle.error)!.message}
        </p>
      )}
      {showDeliveries && <WebhookDeliveries webhookId={webhook.id} />}
    </li>
  );
}
