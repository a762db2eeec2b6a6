'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SshKeyView } from '@/lib/ssh-keys/user-keys';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { ConfirmDialog } from '../organization/confirm-dialog';
import { formatTime } from '../time';
import { FIELD_INPUT, FieldError } from '../field-error';

const KEYS = ['me', 'ssh-keys'] as const;

type Errors = Partial<Record<'name' | 'publicKey' | 'form', string>>;

/** The caller's SSH public keys: list, add (name + one OpenSSH line), delete after a confirmation. */
export function SshKeysManager() {
  const t = useT();
  const locale = useLocale();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [publicKey, setPublicKey] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [deleting, setDeleting] = useState<Json<SshKeyView> | null>(null);
  const { data, error } = useQuery({ queryKey: KEYS, queryFn: () => api.get<{ keys: Json<SshKeyView>[] }>('/api/v1/me/ssh-keys') });
  const add = useMutation({
    mutationFn: () => api.post<{ key: Json<SshKeyView> }>('/api/v1/me/ssh-keys', { name: name.trim(), publicKey }),
    onSuccess: () => {
      setName('');
      setPublicKey('');
      setErrors({});
      void client.invalidateQueries({ queryKey: KEYS });
    },
    onError: (e) => setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => api.delete(`/api/v1/me/ssh-keys/${id}`),
    onSuccess: () => {
      setDeleting(null);
      void client.invalidateQueries({ queryKey: KEYS });
    },
  });

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    if (!publicKey.trim()) return setErrors({ publicKey: t('form.required') });
    add.mutate();
  }

  const fieldError = (k: keyof Errors) => <FieldError message={errors[k]} />;
  const input = FIELD_INPUT;

  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_24rem]">
      <div aria-hidden={!!deleting} inert={!!deleting} className="overflow-x-auto">
        {error ? (
          <p role="alert" className="text-rose-700">
            {error instanceof ApiError ? error.message : t('org.error')}
          </p>
        ) : !data ? (
          <p>{t('common.loading')}</p>
        ) : !data.keys.length ? (
          <p className="text-slate-600">{t('sshKeys.empty')}</p>
        ) : (
          <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
            <thead className="bg-slate-100 text-left">
              <tr>
                <th className="p-2">{t('sshKeys.name')}</th>
                <th className="p-2">{t('sshKeys.type')}</th>
                <th className="p-2">{t('sshKeys.fingerprint')}</th>
                <th className="p-2">{t('sshKeys.createdAt')}</th>
                <th className="p-2" />
              </tr>
            </thead>
            <tbody>
              {data.keys.map((key) => (
                <tr key={key.id} className="border-t border-slate-100" data-testid="ssh-key-row">
                  <td className="p-2">{key.name}</td>
                  <td className="p-2 font-mono text-xs">{key.type}</td>
                  <td className="p-2 font-mono text-xs break-all">{key.fingerprint}</td>
                  <td className="p-2">{formatTime(key.createdAt, locale)}</td>
                  <td className="p-2 text-right">
                    <button
                      onClick={() => {
                        remove.reset();
                        setDeleting(key);
                      }}
                      className="rounded border border-rose-300 px-2 py-1 whitespace-nowrap text-rose-700 hover:bg-rose-50"
                    >
                      {t('sshKeys.delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      <form onSubmit={onSubmit} noValidate aria-hidden={!!deleting} inert={!!deleting} className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
        <h3 className="text-lg font-semibold">{t('sshKeys.addTitle')}</h3>
        {errors.form && !errors.name && !errors.publicKey && (
          <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
            {errors.form}
          </p>
        )}
        <label htmlFor="ssh-key-name" className="mt-4 block text-sm font-medium">
          {t('sshKeys.name')}
        </label>
        <input id="ssh-key-name" className={input} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} aria-invalid={!!errors.name} aria-describedby="ssh-key-name-help" />
        <p id="ssh-key-name-help" className="mt-1 text-xs text-slate-500">
          {t('sshKeys.name.help')}
        </p>
        {fieldError('name')}
        <label htmlFor="ssh-key-public" className="mt-4 block text-sm font-medium">
          {t('sshKeys.publicKey')}
        </label>
        <textarea
          id="ssh-key-public"
          className={`${input} h-28 font-mono text-xs`}
          value={publicKey}
          onChange={(e) => setPublicKey(e.target.value)}
          spellCheck={false}
          placeholder="ssh-ed25519 AAAA… you@laptop"
          aria-invalid={!!errors.publicKey}
          aria-describedby="ssh-key-public-help"
        />
        <p id="ssh-key-public-help" className="mt-1 text-xs text-slate-500">
          {t('sshKeys.publicKey.help')}
        </p>
        {fieldError('publicKey')}
        <button type="submit" disabled={add.isPending} className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
          {add.isPending ? t('sshKeys.adding') : t('sshKeys.add')}
        </button>
      </form>
      {deleting && (
        <ConfirmDialog
          title={t('sshKeys.deleteConfirmTitle')}
          subject={`${deleting.name} ${deleting.fingerprint}`}
          body={t('sshKeys.deleteConfirmBody')}
          confirmLabel={t('sshKeys.delete')}
          pending={remove.isPending}
          error={remove.error?.message}
          onConfirm={() => remove.mutate(deleting.id)}
          onCancel={() => setDeleting(null)}
        />
      )}
    </div>
  );
}
