'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MessageKey } from '@/lib/i18n/messages';
import { WEBHOOK_EVENTS, type WebhookEvent } from '@/lib/webhooks/event-names';
import type { CreatedWebhookView } from '@/lib/webhooks/views';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { SecretOnce } from '../secret-once';
import type { Json } from '../json-types';
import { webhooksKey } from './keys';
import { FIELD_INPUT, FieldError } from '../field-error';

type Errors = Partial<Record<'url' | 'events' | 'description' | 'form', string>>;

export const eventLabel = (event: string) => `webhooks.event.${event}` as MessageKey;

/** Add form; after adding it shows the signing secret once, then forgets it. */
export function WebhookForm({ organizationId }: { organizationId: string }) {
  const t = useT();
  const client = useQueryClient();
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>([]);
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [secret, setSecret] = useState<string | null>(null);

  const add = useMutation({
    mutationFn: (body: object) => api.post<Json<CreatedWebhookView>>(`/api/v1/organizations/${organizationId}/webhooks`, body),
    onSuccess: (result) => {
      setSecret(result.secret);
      setErrors({});
      setUrl('');
      setEvents([]);
      setDescription('');
      void client.invalidateQueries({ queryKey: webhooksKey(organizationId) });
    },
    onError: (e) => {
      if (!(e instanceof ApiError)) return setErrors({ form: String(e) });
      // "events.1": the list as a whole is what the form shows.
      const events = Object.entries(e.fields).find(([k]) => k.startsWith('events'))?.[1];
      setErrors({ ...e.fields, ...(events ? { events } : {}), form: e.message });
    },
  });

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    if (!url.trim()) return setErrors({ url: t('form.required') });
    setErrors({});
    add.mutate({ url: url.trim(), events, description: description.trim() || null });
  }

  const toggle = (event: WebhookEvent) => setEvents((now) => (now.includes(event) ? now.filter((e) => e !== event) : [...now, event]));
  const fieldError = (k: keyof Errors) => <FieldError message={errors[k]} />;
  const input = FIELD_INPUT;

  return (
    <div className="space-y-4">
      {secret && <SecretOnce id="webhook-secret" secret={secret} text={{ title: t('webhooks.secretTitle'), warning: t('webhooks.secretWarning'), help: t('webhooks.secretHelp'), copy: t('webhooks.copy'), copied: t('webhooks.copied'), dismiss: t('webhooks.dismiss') }} onDismiss={() => setSecret(null)} />}
      <form onSubmit={onSubmit} noValidate className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h2 className="text-lg font-semibold">{t('webhooks.addTitle')}</h2>
        {errors.form && !errors.url && !errors.events && !errors.description && (
          <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
            {errors.form}
          </p>
        )}
        <label htmlFor="webhook-url" className="mt-4 block text-sm font-medium">
          {t('webhooks.url')}
        </label>
        <input
          id="webhook-url"
          type="url"
          className={`${input} font-mono text-sm`}
          value={url}
          onChange={(e) => setUrl(e.target.value)}
          placeholder="https://example.ac.jp/hooks/ocs"
          aria-invalid={!!errors.url}
          aria-describedby="webhook-url-help"
        />
        <p id="webhook-url-help" className="mt-1 text-xs text-slate-500">
          {t('webhooks.url.help')}
        </p>
        {fieldError('url')}
        <fieldset className="mt-4" aria-describedby="webhook-events-help">
          <legend className="text-sm font-medium">{t('webhooks.events')}</legend>
          {WEBHOOK_EVENTS.map((event) => (
            <label key={event} className="mt-1 flex items-start gap-2 text-sm">
              <input type="checkbox" className="mt-1" checked={events.includes(event)} onChange={() => toggle(event)} />
              <span>
                {t(eventLabel(event))} <code className="text-xs text-slate-500">{event}</code>
              </span>
            </label>
          ))}
          <p id="webhook-events-help" className="mt-1 text-xs text-slate-500">
            {t('webhooks.events.help')}
          </p>
        </fieldset>
        {fieldError('events')}
        <label htmlFor="webhook-description" className="mt-4 block text-sm font-medium">
          {t('webhooks.description')}
        </label>
        <input id="webhook-description" className={input} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} aria-invalid={!!errors.description} />
        {fieldError('description')}
        <button type="submit" disabled={add.isPending} className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
          {add.isPending ? t('webhooks.adding') : t('webhooks.add')}
        </button>
      </form>
    </div>
  );
}
