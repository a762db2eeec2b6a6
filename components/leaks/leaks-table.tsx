'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { LeakList as LeakListView, LeakSweepReport, LeakView as LeakViewOnServer } from '@/lib/leaks/views';
import { ApiError, api } from '../api';
import { useSay } from '../catalog/say';
import { useLocale } from '../i18n';
import type { Json } from '../json-types';
import { formatTime } from '../time';

type LeakList = Json<LeakListView>;
type LeakView = Json<LeakViewOnServer>;

/** Open leaks first, then ended ones; each newest first (as the API pages them). */
const byState = (x: LeakView, y: LeakView) => Number(x.endedAt !== null) - Number(y.endedAt !== null) || y.firstSeenAt.localeCompare(x.firstSeenAt);

const leaksKey = (organizationId: string | null) => ['leaks', organizationId ?? 'all'] as const;

function State({ leak }: { leak: LeakView }) {
  const say = useSay();
  if (!leak.outcome) return <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs font-semibold text-amber-900">{say('leaks.open')}</span>;
  return <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700">{say(`leaks.outcome.${leak.outcome}`)}</span>;
}

/**
 * The leak sweeper's findings: one organization's (with "check now" for its admins), or every
 * organization's for NII staff (organizationId null).
 */
export function LeaksTable({ organizationId, manage }: { organizationId: string | null; manage: boolean }) {
  const say = useSay();
  const locale = useLocale();
  const client = useQueryClient();
  const { data, error } = useQuery({
    queryKey: leaksKey(organizationId),
    queryFn: () => api.get<LeakList>(`/api/v1/leaks?limit=200${organizationId ? `&organizationId=${organizationId}` : ''}`),
  });
  const check = useMutation({
    mutationFn: () => api.post<{ report: Json<LeakSweepReport> }>(`/api/v1/organizations/${organizationId}/leaks/check`, {}),
    onSuccess: () => void client.invalidateQueries({ queryKey: leaksKey(organizationId) }),
  });
  if (error) return <p role="alert" className="text-rose-700">{error instanceof ApiError ? error.message : String(error)}</p>;
  if (!data) return <p>{say('common.loading')}</p>;
  const report = check.data?.report;
  return (
    <div data-testid="leaks">
      <div className="mb-2 flex flex-wrap items-center gap-3 text-sm text-slate-600">
        <span>{data.dryRun ? say('leaks.dryRun') : say('leaks.grace', { minutes: data.graceMinutes })}</span>
        {manage && organizationId && (
          <button onClick={() => check.mutate()} disabled={check.isPending} className="rounded border border-indigo-300 px-2 py-1 text-indigo-800 hover:bg-indigo-50 disabled:opacity-50">
            {check.isPending ? say('leaks.checking') : say('leaks.check')}
          </button>
        )}
        {report && (
          <span role="status" data-testid="leaks-checked">
            {say('leaks.checked', { accounts: report.accounts, listed: report.listed, open: report.open, removed: report.removed.length })}
            {report.failures.length > 0 && ` · ${say('leaks.checkFailed', { count: report.failures.length })}`}
          </span>
        )}
        {check.error && <span role="alert" className="text-rose-700">{check.error.message}</span>}
      </div>
      {data.leaks.length === 0 ? (
        <p className="text-slate-600">{say('leaks.empty')}</p>
      ) : (
        <div className="overflow-x-auto">
          <table className="w-full rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            <thead className="bg-slate-100 text-left">
              <tr>
                {!organizationId && <th className="p-2">{say('leaks.organization')}</th>}
                <th className="p-2">{say('leaks.account')}</th>
                <th className="p-2">{say('leaks.resource')}</th>
                <th className="p-2">{say('leaks.reason')}</th>
                <th className="p-2">{say('leaks.firstSeen')}</th>
                <th className="p-2">{say('leaks.removeAfter')}</th>
                <th className="p-2">{say('leaks.state')}</th>
              </tr>
            </thead>
            <tbody>
              {[...data.leaks].sort(byState).map((leak) => (
                <tr key={leak.id} className="border-t border-slate-100 align-top" data-testid="leak-row" data-resource-id={leak.resourceId}>
                  {!organizationId && <td className="p-2">{leak.organizationName}</td>}
                  <td className="p-2">
                    {leak.accountName} <span className="text-xs text-slate-500">({leak.provider})</span>
                  </td>
                  <td className="p-2">
                    <p>{leak.name}</p>
                    <p className="font-mono text-xs text-slate-500">{leak.resourceId}</p>
                  </td>
                  <td className="max-w-xs p-2 text-xs break-words">
                    {leak.reason}
                    {leak.lastError && (
                      <p className="mt-1 text-rose-700">
                        {say('leaks.lastError')}: {leak.lastError}
                      </p>
                    )}
                  </td>
                  <td className="p-2 text-xs whitespace-nowrap">{formatTime(leak.firstSeenAt, locale)}</td>
                  <td className="p-2 text-xs whitespace-nowrap">{leak.outcome ? formatTime(leak.endedAt, locale) : leak.removeAfter ? formatTime(leak.removeAfter, locale) : say('leaks.dryRun')}</td>
                  <td className="p-2">
                    <State leak={leak} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
