'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { canOverflow, isCloud } from '@/lib/providers/catalog';
import { inLanguage } from '@/lib/providers/explained';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { StateBadge } from '../state-badge';
import { BurstPolicyForm } from './burst-policy-form';
import { DeleteNodesButton } from './delete-nodes-button';
import { DeleteUnitGroupButton } from './delete-unit-group-button';
import { ExpirySection } from './expiry-section';
import { MetricsPanel } from './metrics-panel';
import { UnitNodeRows } from './unit-node-rows';
import { PowerManyButtons } from './power-many-buttons';
import { ScaleUnitForm } from './scale-unit-form';
import { ScheduleForm } from './schedule-form';
import type { UnitGroupDetailView } from '@/lib/unit-groups/views';

type UnitGroupJson = Json<UnitGroupDetailView>;

export function UnitGroupView({ unitGroupId }: { unitGroupId: string }) {
  const t = useT();
  const locale = useLocale();
  // Ticked node numbers per unit, for deleting exactly those nodes.
  const [ticked, setTicked] = useState<Record<string, number[]>>({});
  const tick = (unitId: string, no: number, on: boolean) => setTicked((prev) => ({ ...prev, [unitId]: on ? [...(prev[unitId] ?? []), no] : (prev[unitId] ?? []).filter((n) => n !== no) }));
  const { data, error } = useQuery({
    queryKey: queryKeys.unitGroup(unitGroupId),
    queryFn: () => api.get<{ unitGroup: UnitGroupJson }>(`/api/v1/unit-groups/${unitGroupId}`),
    refetchInterval: (q) => (q.state.error instanceof ApiError && q.state.error.status === 404 ? false : 1000),
  });

  if (error instanceof ApiError && error.status === 404)
    return (
      <p data-testid="unit-group-gone">
        {t('unitGroup.deleted')}{' '}
        <Link href="/unit-groups" className="text-indigo-700 hover:underline">
          {t('nav.unitGroups')}
        </Link>
      </p>
    );
  if (!data) return <p>{t('common.loading')}</p>;
  const g = data.unitGroup;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-2xl font-bold">{g.name}</h1>
        <StateBadge state={g.state} />
        {g.stateReason && <span className="whitespace-pre-line text-sm text-rose-700">{inLanguage(g.stateReason, locale)}</span>}
        <div className="ml-auto flex gap-2">
          {g.buildId && (
            <Link href={`/builds/${g.buildId}`} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
              {t('unitGroup.build')}
            </Link>
          )}
          <PowerManyButtons path={`/api/v1/unit-groups/${g.id}`} name={g.name} unitGroupId={g.id} nodes={g.units.flatMap((u) => u.nodes)} partial={g.units.some((u) => u.nodesNextCursor !== null)} scope="unitGroup" disabled={g.state !== 'RUNNING' && g.state !== 'ERROR'} />
          <DeleteUnitGroupButton unitGroupId={g.id} name={g.name} disabled={g.state === 'DELETING'} />
        </div>
      </div>
      <ExpirySection unitGroupId={g.id} deleting={g.state === 'DELETING'} />
      {g.units.map((u) => (
        <section key={u.id} className="rounded-lg border border-slate-200 bg-white shadow-sm" data-testid={`unit-${u.name}`}>
          <div className="flex items-center gap-3 border-b border-slate-100 p-3">
            <h2 className="font-semibold">
              {t('unitGroup.unit')}: <span className="font-mono">{u.name}</span>
            </h2>
            <StateBadge state={u.state} />
            <span className="text-sm text-slate-500">
              {u.provider} / {u.flavor} · {u.image} · {u.nodeCount} / {u.numNodes}
            </span>
            <ScaleUnitForm unitId={u.id} unitGroupId={g.id} current={u.numNodes} disabled={g.state !== 'RUNNING' && g.state !== 'ERROR'} />
            <PowerManyButtons path={`/api/v1/units/${u.id}`} name={`${g.name} / ${u.name}`} unitGroupId={g.id} nodes={u.nodes} partial={u.nodesNextCursor !== null} scope="unit" disabled={g.state !== 'RUNNING' && g.state !== 'ERROR'} />
            <DeleteNodesButton
              unitId={u.id}
              unitGroupId={g.id}
              // Ticks on nodes that went are dropped (the rest of a big unit is not in this read: kept).
              nodeNos={(ticked[u.id] ?? []).filter((no) => u.nodesNextCursor !== null || u.nodes.some((n) => n.nodeNo === no))}
              disabled={g.state !== 'RUNNING' && g.state !== 'ERROR'}
              onDone={() => setTicked((prev) => ({ ...prev, [u.id]: [] }))}
            />
          </div>
          {/* Units on the lab's servers overflow to a cloud; a unit on a cloud may follow the Slurm queue there. */}
          {(canOverflow(u.provider) || (g.workQueue && isCloud(u.provider))) && (
            <BurstPolicyForm unitId={u.id} unitName={u.name} unitGroupId={g.id} organizationId={g.organizationId} burst={u.burst} queueCapable={g.workQueue} ownCloud={isCloud(u.provider) ? u.provider : null} disabled={g.state === 'DELETING'} />
          )}
          <ScheduleForm unitId={u.id} unitName={u.name} unitGroupId={g.id} disabled={g.state === 'DELETING'} />
          <table className="w-full text-sm">
            <thead className="text-left text-slate-500">
              <tr>
                <th className="p-2" />
                <th className="p-2">{t('node.no')}</th>
                <th className="p-2">{t('node.state')}</th>
                <th className="p-2">{t('node.ip')}</th>
                <th className="p-2">{t('node.privateIp')}</th>
                <th className="p-2">{t('node.flavor')}</th>
                <th className="p-2">{t('node.provider')}</th>
                <th className="p-2">{t('node.uptime')}</th>
                <th className="p-2">{t('node.applications')}</th>
                <th className="p-2">{t('node.power')}</th>
              </tr>
            </thead>
            <tbody>
              <UnitNodeRows unit={u} unitGroupId={g.id} ticked={ticked[u.id] ?? []} onTick={(no, on) => tick(u.id, no, on)} />
            </tbody>
          </table>
        </section>
      ))}
      <MetricsPanel unitGroupId={g.id} />
    </div>
  );
}
