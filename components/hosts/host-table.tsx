'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { HostState } from '@/lib/db/schema';
import type { HostCheck, HostView } from '@/lib/hosts/views';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import type { Json } from '../json-types';
import { ConfirmDialog } from '../organization/confirm-dialog';

export const hostsKey = (organizationId: string) => ['organizations', organizationId, 'hosts'] as const;

type Host = Json<HostView>;
type Action = 'drain' | 'activate' | 'remove' | 'unpin';

const STATE_TONE: Record<HostState, string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  draining: 'bg-amber-100 text-amber-800 ring-amber-300',
  unreachable: 'bg-rose-100 text-rose-800 ring-rose-300',
  removed: 'bg-slate-200 text-slate-700 ring-slate-300',
};

/** host:port as ssh and URLs write it (an IPv6 address in brackets). */
function endpoint(host: Host): string {
  return `${host.address.includes(':') ? `[${host.address}]` : host.address}:${host.sshPort}`;
}

function request(action: Action, id: string): Promise<unknown> {
  if (action === 'remove') return api.delete(`/api/v1/hosts/${id}`);
  // After an admin has checked a server whose key changed: its next contact pins the key it shows then.
  if (action === 'unpin') return api.patch(`/api/v1/hosts/${id}`, { hostKeyFingerprint: null });
  return api.post(`/api/v1/hosts/${id}/${action}`, {});
}

export function HostTable({ organizationId, manage }: { organizationId: string; manage: boolean }) {
  const t = useT();
  const client = useQueryClient();
  const [pending, setPending] = useState<{ host: Host; action: Action } | null>(null);
  const { data, error } = useQuery({
    queryKey: hostsKey(organizationId),
    queryFn: () => api.get<{ hosts: Host[] }>(`/api/v1/organizations/${organizationId}/hosts?limit=200`),
  });
  const act = useMutation({
    mutationFn: ({ host, action }: { host: Host; action: Action }) => request(action, host.id),
    onSuccess: () => {
      setPending(null);
      void client.invalidateQueries({ queryKey: hostsKey(organizationId) });
    },
  });
  // 接続テスト: no confirmation, it changes nothing on the server; its answer shows under the state.
  const check = useMutation({
    mutationFn: (host: Host) => api.post<{ host: Host; check: Json<HostCheck> }>(`/api/v1/hosts/${host.id}/check`, {}),
    onSuccess: () => void client.invalidateQueries({ queryKey: hostsKey(organizationId) }),
  });
  const checked = check.data && check.variables ? { hostId: check.variables.id, ...check.data.check } : null;
  const ask = (host: Host, action: Action) => {
    act.reset();
    setPending({ host, action });
  };

  if (error) return <p role="alert" className="text-rose-700">{error instanceof ApiError ? error.message : t('org.error')}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  if (!data.hosts.length) return <p className="text-slate-600">{t('hosts.empty')}</p>;
  const button = 'rounded border px-2 py-1 whitespace-nowrap';
  return (
    <>
      <div aria-hidden={!!pending} inert={!!pending} className="overflow-x-auto">
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="p-2">{t('hosts.name')}</th>
              <th className="p-2">{t('hosts.address')}</th>
              <th className="p-2">{t('hosts.sshUser')}</th>
              <th className="p-2">
                {t('hosts.nodes')} / {t('hosts.capacity')}
              </th>
              <th className="p-2">{t('hosts.state')}</th>
              <th className="p-2">{t('hosts.hostKey')}</th>
              {manage && <th className="p-2" />}
            </tr>
          </thead>
          <tbody>
            {[...data.hosts].sort((x, y) => x.name.localeCompare(y.name)).map((host) => (
              <tr key={host.id} className="border-t border-slate-100" data-testid="host-row" data-host-name={host.name}>
                <td className="p-2 font-medium">{host.name}</td>
                <td className="p-2 font-mono text-xs">{endpoint(host)}</td>
                <td className="p-2 font-mono text-xs">{host.sshUser}</td>
                <td className="p-2" data-testid="host-usage">
                  {host.nodes} / {host.capacity}
                </td>
                <td className="p-2">
                  <span
                    data-testid="host-state"
                    data-state={host.state}
                    title={host.stateReason ?? undefined}
                    className={`inline-flex rounded px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATE_TONE[host.state]}`}
                  >
                    {t(`hosts.state.${host.state}`)}
                  </span>
                  {checked?.hostId === host.id && checked.ok ? (
                    <p data-testid="host-check" data-ok="true" className="mt-1 text-xs text-emerald-800">
                      {t('hosts.check.ok')} {checked.system}
                    </p>
                  ) : (
                    host.stateReason && (
                      <p data-testid="host-check" data-ok="false" className="mt-1 max-w-xs text-xs break-words text-rose-700">
                        {host.stateReason}
                      </p>
                    )
                  )}
                </td>
                <td className="p-2" data-testid="host-fingerprint">
                  {host.hostKeyFingerprint ? <code className="font-mono text-xs break-all">{host.hostKeyFingerprint}</code> : <span className="text-slate-500">{t('hosts.hostKey.pending')}</span>}
                </td>
                {manage && (
                  <td className="space-x-1 p-2 text-right">
                    <button onClick={() => check.mutate(host)} disabled={check.isPending} className={`${button} border-indigo-300 text-indigo-800 hover:bg-indigo-50 disabled:opacity-50`}>
                      {check.isPending && check.variables?.id === host.id ? t('hosts.checking') : t('hosts.check')}
                    </button>
                    {host.state === 'draining' ? null : (
                      <button onClick={() => ask(host, 'drain')} className={`${button} border-amber-300 text-amber-800 hover:bg-amber-50`}>
                        {t('hosts.drain')}
                      </button>
                    )}
                    {host.state === 'active' ? null : (
                      <button onClick={() => ask(host, 'activate')} className={`${button} border-emerald-300 text-emerald-800 hover:bg-emerald-50`}>
                        {t('hosts.activate')}
                      </button>
                    )}
                    {host.hostKeyFingerprint && (
                      <button onClick={() => ask(host, 'unpin')} className={`${button} border-slate-300 text-slate-700 hover:bg-slate-50`}>
                        {t('hosts.unpin')}
                      </button>
                    )}
                    <button onClick={() => ask(host, 'remove')} className={`${button} border-rose-300 text-rose-700 hover:bg-rose-50`}>
                      {t('hosts.remove')}
                    </button>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {pending && (
        <ConfirmDialog
          title={t(`hosts.${pending.action}ConfirmTitle`)}
          subject={`${pending.host.name} (${endpoint(pending.host)})`}
          body={t(`hosts.${pending.action}ConfirmBody`)}
          confirmLabel={t(`hosts.${pending.action}`)}
          pending={act.isPending}
          error={act.error?.message}
          onConfirm={() => act.mutate(pending)}
          onCancel={() => setPending(null)}
        />
      )}
    </>
  );
}
