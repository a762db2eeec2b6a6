'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import type { UnitView } from '@/lib/unit-groups/views';
import type { ProviderAccountView } from '@/lib/provider-accounts/views';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { FieldError, inputClass } from '../catalog/parameter-field';
import { useSay } from '../catalog/say';
import { SelectField } from '../catalog/select-field';
import type { ProviderOption } from '../catalog/types';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { ConfirmDialog } from '../organization/confirm-dialog';

interface Props {
  unitId: string;
  unitName: string;
  unitGroupId: string;
  organizationId: string;
  burst: UnitView['burst'];
  /** The unit group runs a work queue (Slurm) that can drive the unit's size. */
  queueCapable: boolean;
  /** The unit's own cloud, for a unit on one: its policy stays there and follows the queue. */
  ownCloud: string | null;
  disabled: boolean;
}

/** A unit's cloud-burst policy: shown in a line, edited in place. */
export function BurstPolicyForm({ unitId, unitName, unitGroupId, organizationId, burst, queueCapable, ownCloud, disabled }: Props) {
  const t = useT();
  const say = useSay();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/units/${unitId}/burst`),
    onSuccess: () => {
      setRemoving(false);
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
    },
  });
  return (
    <div className="border-b border-slate-100 px-3 py-2 text-sm" data-testid="burst-policy">
      <span className="font-medium">{t('burst.title')}: </span>
      {burst ? (
        <span data-testid="burst-summary">
          {say('burst.summary', { provider: burst.provider, flavor: burst.flavor, maxNodes: burst.maxNodes })}
          {burst.queue && ` · ${say('burst.queueSummary', { pending: burst.queue.pendingSeconds, idle: burst.queue.idleSeconds })}`}
        </span>
      ) : (
        <span className="text-slate-500">{t('burst.none')}</span>
      )}
      {!editing && (
        <span className="ml-3 inline-flex gap-2">
          <button type="button" disabled={disabled} onClick={() => setEditing(true)} className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-50">
            {t('burst.edit')}
          </button>
          {burst && (
            <button type="button" disabled={disabled} onClick={() => setRemoving(true)} className="rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-50">
              {t('burst.remove')}
            </button>
          )}
        </span>
      )}
      {removing && (
        <ConfirmDialog
          title={t('burst.removeConfirmTitle')}
          subject={unitName}
          body={t('burst.removeConfirmBody')}
          confirmLabel={t('burst.remove')}
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate()}
          onCancel={() => setRemoving(false)}
        />
      )}
      {editing && <BurstEditor {...{ unitId, unitGroupId, organizationId, burst, queueCapable, ownCloud }} onDone={() => setEditing(false)} />}
    </div>
  );
}

function BurstEditor({ unitId, unitGroupId, organizationId, burst, queueCapable, ownCloud, onDone }: Omit<Props, 'disabled' | 'unitName'> & { onDone: () => void }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  const client = useQueryClient();
  const providers = useQuery({ queryKey: queryKeys.providers(), queryFn: () => api.get<{ providers: ProviderOption[] }>('/api/v1/providers') });
  const accounts = useQuery({ queryKey: queryKeys.providerAccounts(organizationId), queryFn: () => api.get<{ accounts: Json<ProviderAccountView>[] }>(`/api/v1/organizations/${organizationId}/provider-accounts?limit=200`) });
  const [form, setForm] = useState({
    provider: burst?.provider ?? ownCloud ?? '',
    accountId: burst?.providerAccountId ?? '',
    flavor: burst?.flavor ?? '',
    maxNodes: String(burst?.maxNodes ?? 2),
    queue: !!burst?.queue || ownCloud !== null,
    pendingSeconds: String(burst?.queue?.pendingSeconds ?? 300),
    idleSeconds: String(burst?.queue?.idleSeconds ?? 600),
  });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const save = useMutation({
    mutationFn: () =>
      api.put(`/api/v1/units/${unitId}/burst`, {
        provider: form.provider,
        ...(form.accountId ? { accountId: form.accountId } : {}),
        flavor: form.flavor,
        maxNodes: form.maxNodes,
        ...(form.queue ? { queue: { pendingSeconds: form.pendingSeconds, idleSeconds: form.idleSeconds } } : {}),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
      onDone();
    },
    // Field errors go beside their fields; the message alone only when no field is named.
    onError: (e) => setErrors(e instanceof ApiError ? (Object.keys(e.fields).length ? e.fields : { body: e.message }) : { body: String(e) }),
  });
  const validate = (): Record<string, string> => {
    const problems: Record<string, string> = {};
    const outside = (value: string, min: number, max: number) => !/^\d+$/.test(value) || Number(value) < min || Number(value) > max;
    if (!form.provider) problems.provider = t('burst.choose');
    if (!form.flavor) problems.flavor = t('burst.choose');
    if (outside(form.maxNodes, 1, 32)) problems.maxNodes = say('burst.range', { min: 1, max: 32 });
    if (form.queue && outside(form.pendingSeconds, 10, 86_400)) problems['queue.pendingSeconds'] = say('burst.range', { min: 10, max: 86_400 });
    if (form.queue && outside(form.idleSeconds, 60, 86_400)) problems['queue.idleSeconds'] = say('burst.range', { min: 60, max: 86_400 });
    return problems;
  };
  if (providers.error || accounts.error)
    return (
      <p className="mt-2 text-rose-700" role="alert">
        {(providers.error ?? accounts.error)!.message}
      </p>
    );
  if (!providers.data || !accounts.data) return <p>{t('common.loading')}</p>;
  const accountProvider = (p: { id: string; accountsOf?: string }) => p.accountsOf ?? p.id;
  // A cloud is offered where the organization has an account for it.
  const clouds = providers.data.providers.filter((p) => p.available && (ownCloud === null || p.id === ownCloud) && accounts.data.accounts.some((a) => a.provider === accountProvider(p)));
  if (!clouds.length)
    return (
      <p className="mt-2 text-rose-700" role="alert">
        {t('burst.noAccount')}{' '}
        <Link href="/organization/accounts" className="text-indigo-700 hover:underline">
          {t('burst.account')}
        </Link>
      </p>
    );
  const chosen = clouds.find((p) => p.id === form.provider);
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  return (
    <form
      className="mt-2 grid gap-2 sm:grid-cols-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const problems = validate();
        setErrors(problems);
        if (!Object.keys(problems).length) save.mutate();
      }}
    >
      <SelectField
        id={`burst-provider-${unitId}`}
        label={t('burst.provider')}
        value={form.provider}
        placeholder="—"
        options={clouds.map((p) => ({ value: p.id, label: p.label[locale] }))}
        error={errors.provider}
        // Accounts and flavors belong to their provider.
        onChange={(provider) => set({ provider, accountId: '', flavor: '' })}
      />
      <SelectField
        id={`burst-account-${unitId}`}
        label={t('burst.account')}
        value={form.accountId}
        placeholder={t('burst.accountDefault')}
        options={accounts.data.accounts.filter((a) => chosen && a.provider === accountProvider(chosen)).map((a) => ({ value: a.id, label: a.name }))}
        disabled={!chosen}
        error={errors.accountId}
        onChange={(accountId) => set({ accountId })}
      />
      <SelectField
        id={`burst-flavor-${unitId}`}
        label={t('burst.flavor')}
        value={form.flavor}
        placeholder="—"
        options={(chosen?.flavors ?? []).map((f) => ({ value: f.name, label: `${f.name} — ${f.label[locale]}` }))}
        disabled={!chosen}
        error={errors.flavor}
        onChange={(flavor) => set({ flavor })}
      />
      <NumberField id={`burst-max-${unitId}`} label={t('burst.maxNodes')} value={form.maxNodes} min={1} max={32} error={errors.maxNodes} onChange={(maxNodes) => set({ maxNodes })} />
      {queueCapable && (
        <>
          <label className="flex items-center gap-2 sm:col-span-2">
            <input type="checkbox" checked={form.queue} disabled={ownCloud !== null} onChange={(e) => set({ queue: e.target.checked })} />
            {t('burst.queue')}
          </label>
          {form.queue && (
            <>
              <NumberField id={`burst-pending-${unitId}`} label={t('burst.pendingSeconds')} value={form.pendingSeconds} min={10} max={86_400} error={errors['queue.pendingSeconds']} onChange={(pendingSeconds) => set({ pendingSeconds })} />
              <NumberField id={`burst-idle-${unitId}`} label={t('burst.idleSeconds')} value={form.idleSeconds} min={60} max={86_400} error={errors['queue.idleSeconds']} onChange={(idleSeconds) => set({ idleSeconds })} />
            </>
          )}
        </>
      )}
      <div className="flex items-end gap-2 sm:col-span-4">
        <button type="submit" disabled={save.isPending} className="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-700 disabled:opacity-50">
          {t('burst.save')}
        </button>
        <button type="button" onClick={onDone} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
          {t('burst.cancel')}
        </button>
        {errors.body && (
          <span role="alert" className="text-rose-700">
            {errors.body}
          </span>
        )}
      </div>
    </form>
  );
}

function NumberField({ id, label, value, min, max, error, onChange }: { id: string; label: string; value: string; min: number; max: number; error?: string; onChange: (value: string) => void }) {
  return (
    <div>
      <label className="block text-sm" htmlFor={id}>
        {label}
      </label>
      <input id={id} type="number" min={min} max={max} className={inputClass} value={value} aria-invalid={!!error} onChange={(e) => onChange(e.target.value)} />
      <FieldError id={id} message={error} />
    </div>
  );
}
