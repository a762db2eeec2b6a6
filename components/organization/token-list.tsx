'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { TokenStatus, TokenView } from '@/lib/tokens/views';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { formatTime } from '../time';
import { ConfirmDialog } from './confirm-dialog';
import { tokensKey } from './token-issue-form';

const STATUS_TONE: Record<TokenStatus, string> = {
  active: 'bg-emerald-100 text-emerald-800 ring-emerald-300',
  expired: 'bg-slate-200 text-slate-700 ring-slate-300',
  revoked: 'bg-rose-100 text-rose-800 ring-rose-300',
};

export function TokenList({ organizationId }: { organizationId: string }) {
  const t = useT();
  const locale = useLocale();
  const client = useQueryClient();
  const [revoking, setRevoking] = useState<Json<TokenView> | null>(null);
  const { data, error } = useQuery({
    queryKey: tokensKey(organizationId),
    queryFn: () => api.get<{ tokens: Json<TokenView>[] }>(`/api/v1/organizations/${organizationId}/tokens?limit=200`),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/tokens/${id}`),
    onSuccess: () => {
      setRevoking(null);
      void client.invalidateQueries({ queryKey: tokensKey(organizationId) });
    },
  });

  if (error) return <p role="alert" className="text-rose-700">{error instanceof ApiError ? error.message : t('org.error')}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  if (!data.tokens.length) return <p className="text-slate-600">{t('tokens.empty')}</p>;
  return (
    <>
      <div aria-hidden={!!revoking} inert={!!revoking} className="overflow-x-auto">
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="p-2">{t('tokens.prefix')}</th>
              <th className="p-2">{t('tokens.note')}</th>
              <th className="p-2">{t('tokens.member')}</th>
              <th className="p-2">{t('tokens.role')}</th>
              <th className="p-2">{t('tokens.expiresAt')}</th>
              <th className="p-2">{t('tokens.lastUsed')}</th>
              <th className="p-2">{t('tokens.status')}</th>
              <th className="p-2" />
            </tr>
          </thead>
          <tbody>
            {data.tokens.map((token) => (
              <tr key={token.id} className="border-t border-slate-100" data-testid="token-row">
                <td className="p-2 font-mono text-xs">{token.prefix}…</td>
                <td className="p-2">{token.note}</td>
                <td className="p-2 font-mono text-xs">{token.userEmail}</td>
                <td className="p-2 font-mono text-xs">{token.role}</td>
                <td className="p-2">{formatTime(token.expiresAt, locale)}</td>
                <td className="p-2">{token.lastUsedAt ? formatTime(token.lastUsedAt, locale) : <span className="text-slate-500">{t('tokens.never')}</span>}</td>
                <td className="p-2">
                  <span data-status={token.status} className={`inline-flex rounded px-2 py-0.5 text-xs font-semibold ring-1 ring-inset ${STATUS_TONE[token.status]}`}>
                    {t(`tokens.status.${token.status}`)}
                  </span>
                </td>
                <td className="p-2 text-right">
                  {token.status === 'active' && (
                    <button
                      onClick={() => {
                        revoke.reset();
                        setRevoking(token);
                      }}
                      className="rounded border border-rose-300 px-2 py-1 whitespace-nowrap text-rose-700 hover:bg-rose-50"
                    >
                      {t('tokens.revoke')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revoking && (
        <ConfirmDialog
          title={t('tokens.revokeConfirmTitle')}
          subject={`${revoking.prefix}… ${revoking.note}`}
          body={t('tokens.revokeConfirmBody')}
          confirmLabel={t('tokens.revoke')}
          pending={revoke.isPending}
          error={revoke.error?.message}
          onConfirm={() => revoke.mutate(revoking.id)}
          onCancel={() => setRevoking(null)}
        />
      )}
    </>
  );
}
