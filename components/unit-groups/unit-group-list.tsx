'use client';
import { useInfiniteQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { queryKeys } from '@/lib/query-keys';
import type { UnitGroupSummaryView as UnitGroupSummary } from '@/lib/unit-groups/views';
import { api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { StateBadge } from '../state-badge';
import { formatTime } from '../time';

export function UnitGroupList() {
  const t = useT();
  const locale = useLocale();
  // Newest first, a page at a time; every page shown is polled again.
  const { data, fetchNextPage, hasNextPage, isFetchingNextPage } = useInfiniteQuery({
    queryKey: queryKeys.unitGroups(),
    queryFn: ({ pageParam }) => api.get<{ unitGroups: Json<UnitGroupSummary>[]; nextCursor: string | null }>(`/api/v1/unit-groups?limit=100${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ''}`),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    refetchInterval: 2000,
  });
  if (!data) return <p>{t('common.loading')}</p>;
  const unitGroups = data.pages.flatMap((p) => p.unitGroups);
  if (!unitGroups.length) return <p className="text-slate-600">{t('unitGroups.empty')}</p>;
  return (
    <>
      <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
      <thead className="bg-slate-100 text-left">
        <tr>
          <th className="p-2">{t('unitGroups.title')}</th>
          <th className="p-2">{t('unitGroup.state')}</th>
          <th className="p-2">{t('unitGroups.nodes')}</th>
          <th className="p-2">{t('unitGroups.organization')}</th>
          <th className="p-2">{t('builds.createdAt')}</th>
        </tr>
      </thead>
      <tbody>
        {unitGroups.map((g) => (
          <tr key={g.id} className="border-t border-slate-100">
            <td className="p-2">
              <Link href={`/unit-groups/${g.id}`} className="font-mono text-indigo-700 hover:underline">
                {g.name}
              </Link>
            </td>
            <td className="p-2">
              <StateBadge state={g.state} />
            </td>
            <td className="p-2">
              {g.runningCount} / {g.nodeCount} RUNNING
            </td>
            <td className="p-2">{g.organizationName}</td>
            <td className="p-2">{formatTime(g.createdAt, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
    {hasNextPage && (
      <button type="button" onClick={() => void fetchNextPage()} disabled={isFetchingNextPage} className="mt-3 rounded border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 disabled:opacity-50">
        {t('common.more')}
      </button>
    )}
    </>
  );
}
