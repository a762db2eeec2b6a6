'use client';
// A unit's node rows: the unit group's read carries its first page of nodes; a big unit's others
// are read from GET /api/v1/units/{id}/nodes when asked for, and kept fresh less often.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { inLanguage } from '@/lib/providers/explained';
import { queryKeys } from '@/lib/query-keys';
import type { NodeView, UnitView } from '@/lib/unit-groups/views';
import { api } from '../api';
import { useSay } from '../catalog/say';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { StateBadge } from '../state-badge';
import { formatDuration, useNow } from '../time';
import { NodePowerButton } from './node-power-button';

type NodeJson = Json<NodeView>;
type UnitJson = Json<UnitView>;

const REST_REFRESH_MS = 5000;

async function nodesAfter(unitId: string, cursor: string): Promise<NodeJson[]> {
  const all: NodeJson[] = [];
  for (let next: string | null = cursor; next; ) {
    const page: { nodes: NodeJson[]; nextCursor: string | null } = await api.get(`/api/v1/units/${unitId}/nodes?limit=200&cursor=${encodeURIComponent(next)}`);
    all.push(...page.nodes);
    next = page.nextCursor;
  }
  return all;
}

export function UnitNodeRows({ unit, unitGroupId, ticked, onTick }: { unit: UnitJson; unitGroupId: string; ticked: number[]; onTick: (nodeNo: number, on: boolean) => void }) {
  const t = useT();
  const say = useSay();
  const now = useNow();
  const [showAll, setShowAll] = useState(false);
  const cursor = unit.nodesNextCursor;
  const rest = useQuery({
    queryKey: [...queryKeys.unitGroup(unitGroupId), 'unit-nodes', unit.id, cursor],
    queryFn: () => nodesAfter(unit.id, cursor!),
    enabled: showAll && cursor !== null,
    refetchInterval: REST_REFRESH_MS,
    // A new first page (a node came or went) names a new cursor: the rows stay until its answer.
    placeholderData: (previous) => previous,
  });
  const shown = [...unit.nodes, ...(showAll && cursor !== null ? (rest.data ?? []) : [])];
  return (
    <>
      {shown.map((n) => (
        <NodeRow key={n.id} node={n} now={now} unitProvider={unit.provider} unitGroupId={unitGroupId} ticked={ticked.includes(n.nodeNo)} onTick={(on) => onTick(n.nodeNo, on)} />
      ))}
      {cursor !== null && (
        <tr className="border-t border-slate-100">
          <td colSpan={10} className="p-2 text-sm text-slate-500" data-testid="unit-nodes-more">
            {say('unitGroup.nodesShown', { shown: showAll && rest.data ? shown.length : unit.nodes.length, count: unit.nodeCount })}{' '}
            <button type="button" onClick={() => setShowAll(!showAll)} className="ml-2 rounded border border-slate-300 px-2 py-0.5 text-slate-700 hover:bg-slate-100">
              {showAll ? say('unitGroup.showFirstNodes', { count: unit.nodes.length }) : t('unitGroup.showAllNodes')}
            </button>
            {showAll && rest.isPending && <span className="ml-2">{t('common.loading')}</span>}
          </td>
        </tr>
      )}
    </>
  );
}

function NodeRow({ node: n, now, unitProvider, unitGroupId, ticked, onTick }: { node: NodeJson; now: number; unitProvider: string; unitGroupId: string; ticked: boolean; onTick: (on: boolean) => void }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  return (
    <tr className="border-t border-slate-100 align-top" data-testid="node-row" data-node-state={n.state}>
      <td className="p-2">
        <input type="checkbox" aria-label={say('node.select', { no: n.nodeNo })} checked={ticked} onChange={(e) => onTick(e.target.checked)} />
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
        {n.provider !== unitProvider && <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">{t('burst.overflowNode')}</span>}
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
        <NodePowerButton nodeId={n.id} nodeNo={n.nodeNo} state={n.state} provider={n.provider} unitGroupId={unitGroupId} />
      </td>
    </tr>
  );
}

/** A node's private-network address, and how its agent reaches its peers. */
function PrivateNetwork({ network }: { network: NodeJson['privateNetwork'] }) {
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
