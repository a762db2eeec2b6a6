'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { AccountTestView, ProviderAccountView } from '@/lib/provider-accounts/views';
import { TESTABLE_PROVIDERS, type AccountForm } from '@/lib/providers/account-fields';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { ConfirmDialog } from '../organization/confirm-dialog';
import { AccountFieldsInput, filled, type ProviderLabel } from './account-fields-input';

/** Providers whose accounts the portal can test (their driver has a connection test). */
const testable = (provider: string) => TESTABLE_PROVIDERS.includes(provider);

type Account = Json<ProviderAccountView>;

/** Replaces an account's credentials as a whole (they are never shown, so never edited). */
function ReplaceCredentials({ account, form, onDone }: { account: Account; form: AccountForm; onDone: () => void }) {
  const t = useT();
  const client = useQueryClient();
  const [values, setValues] = useState<Record<string, string>>({});
  const replace = useMutation({
    mutationFn: () => api.put<{ account: Account }>(`/api/v1/provider-accounts/${account.id}/credentials`, { credentials: filled(values) }),
    onSuccess: () => {
      setValues({});
      void client.invalidateQueries({ queryKey: queryKeys.providerAccounts(account.organizationId) });
      onDone();
    },
  });
  const errors = replace.error instanceof ApiError ? replace.error.fields : {};
  return (
    <form
      aria-label={t('accounts.replaceTitle')}
      noValidate
      className="mt-2 rounded border border-slate-200 bg-slate-50 p-3 text-left"
      onSubmit={(e) => {
        e.preventDefault();
        replace.mutate();
      }}
    >
      <p className="text-sm font-semibold">{t('accounts.replaceTitle')}</p>
      <AccountFieldsInput group="credentials" fields={form.credentials} values={values} errors={errors} onChange={(k, v) => setValues({ ...values, [k]: v })} />
      {replace.error && !Object.keys(errors).length && (
        <p role="alert" className="mt-2 text-sm text-rose-700">
          {replace.error.message}
        </p>
      )}
      <div className="mt-3 space-x-2">
        <button type="submit" disabled={replace.isPending} className="rounded bg-indigo-600 px-3 py-1 text-sm font-semibold text-white disabled:opacity-50">
          {t('accounts.replaceSave')}
        </button>
        <button type="button" onClick={onDone} className="rounded border border-slate-300 px-3 py-1 text-sm">
          {t('accounts.cancel')}
        </button>
      </div>
    </form>
  );
}

