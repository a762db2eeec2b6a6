'use client';
import Link from 'next/link';
import type { NodeLogin } from '@/agent/protocol';
import { useT } from '../i18n';

/**
 * How to log in to a node over SSH, as its agent reported it (GET /api/v1/nodes/:id): the address,
 * the account, the ssh command, the host key fingerprints to compare on the first connection, and
 * how many members' keys are installed. Nodes on the portal's own machine have no SSH login.
 */
export function SshLogin({ address, login, onPortalMachine }: { address: string | null; login: NodeLogin | null; onPortalMachine: boolean }) {
  const t = useT();
  return (
    <section aria-labelledby="ssh-login-title" data-testid="ssh-login" className="rounded-lg border border-slate-200 bg-white p-5 text-sm shadow-sm">
      <h2 id="ssh-login-title" className="text-lg font-semibold">
        {t('sshLogin.title')}
      </h2>
      {onPortalMachine ? (
        <p className="mt-2 text-slate-700">{t('sshLogin.portalMachine')}</p>
      ) : !address ? (
        <p className="mt-2 text-slate-600">{t('sshLogin.noAddress')}</p>
      ) : (
        <>
          <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2">
            <dt className="text-slate-600">{t('sshLogin.address')}</dt>
            <dd className="font-mono">{address}</dd>
            {login && (
              <>
                <dt className="text-slate-600">{t('sshLogin.user')}</dt>
                <dd className="font-mono">{login.user}</dd>
                <dt className="text-slate-600">{t('sshLogin.command')}</dt>
                <dd>
                  <code data-testid="ssh-command" className="rounded bg-slate-100 px-2 py-1 font-mono">
                    ssh {login.user}@{address}
                  </code>
                </dd>
                <dt className="text-slate-600">{t('sshLogin.hostKeys')}</dt>
                <dd>
                  {login.hostKeys.length ? (
                    <ul data-testid="ssh-host-keys">
                      {login.hostKeys.map((k) => (
                        <li key={k.fingerprint} className="font-mono text-xs break-all">
                          {k.type} {k.fingerprint}
                        </li>
                      ))}
                    </ul>
                  ) : (
                    <span className="text-slate-600">{t('sshLogin.noHostKeys')}</span>
                  )}
                  <p className="mt-1 text-xs text-slate-500">{t('sshLogin.hostKeys.help')}</p>
                </dd>
                <dt className="text-slate-600">{t('sshLogin.keysInstalled')}</dt>
                <dd data-testid="ssh-keys-installed">{login.keysInstalled}</dd>
              </>
            )}
          </dl>
          {!login && <p className="mt-3 text-slate-600">{t('sshLogin.waiting')}</p>}
          {login?.problem && (
            <p role="status" className="mt-3 rounded bg-amber-50 p-2 text-amber-900">
              {t('sshLogin.problem')}: {login.problem}
            </p>
          )}
          <p className="mt-3">
            <Link href="/profile" className="text-indigo-700 underline hover:text-indigo-900">
              {t('sshLogin.addKey')}
            </Link>
          </p>
        </>
      )}
    </section>
  );
}
