'use client';
// A node's page: where it is, how to log in over SSH, a terminal for owners and admins, and its applications' logs.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { api, ApiError } from '@/components/api';
import { useSay } from '@/components/catalog/say';
import { useLocale, useT } from '@/components/i18n';
import type { Json } from '@/components/json-types';
import { StateBadge } from '@/components/state-badge';
import type { NodeDetail } from '@/lib/nodes/node-detail';
import { inLanguage } from '@/lib/providers/explained';
import { ApplicationLog } from './application-log';
import { SshLogin } from './ssh-login';
import { WebTerminal } from './web-terminal';

export function NodeView({ nodeId }: { nodeId: string }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  const { data, error } = useQuery({
    queryKey: ['nodes', nodeId],
    queryFn: () => api.get<{ node: Json<NodeDetail> }>(`/api/v1/nodes/${nodeId}`),
    refetchInterval: (q) => (q.state.error instanceof ApiError && q.state.error.status === 404 ? false : 5000),
  });
  if (error) return <p role="alert">{error.message}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  const n = data.node;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{say('nodePage.title', { unit: n.unit.name, no: n.nodeNo })}</h1>
        <StateBadge state={n.state} />
        {n.stateReason && <span className="whitespace-pre-line text-sm text-rose-700">{inLanguage(n.stateReason, locale)}</span>}
        <Link href={`/unit-groups/${n.unitGroup.id}`} className="ml-auto text-sm text-indigo-700 hover:underline">
          {t('nodePage.unitGroup')}: <span className="font-mono">{n.unitGroup.name}</span>
        </Link>
      </div>
      <section className="rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm">
        <h2 className="text-lg font-semibold">{t('nodePage.details')}</h2>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
          <dt className="text-slate-600">{t('node.ip')}</dt>
          <dd className="font-mono">{n.ipAddress ?? '—'}</dd>
          <dt className="text-slate-600">{t('node.provider')}</dt>
          <dd>
            {n.provider} / {n.flavor}
          </dd>
          <dt className="text-slate-600">{t('nodePage.agent')}</dt>
          <dd className="font-mono text-xs">{n.agentVersion ?? '—'}</dd>
          <dt className="text-slate-600">{t('node.applications')}</dt>
          <dd>
            {n.applications.map((a) => (
              <span key={a.name} className="mr-3 inline-flex items-center gap-1">
                <span className="font-mono">{a.name}</span> <StateBadge state={a.state} />
                {a.url && (
                  <a href={a.url} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">
                    {t('nodePage.open')} ↗
                  </a>
                )}
              </span>
            ))}
          </dd>
        </dl>
      </section>
      <SshLogin address={n.ipAddress} login={n.login} onPortalMachine={n.onPortalMachine} />
      <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h2 className="mb-3 text-lg font-semibold">{t('terminal.title')}</h2>
        {n.onPortalMachine ? (
          <p className="text-sm text-slate-600">{t('terminal.portalMachine')}</p>
        ) : n.mayOpenTerminal ? (
          <WebTerminal nodeId={n.id} />
        ) : (
          <p className="text-sm text-slate-600">{t('terminal.notAllowed')}</p>
        )}
      </section>
      <section className="rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h2 className="mb-3 text-lg font-semibold">{t('logs.title')}</h2>
        <ApplicationLog nodeId={n.id} applications={n.applications.map((a) => a.name)} />
      </section>
    </div>
  );
}
