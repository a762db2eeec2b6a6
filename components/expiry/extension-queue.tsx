'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import type { QueuedExtensionView } from '@/lib/expiry/views';
import { ApiError, api } from '../api';
import { useSay } from '../catalog/say';
import { useLocale } from '../i18n';
import type { Json } from '../json-types';
import { formatTime } from '../time';

const QUEUE_KEY = ['expiry-extensions', 'pending'] as const;
/** The API's largest page (lib/api/pagination.ts MAX_PAGE): far more requests than ever wait at once. */
const MAX_PAGE = 200;

/** NII staff's queue: extension requests beyond their organization's policy, each approved or rejected with a note. */
export function ExtensionQueue() {
  const say = useSay();
  const locale = useLocale();
  const { data, error } = useQuery({
    queryKey: QUEUE_KEY,
    queryFn: async () => {
      const page = await api.get<{ extensions: Json<QueuedExtensionView>[]; nextCursor: string | null }>(`/api/v1/expiry-extensions?state=pending&limit=${MAX_PAGE}`);
      // The API answers newest first; the queue is worked oldest first.
      return { ...page, extensions: [...page.extensions].reverse() };
    },
    refetchInterval: 15_000,
  });
  if (error) return <p role="alert" className="text-rose-700">{error instanceof ApiError ? error.message : String(error)}</p>;
  if (!data) return <p>{say('common.loading')}</p>;
  if (!data.extensions.length) return <p className="text-slate-600">{say('expiryQueue.empty')}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full rounded-lg border border-slate-200 bg-white text-sm shadow-sm" data-testid="extension-queue">
        <thead className="bg-slate-100 text-left">
          <tr>
            <th className="p-2">{say('expiryQueue.organization')}</th>
            <th className="p-2">{say('expiryQueue.unitGroup')}</th>
            <th className="p-2">{say('expiry.requestedBy')}</th>
            <th className="p-2">{say('expiry.fromUntil')}</th>
            <th className="p-2">{say('expiry.reason')}</th>
            <th className="p-2">{say('expiryQueue.note')}</th>
          </tr>
        </thead>
        <tbody>
          {data.extensions.map((x) => (
            <tr key={x.id} className="border-t border-slate-100 align-top" data-testid="extension-request">
              <td className="p-2">
                {x.organizationName}
                <p className="text-xs text-slate-500">{say('expiryQueue.policyDays', { days: x.extensionAutoApproveDays })}</p>
              </td>
              <td className="p-2">
                <Link href={`/unit-groups/${x.unitGroupId}`} className="font-mono text-indigo-700 hover:underline">
                  {x.unitGroupName}
                </Link>
              </td>
              <td className="p-2">
                {x.requestedByName}
                <p className="text-xs text-slate-500">{x.requestedByEmail}</p>
                <p className="text-xs text-slate-500">{formatTime(x.createdAt, locale)}</p>
              </td>
              <td className="p-2 whitespace-nowrap">
                {formatTime(x.fromExpiresAt, locale)}
                <br />→ {formatTime(x.untilExpiresAt, locale)}
              </td>
              <td className="max-w-xs p-2 break-words">{x.reason}</td>
              <td className="p-2">
                <Decision extensionId={x.id} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Decision({ extensionId }: { extensionId: string }) {
  const say = useSay();
  const client = useQueryClient();
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const decide = useMutation({
    mutationFn: (decision: 'approve' | 'reject') => api.post(`/api/v1/expiry-extensions/${extensionId}/decision`, { decision, note }),
    onSuccess: () => void client.invalidateQueries({ queryKey: QUEUE_KEY }),
    onError: (e) => setError(e instanceof ApiError ? (e.fields.note ?? e.fields.decision ?? e.message) : String(e)),
  });
  const reject = () => {
    if (!note.trim()) return setError(say('expiryQueue.noteRequired'));
    decide.mutate('reject');
  };
  return (
    <div className="flex min-w-56 flex-col gap-1">
      <input aria-label={say('expiryQueue.note')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={1000} className="rounded border border-slate-300 px-2 py-1" />
      <div className="flex gap-2">
        <button type="button" disabled={decide.isPending} onClick={() => decide.mutate('approve')} className="rounded border border-emerald-300 px-2 py-1 text-emerald-800 hover:bg-emerald-50 disabled:opacity-50">
          {say('expiryQueue.approve')}
        </button>
        <button type="button" disabled={decide.isPending} onClick={reject} className="rounded border border-rose-300 px-2 py-1 text-rose-800 hover:bg-rose-50 disabled:opacity-50">
          {say('expiryQueue.reject')}
        </button>
      </div>
      {error && (
        <span role="alert" className="text-xs text-rose-700">
          {error}
        </span>
      )}
    </div>
  );
}