export function AccountTable({ organizationId, manage, forms, providers }: { organizationId: string; manage: boolean; forms: AccountForm[]; providers: ProviderLabel[] }) {
  const t = useT();
  const locale = useLocale();
  const client = useQueryClient();
  const [removing, setRemoving] = useState<Account | null>(null);
  const [replacing, setReplacing] = useState<string | null>(null);
  const [replaced, setReplaced] = useState<string | null>(null);
  const { data, error } = useQuery({
    queryKey: queryKeys.providerAccounts(organizationId),
    queryFn: () => api.get<{ accounts: Account[] }>(`/api/v1/organizations/${organizationId}/provider-accounts?limit=200`),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: queryKeys.providerAccounts(organizationId) });
  const makeDefault = useMutation({ mutationFn: (a: Account) => api.patch(`/api/v1/provider-accounts/${a.id}`, { isDefault: true }), onSuccess: refresh });
  // 接続テスト: changes nothing on the cloud, so no confirmation; its advice shows in the row.
  const check = useMutation({
    mutationFn: (a: Account) => api.post<{ account: Account; test: AccountTestView }>(`/api/v1/provider-accounts/${a.id}/test`, {}),
    onSuccess: refresh,
  });
  const checked = check.data && check.variables ? { accountId: check.variables.id, ...check.data.test } : null;
  const remove = useMutation({
    mutationFn: (a: Account) => api.delete(`/api/v1/provider-accounts/${a.id}`),
    onSuccess: () => {
      setRemoving(null);
      refresh();
    },
  });

  if (error) return <p role="alert" className="text-rose-700">{error instanceof ApiError ? error.message : t('org.error')}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  if (!data.accounts.length) return <p className="text-slate-600">{t('accounts.empty')}</p>;
  const provider = (id: string) => providers.find((p) => p.id === id);
  const button = 'rounded border px-2 py-1 whitespace-nowrap';
  // One element: the manager lays the table and the add form out side by side.
  return (
    <div>
      {replaced && (
        <p role="status" className="mb-2 rounded bg-emerald-50 p-2 text-sm text-emerald-800">
          {t('accounts.replaced')} ({replaced})
        </p>
      )}
      <div aria-hidden={!!removing} inert={!!removing} className="overflow-x-auto">
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="p-2">{t('accounts.name')}</th>
              <th className="p-2">{t('accounts.provider')}</th>
              <th className="p-2">{t('accounts.region')}</th>
              <th className="p-2">{t('accounts.credentials')}</th>
              <th className="p-2">{t('accounts.lastTest')}</th>
              {manage && <th className="p-2" />}
            </tr>
          </thead>
          <tbody>
            {[...data.accounts].sort((x, y) => x.provider.localeCompare(y.provider) || x.name.localeCompare(y.name)).map((account) => (
              <tr key={account.id} className="border-t border-slate-100 align-top" data-testid="account-row" data-account-name={account.name}>
                <td className="p-2 font-medium">
                  {account.name}
                  {account.isDefault && <span data-testid="account-default" className="ml-2 rounded bg-indigo-100 px-1.5 py-0.5 text-xs font-semibold text-indigo-800">{t('accounts.default')}</span>}
                </td>
                <td className="p-2">
                  {provider(account.provider)?.label[locale] ?? account.provider}
                  {provider(account.provider)?.available === false && <p className="text-xs text-slate-500">{t('accounts.unavailable')}</p>}
                </td>
                <td className="p-2 font-mono text-xs">{account.region ?? '—'}</td>
                <td className="p-2 font-mono text-xs" data-testid="account-hint">
                  {account.credentialHint}
                </td>
                <td className="max-w-xs p-2 text-xs break-words" data-testid="account-test" data-ok={account.lastTestAt ? String(account.lastTestOk) : undefined}>
                  {account.lastTestAt ? (
                    <>
                      <p className={account.lastTestOk ? 'text-emerald-800' : 'text-rose-700'}>
                        {account.lastTestOk ? '✓' : `✗ ${account.lastTestCode ?? ''}`} {account.lastTestMessage}
                      </p>
                      {checked?.accountId === account.id && checked.advice && <p className="mt-1 text-slate-700">{checked.advice[locale]}</p>}
                    </>
                  ) : (
                    <span className="text-slate-500">{provider(account.provider)?.available === false && !testable(account.provider) ? t('accounts.notTested') : t('accounts.untested')}</span>
                  )}
                  {check.error && check.variables?.id === account.id && (
                    <p role="alert" className="mt-1 text-rose-700">
                      {check.error.message}
                    </p>
                  )}
                </td>
                {manage && (
                  <td className="space-y-1 p-2 text-right">
                    {testable(account.provider) && (
                      <button onClick={() => check.mutate(account)} disabled={check.isPending} className={`${button} border-indigo-300 text-indigo-800 hover:bg-indigo-50 disabled:opacity-50`}>
                        {check.isPending && check.variables?.id === account.id ? t('accounts.testing') : t('accounts.test')}
                      </button>
                    )}{' '}
                    {!account.isDefault && (
                      <button onClick={() => makeDefault.mutate(account)} disabled={makeDefault.isPending} className={`${button} border-indigo-300 text-indigo-800 hover:bg-indigo-50`}>
                        {t('accounts.makeDefault')}
                      </button>
                    )}{' '}
                    <button onClick={() => setReplacing(replacing === account.id ? null : account.id)} className={`${button} border-slate-300 text-slate-700 hover:bg-slate-50`}>
                      {t('accounts.replace')}
                    </button>{' '}
                    <button onClick={() => setRemoving(account)} className={`${button} border-rose-300 text-rose-700 hover:bg-rose-50`}>
                      {t('accounts.remove')}
                    </button>
                    {replacing === account.id && (
                      <ReplaceCredentials
                        account={account}
                        form={forms.find((f) => f.provider === account.provider)!}
                        onDone={() => {
                          setReplacing(null);
                          setReplaced(account.name);
                        }}
                      />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {removing && (
        <ConfirmDialog
          title={t('accounts.removeConfirmTitle')}
          subject={`${removing.name} (${provider(removing.provider)?.label[locale] ?? removing.provider})`}
          body={t('accounts.removeConfirmBody')}
          confirmLabel={t('accounts.remove')}
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(removing)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </div>
  );
}
