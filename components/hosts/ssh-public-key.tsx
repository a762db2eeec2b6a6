'use client';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { SshPublicKeyView } from '@/lib/hosts/views';
import { ApiError, api } from '../api';
import { useT } from '../i18n';

/** The organization's SSH public key, to add to each server's authorized_keys. */
export function SshPublicKey({ organizationId }: { organizationId: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  const { data, error } = useQuery({
    queryKey: ['organizations', organizationId, 'ssh-public-key'],
    queryFn: () => api.get<SshPublicKeyView>(`/api/v1/organizations/${organizationId}/ssh-public-key`),
    // The key never changes.
    staleTime: Infinity,
  });

  async function copy() {
    try {
      await navigator.clipboard.writeText(data!.publicKey);
      setCopied(true);
    } catch {
      // No clipboard (e.g. plain http on another host): select it for the reader to copy.
      const range = document.createRange();
      range.selectNodeContents(document.getElementById('ssh-public-key')!);
      window.getSelection()?.removeAllRanges();
      window.getSelection()?.addRange(range);
    }
  }

  return (
    <section aria-labelledby="ssh-key-title" className="mb-6 rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 id="ssh-key-title" className="text-lg font-semibold">
        {t('hosts.sshKey.title')}
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t('hosts.sshKey.instruction')}</p>
      {error ? (
        <p role="alert" className="mt-3 text-sm text-rose-700">
          {error instanceof ApiError ? error.message : t('org.error')}
        </p>
      ) : !data ? (
        <p className="mt-3 text-sm">{t('common.loading')}</p>
      ) : (
        <>
          <div className="mt-3 flex items-start gap-2">
            <code id="ssh-public-key" data-testid="ssh-public-key" className="block flex-1 rounded border border-slate-300 bg-slate-50 p-2 font-mono text-xs break-all">
              {data.publicKey}
            </code>
            <button type="button" onClick={copy} className="rounded bg-indigo-600 px-3 py-2 text-sm font-semibold whitespace-nowrap text-white hover:bg-indigo-700">
              {copied ? t('hosts.sshKey.copied') : t('hosts.sshKey.copy')}
            </button>
          </div>
          <p className="mt-2 text-xs text-slate-600">
            {t('hosts.sshKey.fingerprint')}:{' '}
            <code data-testid="ssh-key-fingerprint" className="font-mono">
              {data.fingerprint}
            </code>
          </p>
        </>
      )}
    </section>
  );
}
