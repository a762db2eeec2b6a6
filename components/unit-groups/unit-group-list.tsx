'use client';
import { useQuery } from '@tanstack/react-query';
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
  const { data } = useQuery({
    queryKey: queryKeys.unitGroups(),
    queryFn: () => api.get<{ unitGroups: Json<UnitGroupSummary>[] }>('/api/v1/unit-groups'),
    refetchInterval: 2000,
  });
  if (!data) return <p>{t('common.loading')}</p>;
  if (!data.unitGroups.length) return <p className="text-slate-600">{t('unitGroups.empty')}</p>;
  return (
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
        {data.unitGroups.map((g) => (
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
  );
}
