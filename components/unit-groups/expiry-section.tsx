'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { ExpiryView, ExtensionView } from '@/lib/expiry/views';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useSay } from '../catalog/say';
import { dayOf, endOfDay } from '../expiry/dates';
import { useLocale } from '../i18n';
import type { Json } from '../json-types';
import { formatTime, useNow } from '../time';

const DAY_MS = 24 * 60 * 60_000;

/** The newest page of requests: a pending one, if any, is among them. */
type ExpiryJson = { expiry: Json<ExpiryView>; extensions: Json<ExtensionView>[]; nextCursor: string | null };

/** Under the unit group's own key, so whatever refreshes the unit group refreshes this too. */
const expiryKey = (unitGroupId: string) => [...queryKeys.unitGroup(unitGroupId), 'expiry'] as const;

const STATE_TONE = { pending: 'bg-amber-100 text-amber-900', approved: 'bg-emerald-100 text-emerald-800', rejected: 'bg-slate-200 text-slate-700' } as const;

/**
 * The unit group's end date (利用期限): when it ends, how long is left, the form to set it, move it
 * earlier or ask for an extension, and the extension requests with their state. An expired unit
 * group says when it will be deleted.
 */
export function ExpirySection({ unitGroupId, deleting }: { unitGroupId: string; deleting: boolean }) {
  const say = useSay();
  const locale = useLocale();
  const now = useNow();
  const client = useQueryClient();
  const [day, setDay] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { data } = useQuery({ queryKey: expiryKey(unitGroupId), queryFn: () => api.get<ExpiryJson>(`/api/v1/unit-groups/${unitGroupId}/extensions`), refetchInterval: 10_000 });
  const change = useMutation({
    mutationFn: ({ to, later }: { to: string | null; later: boolean }) =>
      later ? api.post(`/api/v1/unit-groups/${unitGroupId}/extensions`, { until: to, reason }) : api.put(`/api/v1/unit-groups/${unitGroupId}/expiry`, { expiresAt: to }),
    onSuccess: () => {
      setError(null);
      setDay('');
      setReason('');
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
    },
    onError: (e) => setError(e instanceof ApiError ? (e.fields.until ?? e.fields.expiresAt ?? e.fields.reason ?? e.message) : String(e)),
  });
  if (!data) return null;
  const { expiry, extensions } = data;
  const current = expiry.expiresAt;
  const chosen = day ? endOfDay(day) : null;
  const later = !!(current && chosen && Date.parse(chosen) > Date.parse(current));
  // With a date set, the form asks for an extension unless the day picked is earlier.
  const earlier = !!(current && chosen && !later);
  const pending = extensions.some((x) => x.state === 'pending');
  const left = current ? Date.parse(current) - now : 0;

  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (!chosen) return setError(say('expiry.dateRequired'));
    if (later && !reason.trim()) return setError(say('expiry.reasonRequired'));
    change.mutate({ to: chosen, later });
  };

  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm" data-testid="expiry">
      <h2 className="font-semibold">{say('expiry.title')}</h2>
      {expiry.expiredAt && (
        <p role="alert" className="mt-2 rounded bg-rose-50 p-2 text-rose-800" data-testid="expired-banner">
          {say('expiry.expiredBanner', { expiresAt: formatTime(current, locale), deletesAt: formatTime(expiry.deletesAt, locale) })}
        </p>
      )}
      <p className="mt-2" data-testid="expires-at">
        {current ? (
          <>
            <span className="font-medium">{formatTime(current, locale)}</span>
            {!expiry.expiredAt && left > 0 && <span className="ml-2 text-slate-600">{left < DAY_MS ? say('expiry.lessThanDay') : say('expiry.daysLeft', { days: Math.floor(left / DAY_MS) })}</span>}
          </>
        ) : (
          <span className="text-slate-600">{say('expiry.none')}</span>
        )}
      </p>
      <p className="mt-1 text-xs text-slate-500">{say('expiry.policy', { days: expiry.extensionAutoApproveDays, grace: expiry.expiryGraceDays })}</p>
      {pending && <p className="mt-1 text-amber-800">{say('expiry.pendingNote')}</p>}
      {expiry.canChange && !deleting && (
        <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-2" noValidate>
          <label className="flex flex-col gap-1">
            <span className="text-xs text-slate-600">{say('expiry.date')}</span>
            <input type="date" value={day} min={dayOf(new Date(now).toISOString())} onChange={(e) => setDay(e.target.value)} className="rounded border border-slate-300 px-2 py-1" />
          </label>
          {current && (
            <label className="flex min-w-64 flex-1 flex-col gap-1">
              <span className="text-xs text-slate-600">{say('expiry.reason')}</span>
              <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={1000} disabled={earlier} className="rounded border border-slate-300 px-2 py-1 disabled:bg-slate-50" />
            </label>
          )}
          <button type="submit" disabled={change.isPending} className="rounded border border-indigo-300 px-3 py-1 text-indigo-800 hover:bg-indigo-50 disabled:opacity-50">
            {!current ? say('expiry.set') : earlier ? say('expiry.earlier') : say('expiry.request')}
          </button>
          {current && (
            <button type="button" disabled={change.isPending} onClick={() => change.mutate({ to: null, later: false })} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100 disabled:opacity-50">
              {say('expiry.clear')}
            </button>
          )}
          {error && (
            <span role="alert" className="text-rose-700">
              {error}
            </span>
          )}
        </form>
      )}
      {extensions.length > 0 && (
        <table className="mt-3 w-full" data-testid="extensions">
          <caption className="text-left text-xs font-semibold text-slate-600">{say('expiry.requests')}</caption>
          <thead className="text-left text-xs text-slate-500">
            <tr>
              <th className="p-1">{say('expiry.requestedAt')}</th>
              <th className="p-1">{say('expiry.fromUntil')}</th>
              <th className="p-1">{say('expiry.reason')}</th>
              <th className="p-1">{say('expiry.requestedBy')}</th>
              <th className="p-1">{say('expiry.state')}</th>
              <th className="p-1">{say('expiry.decisionNote')}</th>
            </tr>
          </thead>
          <tbody>
            {extensions.map((x) => (
              <tr key={x.id} className="border-t border-slate-100 align-top" data-testid="extension-row" data-state={x.state}>
                <td className="p-1 whitespace-nowrap">{formatTime(x.createdAt, locale)}</td>
                <td className="p-1 whitespace-nowrap">
                  {formatTime(x.fromExpiresAt, locale)} → {formatTime(x.untilExpiresAt, locale)}
                </td>
                <td className="max-w-xs p-1 break-words">{x.reason}</td>
                <td className="p-1">{x.requestedByName}</td>
                <td className="p-1">
                  <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${STATE_TONE[x.state]}`}>{say(`expiry.state.${x.state}`)}</span>
                </td>
                <td className="max-w-xs p-1 break-words text-slate-600">{x.autoApproved ? say('expiry.autoApproved') : (x.decisionNote ?? '')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
