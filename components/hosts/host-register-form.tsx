'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { HostView } from '@/lib/hosts/views';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import type { Json } from '../json-types';
import { hostsKey } from './host-table';

type Fields = { name: string; address: string; sshPort: string; sshUser: string; hostKeyFingerprint: string; capacity: string; agentDir: string };
type Errors = Partial<Record<keyof Fields | 'form', string>>;

const EMPTY: Fields = { name: '', address: '', sshPort: '22', sshUser: '', hostKeyFingerprint: '', capacity: '', agentDir: '' };
const REQUIRED: (keyof Fields)[] = ['name', 'address', 'sshPort', 'sshUser', 'capacity'];

// Numbers go to the API as typed: what is not a whole number in range comes back as that field's 400.
const asNumber = (text: string) => (text.trim() ? Number(text.trim()) : undefined);

/** Registers a server; every field's error is the API's, shown under the field. */
export function HostRegisterForm({ organizationId }: { organizationId: string }) {
  const t = useT();
  const client = useQueryClient();
  const [values, setValues] = useState<Fields>(EMPTY);
  const [errors, setErrors] = useState<Errors>({});
  const [registered, setRegistered] = useState<string | null>(null);

  const register = useMutation({
    mutationFn: (body: object) => api.post<{ host: Json<HostView> }>(`/api/v1/organizations/${organizationId}/hosts`, body),
    onSuccess: ({ host }) => {
      setRegistered(host.name);
      setErrors({});
      setValues({ ...EMPTY, sshPort: values.sshPort, sshUser: values.sshUser });
      void client.invalidateQueries({ queryKey: hostsKey(organizationId) });
    },
    // Every field's problem at once: an empty required field in the reader's language, the rest as the API names them.
    onError: (e) => {
      const missing = Object.fromEntries(REQUIRED.filter((k) => !values[k].trim()).map((k) => [k, t('form.required')]));
      setErrors(e instanceof ApiError ? { ...e.fields, ...missing, form: e.message } : { form: String(e) });
    },
  });

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    setRegistered(null);
    register.mutate({
      name: values.name.trim() || undefined,
      address: values.address.trim() || undefined,
      sshPort: asNumber(values.sshPort),
      sshUser: values.sshUser.trim() || undefined,
      hostKeyFingerprint: values.hostKeyFingerprint.trim() || null,
      capacity: asNumber(values.capacity),
      agentDir: values.agentDir.trim() || undefined,
    });
  }

  const set = (k: keyof Fields) => (e: React.ChangeEvent<HTMLInputElement>) => setValues({ ...values, [k]: e.target.value });
  const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500';
  const anyFieldError = (Object.keys(EMPTY) as (keyof Fields)[]).some((k) => errors[k]);

  function field(k: keyof Fields, label: string, help: string | null, extra: React.InputHTMLAttributes<HTMLInputElement> = {}) {
    const id = `host-${k}`;
    return (
      <>
        <label htmlFor={id} className="mt-4 block text-sm font-medium">
          {label}
        </label>
        <input
          id={id}
          className={input}
          value={values[k]}
          onChange={set(k)}
          aria-invalid={!!errors[k]}
          aria-describedby={help ? `${id}-help` : undefined}
          autoComplete="off"
          spellCheck={false}
          {...extra}
        />
        {help && (
          <p id={`${id}-help`} className="mt-1 text-xs text-slate-500">
            {help}
          </p>
        )}
        {errors[k] && (
          <p role="alert" className="mt-1 text-sm text-rose-700">
            {errors[k]}
          </p>
        )}
      </>
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold">{t('hosts.registerTitle')}</h2>
      {registered && (
        <p role="status" className="mt-3 rounded bg-emerald-50 p-2 text-sm text-emerald-800">
          {t('hosts.registered')} ({registered})
        </p>
      )}
      {errors.form && !anyFieldError && (
        <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
          {errors.form}
        </p>
      )}
      {field('name', t('hosts.name'), t('hosts.name.help'), { maxLength: 63 })}
      {field('address', t('hosts.address'), t('hosts.address.help'), { placeholder: 'gpu01.example.ac.jp' })}
      {field('sshPort', t('hosts.sshPort'), null, { inputMode: 'numeric' })}
      {field('sshUser', t('hosts.sshUser'), t('hosts.sshUser.help'))}
      {field('capacity', t('hosts.capacity'), t('hosts.capacity.help'), { inputMode: 'numeric' })}
      {field('hostKeyFingerprint', t('hosts.hostKeyFingerprint'), t('hosts.hostKeyFingerprint.help'), { placeholder: 'SHA256:…' })}
      {field('agentDir', t('hosts.agentDir'), t('hosts.agentDir.help'), { placeholder: '~/.ocs-portal' })}
      <button type="submit" disabled={register.isPending} className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
        {register.isPending ? t('hosts.registering') : t('hosts.register')}
      </button>
    </form>
  );
}
