'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { BuildSummaryView } from '@/lib/builds/views';
import { queryKeys } from '@/lib/query-keys';
import { api } from '../api';
import type { Json } from '../json-types';
import { useLocale, useT } from '../i18n';
import { StateBadge } from '../state-badge';
import { formatTime } from '../time';


export function BuildList() {
  const t = useT();
  const locale = useLocale();
  const { data } = useQuery({
    queryKey: queryKeys.builds(),
    queryFn: () => api.get<{ builds: Json<BuildSummaryView>[]; nextCursor: string | null }>('/api/v1/builds?limit=100'),
    refetchInterval: 2000,
  });
  if (!data) return <p>{t('common.loading')}</p>;
  if (!data.builds.length) return <p className="text-slate-600">{t('builds.empty')}</p>;
  return (
    <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
      <thead className="bg-slate-100 text-left">
        <tr>
          <th className="p-2">{t('builds.template')}</th>
          <th className="p-2">{t('builds.unitGroup')}</th>
          <th className="p-2">{t('builds.status')}</th>
          <th className="p-2">{t('builds.by')}</th>
          <th className="p-2">{t('builds.createdAt')}</th>
        </tr>
      </thead>
      <tbody>
        {data.builds.map((b) => (
          <tr key={b.id} className="border-t border-slate-100">
            <td className="p-2">
              <Link href={`/builds/${b.id}`} className="text-indigo-700 hover:underline">
                {b.templateTitle[locale]} <span className="text-xs text-slate-500">v{b.templateVersion}</span>
                {b.kind !== 'create' && <span className="ml-2 text-xs text-slate-500">({t(b.kind === 'scale' ? 'build.kind.scale' : 'build.kind.power')})</span>}
              </Link>
            </td>
            <td className="p-2 font-mono">{b.unitGroupName ?? '—'}</td>
            <td className="p-2">
              <StateBadge state={b.status} />
            </td>
            <td className="p-2">{b.createdByEmail}</td>
            <td className="p-2">{formatTime(b.createdAt, locale)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
