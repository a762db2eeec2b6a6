'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { canOverflow, isCloud } from '@/lib/providers/catalog';
import { inLanguage } from '@/lib/providers/explained';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useSay } from '../catalog/say';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { StateBadge } from '../state-badge';
import { formatDuration, useNow } from '../time';
import { BurstPolicyForm } from './burst-policy-form';
import { DeleteNodesButton } from './delete-nodes-button';
import { DeleteUnitGroupButton } from './delete-unit-group-button';
import { ExpirySection } from './expiry-section';
import { NodePowerButton } from './node-power-button';
import { MetricsPanel } from './metrics-panel';
import { PowerManyButtons } from './power-many-buttons';
import { ScaleUnitForm } from './scale-unit-form';
import { ScheduleForm } from './schedule-form';
import type { UnitGroupDetailView } from '@/lib/unit-groups/views';

type UnitGroupJson = Json<UnitGroupDetailView>;

export function UnitGroupView({ unitGroupId }: { unitGroupId: string }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  // Ticked node numbers per unit, for deleting exactly those nodes.
  const [ticked, setTicked] = useState<Record<string, number[]>>({});
  const tick = (unitId: string, no: number, on: boolean) => setTicked((prev) => ({ ...prev, [unitId]: on ? [...(prev[unitId] ?? []), no] : (prev[unitId] ?? []).filter((n) => n !== no) }));
  const now = useNow();
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
          <PowerManyButtons path={`/api/v1/unit-groups/${g.id}`} name={g.name} unitGroupId={g.id} nodes={g.units.flatMap((u) => u.nodes)} scope="unitGroup" disabled={g.state !== 'RUNNING' && g.state !== 'ERROR'} />
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
              {u.provider} / {u.flavor} · {u.image} · {u.nodes.length} / {u.numNodes}
            </span>
            <ScaleUnitForm unitId={u.id} unitGroupId={g.id} current={u.numNodes} disabled={g.state !== 'RUNNING' && g.state !== 'ERROR'} />
            <PowerManyButtons path={`/api/v1/units/${u.id}`} name={`${g.name} / ${u.name}`} unitGroupId={g.id} nodes={u.nodes} scope="unit" disabled={g.state !== 'RUNNING' && g.state !== 'ERROR'} />
            <DeleteNodesButton
              unitId={u.id}
              unitGroupId={g.id}
              nodeNos={(ticked[u.id] ?? []).filter((no) => u.nodes.some((n) => n.nodeNo === no))}
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
              {u.nodes.map((n) => (
                <tr key={n.id} className="border-t border-slate-100 align-top" data-testid="node-row" data-node-state={n.state}>
                  <td className="p-2">
                    <input type="checkbox" aria-label={say('node.select', { no: n.nodeNo })} checked={(ticked[u.id] ?? []).includes(n.nodeNo)} onChange={(e) => tick(u.id, n.nodeNo, e.target.checked)} />
                  </td>
                  <td className="p-2">
                    <Link href={`/nodes/${n.id}`} className="text-indigo-700 hover:underline" data-testid="node-link">
                      {n.nodeNo}
                    </Link>
                  </td>
                  <td className="p-2">
                    <StateBadge state={n.state} />
                    {n.stateReason && <p className="mt-1 max-w-xs whitespace-pre-line text-xs text-rose-700">{inLanguage(n.stateReason, locale)}</p>}
                  </td>
                  <td className="p-2 font-mono" data-testid="node-ip">
                    {n.ipAddress ?? '—'}
                  </td>
                  <td className="p-2" data-testid="node-private-network">
                    <PrivateNetwork network={n.privateNetwork} />
                  </td>
                  <td className="p-2">{n.flavor}</td>
                  <td className="p-2" data-testid="node-provider">
                    {n.provider}
                    {n.provider !== u.provider && <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">{t('burst.overflowNode')}</span>}
                  </td>
                  <td className="p-2">{n.startedAt && n.state === 'RUNNING' ? formatDuration(now - Date.parse(n.startedAt)) : '—'}</td>
                  <td className="p-2">
                    {n.applications.map((a) => (
                      <div key={a.id} className="flex items-center gap-2">
                        {a.url ? (
                          <a href={a.url} target="_blank" rel="noreferrer" className="font-mono text-indigo-700 hover:underline" data-testid="application-link">
                            {a.name} ↗
                          </a>
                        ) : (
                          <span className="font-mono">{a.name}</span>
                        )}
                        <StateBadge state={a.state} />
                      </div>
                    ))}
                  </td>
                  <td className="p-2">
                    <NodePowerButton nodeId={n.id} nodeNo={n.nodeNo} state={n.state} provider={n.provider} unitGroupId={g.id} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
      <MetricsPanel unitGroupId={g.id} />
    </div>
  );
}

/** A node's private-network address, and how its agent reaches its peers. */
function PrivateNetwork({ network }: { network: UnitGroupJson['units'][number]['nodes'][number]['privateNetwork'] }) {
  const say = useSay();
  if (!network) return <span className="text-slate-400">—</span>;
  const { direct, relay, none } = network.peers;
  return (
    <div>
      <span className="font-mono">{network.address}</span>
      {network.state === 'error' ? (
        <p className="max-w-xs text-xs text-rose-700">
          {say('node.privateError')}: {network.problem}
        </p>
      ) : network.state === 'pending' ? (
        <p className="text-xs text-slate-500">{say('node.privatePending')}</p>
      ) : (
        direct + relay + none > 0 && (
          <p className="text-xs text-slate-500" data-testid="node-peer-paths">
            {[direct && say('node.peersDirect', { count: direct }), relay && say('node.peersRelay', { count: relay }), none && say('node.peersNone', { count: none })].filter(Boolean).join(' · ')}
          </p>
        )
      )}
    </div>
  );
}
