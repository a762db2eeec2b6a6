'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { AuditEventView } from '@/lib/audit/views';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { OrganizationPicker, type OrganizationOption } from '../organization/organization-picker';
import { formatTime } from '../time';

type Outcome = AuditEventView['outcome'];
interface Filters {
  organizationId: string;
  action: string;
  actor: string;
  outcome: '' | Outcome;
  from: string;
  to: string;
}

const OUTCOMES: readonly Outcome[] = ['success', 'denied', 'failure'];
const OUTCOME_TONE: Record<Outcome, string> = {
  success: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  denied: 'bg-amber-100 text-amber-800 ring-amber-300',
  failure: 'bg-rose-100 text-rose-800 ring-rose-300',
};

/** The filters as API query parameters; dates are whole days in the reader's time zone. */
function queryOf(f: Filters): URLSearchParams {
  const q = new URLSearchParams();
  if (f.organizationId) q.set('organizationId', f.organizationId);
  if (f.action.trim()) q.set('action', f.action.trim());
  if (f.actor.trim()) q.set('actor', f.actor.trim());
  if (f.outcome) q.set('outcome', f.outcome);
  if (f.from) q.set('from', new Date(`${f.from}T00:00:00`).toISOString());
  if (f.to) {
    const end = new Date(`${f.to}T00:00:00`);
    end.setDate(end.getDate() + 1);
    q.set('to', end.toISOString());
  }
  return q;
}

/**
 * The audit log with filters, newest first, a page at a time, and the same selection as CSV.
 * `allowAll` lets the reader see every organization at once (NII staff: entries of none too).
 */
export function AuditLog({ organizations, allowAll, initialOrganizationId }: { organizations: OrganizationOption[]; allowAll: boolean; initialOrganizationId: string }) {
  const t = useT();
  const locale = useLocale();
  const blank: Filters = { organizationId: initialOrganizationId, action: '', actor: '', outcome: '', from: '', to: '' };
  const [draft, setDraft] = useState<Filters>(blank);
  const [applied, setApplied] = useState<Filters>(blank);
  const query = queryOf(applied);

  const { data, error, fetchNextPage, hasNextPage, isFetchingNextPage } = useInfiniteQuery({
    queryKey: ['audit-events', query.toString()],
    queryFn: ({ pageParam }) => {
      const page = new URLSearchParams(query);
      if (pageParam) page.set('cursor', pageParam);
      return api.get<{ events: Json<AuditEventView>[]; nextCursor: string | null }>(`/api/v1/audit-events?${page}`);
    },
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const events = data?.pages.flatMap((p) => p.events) ?? [];
  const csv = new URLSearchParams(query);
  csv.set('format', 'csv');

  const set = (k: keyof Filters) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) => setDraft({ ...draft, [k]: e.target.value });
  const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5';

  return (
    <>
      <OrganizationPicker
        organizations={organizations}
        value={applied.organizationId}
        allowAll={allowAll}
        onChange={(organizationId) => {
          setDraft({ ...draft, organizationId });
          setApplied({ ...applied, organizationId });
        }}
      />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setApplied(draft);
        }}
        className="mb-4 grid gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm sm:grid-cols-3 lg:grid-cols-6"
      >
        <div>
          <label htmlFor="audit-action" className="font-medium">
            {t('audit.action')}
          </label>
          <input id="audit-action" className={input} value={draft.action} onChange={set('action')} placeholder="token.issue" title={t('audit.action.help')} />
        </div>
        <div>
          <label htmlFor="audit-actor" className="font-medium">
            {t('audit.actor')}
          </label>
          <input id="audit-actor" className={input} value={draft.actor} onChange={set('actor')} />
        </div>
        <div>
          <label htmlFor="audit-outcome" className="font-medium">
            {t('audit.outcome')}
          </label>
          <select id="audit-outcome" className={input} value={draft.outcome} onChange={set('outcome')}>
            <option value="">{t('org.all')}</option>
            {OUTCOMES.map((o) => (
              <option key={o} value={o}>
                {t(`audit.outcome.${o}`)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="audit-from" className="font-medium">
            {t('audit.from')}
          </label>
          <input id="audit-from" type="date" className={input} value={draft.from} onChange={set('from')} />
        </div>
        <div>
          <label htmlFor="audit-to" className="font-medium">
            {t('audit.to')}
          </label>
          <input id="audit-to" type="date" className={input} value={draft.to} min={draft.from || undefined} onChange={set('to')} />
        </div>
        <div className="flex items-end gap-2">
          <button type="submit" className="rounded bg-indigo-600 px-3 py-1.5 font-semibold text-white hover:bg-indigo-700">
            {t('audit.apply')}
          </button>
          <button
            type="button"
            onClick={() => {
              const cleared = { ...blank, organizationId: applied.organizationId };
              setDraft(cleared);
              setApplied(cleared);
            }}
            className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-100"
          >
            {t('audit.reset')}
          </button>
        </div>
      </form>
      <div className="mb-2 flex justify-end">
        <a href={`/api/v1/audit-events?${csv}`} download className="rounded border border-indigo-300 px-3 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50">
          {t('audit.csv')}
        </a>
      </div>
      {error ? (
        <p role="alert" className="text-rose-700">
          {error instanceof ApiError ? error.message : t('org.error')}
        </p>
      ) : !data ? (
        <p>{t('common.loading')}</p>
      ) : !events.length ? (
        <p className="text-slate-600">{t('audit.empty')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            <thead className="bg-slate-100 text-left">
              <tr>
                <th className="p-2">{t('audit.at')}</th>
                <th className="p-2">{t('audit.actor')}</th>
                <th className="p-2">{t('org.picker')}</th>
                <th className="p-2">{t('audit.action')}</th>
                <th className="p-2">{t('audit.target')}</th>
                <th className="p-2">{t('audit.ip')}</th>
                <th className="p-2">{t('audit.outcome')}</th>
                <th className="p-2">{t('audit.details')}</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id} className="border-t border-slate-100 align-top" data-testid="audit-row">
                  <td className="p-2 whitespace-nowrap">{formatTime(e.at, locale)}</td>
                  <td className="p-2 font-mono text-xs break-all">{e.actorLabel}</td>
                  <td className="p-2">{e.organizationName ?? '—'}</td>
                  <td className="p-2 font-mono text-xs">{e.action}</td>
                  <td className="p-2 font-mono text-xs break-all">{e.targetType ? `${e.targetType} ${e.targetId ?? ''}` : '—'}</td>
                  <td className="p-2 font-mono text-xs">{e.ipAddress ?? '—'}</td>
                  <td className="p-2">
                    <span data-outcome={e.outcome} className={`inline-flex rounded px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${OUTCOME_TONE[e.outcome]}`}>
                      {t(`audit.outcome.${e.outcome}`)}
                    </span>
                  </td>
                  <td className="max-w-xs p-2">
                    {Object.keys(e.details).length > 0 && <code className="block font-mono text-xs break-all text-slate-600">{JSON.stringify(e.details)}</code>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hasNextPage && (
            <button onClick={() => fetchNextPage()} disabled={isFetchingNextPage} className="mt-3 rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100 disabled:opacity-50">
              {t('audit.more')}
            </button>
          )}
        </div>
      )}
    </>
  );
}
