'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MemberRole } from '@/lib/db/schema';
import type { MemberView } from '@/lib/organizations/views';
import { ApiError, api } from '../api';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { formatTime } from '../time';
import { ConfirmDialog } from './confirm-dialog';
import { OrganizationPicker, type OrganizationOption } from './organization-picker';

export type ManagedOrganization = OrganizationOption & { role: MemberRole | null };

const ROLES: readonly MemberRole[] = ['owner', 'admin', 'user', 'viewer'];
export const membersKey = (organizationId: string) => ['organizations', organizationId, 'members'] as const;

/** The server's reason, in the reader's language where we know it: a 409 here is always the last-owner rule. */
function explain(e: Error, t: ReturnType<typeof useT>): string {
  return e instanceof ApiError && e.status === 409 ? t('members.lastOwner') : e.message;
}

/** Members of one of the caller's organizations: add by e-mail, change roles, remove. */
export function MembersManager({ organizations, me }: { organizations: ManagedOrganization[]; me: string }) {
  const [organizationId, setOrganizationId] = useState(organizations[0]!.id);
  // Only owners deal with the owner role; the server says so too.
  const isOwner = organizations.find((o) => o.id === organizationId)?.role === 'owner';
  return (
    <>
      <OrganizationPicker organizations={organizations} value={organizationId} onChange={setOrganizationId} />
      <div className="grid gap-6 lg:grid-cols-[1fr_20rem]">
        <MemberTable key={organizationId} organizationId={organizationId} me={me} isOwner={isOwner} />
        <AddMemberForm key={`add-${organizationId}`} organizationId={organizationId} isOwner={isOwner} />
      </div>
    </>
  );
}

function MemberTable({ organizationId, me, isOwner }: { organizationId: string; me: string; isOwner: boolean }) {
  const t = useT();
  const locale = useLocale();
  const client = useQueryClient();
  const [removing, setRemoving] = useState<Json<MemberView> | null>(null);
  const [notice, setNotice] = useState<{ ok: boolean; text: string } | null>(null);
  const { data, error } = useQuery({
    queryKey: membersKey(organizationId),
    queryFn: () => api.get<{ members: Json<MemberView>[] }>(`/api/v1/organizations/${organizationId}/members?limit=200`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: membersKey(organizationId) });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: MemberRole }) => api.patch(`/api/v1/organizations/${organizationId}/members/${userId}`, { role }),
    onSuccess: () => setNotice({ ok: true, text: t('members.roleChanged') }),
    onError: (e) => setNotice({ ok: false, text: explain(e, t) }),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (userId: string) => api.delete(`/api/v1/organizations/${organizationId}/members/${userId}`),
    onSuccess: () => {
      setRemoving(null);
      void refresh();
    },
  });

  if (error) return <p role="alert" className="text-rose-700">{error instanceof ApiError ? error.message : t('org.error')}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  return (
    <div>
      {notice && (
        <p role={notice.ok ? 'status' : 'alert'} className={`mb-3 rounded p-2 text-sm ${notice.ok ? 'bg-emerald-50 text-emerald-800' : 'bg-rose-50 text-rose-800'}`}>
          {notice.text}
        </p>
      )}
      <div aria-hidden={!!removing} inert={!!removing}>
        <table className="w-full overflow-hidden rounded-lg border border-slate-200 bg-white text-sm shadow-sm">
          <thead className="bg-slate-100 text-left">
            <tr>
              <th className="p-2">{t('members.name')}</th>
              <th className="p-2">{t('members.email')}</th>
              <th className="p-2">{t('members.role')}</th>
              <th className="p-2">{t('members.lastSignIn')}</th>
              <th className="p-2" />
            </tr>
          </thead>
          <tbody>
            {[...data.members].sort((x, y) => x.email.localeCompare(y.email)).map((m) => {
              const locked = m.role === 'owner' && !isOwner;
              return (
                <tr key={m.userId} className="border-t border-slate-100" data-testid="member-row">
                  <td className="p-2">
                    {m.nameJa ?? m.name}
                    {m.userId === me && <span className="text-slate-500">{t('members.you')}</span>}
                  </td>
                  <td className="p-2 font-mono text-xs">{m.email}</td>
                  <td className="p-2">
                    {/* Named by the e-mail alone: the column header says what it is, and the add form keeps the "role" label to itself. */}
                    <select
                      aria-label={m.email}
                      value={m.role}
                      disabled={locked || changeRole.isPending}
                      onChange={(e) => changeRole.mutate({ userId: m.userId, role: e.target.value as MemberRole })}
                      className="rounded border border-slate-300 px-1 py-1"
                    >
                      {ROLES.map((r) => (
                        <option key={r} value={r} disabled={r === 'owner' && !isOwner}>
                          {t(`role.${r}`)}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="p-2">{m.lastSignInAt ? formatTime(m.lastSignInAt, locale) : <span className="text-slate-500">{t('members.never')}</span>}</td>
                  <td className="p-2 text-right">
                    <button
                      onClick={() => {
                        remove.reset();
                        setRemoving(m);
                      }}
                      disabled={locked}
                      className="rounded border border-rose-300 px-2 py-1 text-rose-700 hover:bg-rose-50 disabled:opacity-40"
                    >
                      {t('members.remove')}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {removing && (
        <ConfirmDialog
          title={t('members.removeConfirmTitle')}
          subject={removing.email}
          body={t('members.removeConfirmBody')}
          confirmLabel={t('members.removeConfirm')}
          pending={remove.isPending}
          error={remove.error && explain(remove.error, t)}
          onConfirm={() => remove.mutate(removing.userId)}
          onCancel={() => setRemoving(null)}
        />
      )}
    </div>
  );
}

function AddMemberForm({ organizationId, isOwner }: { organizationId: string; isOwner: boolean }) {
  const t = useT();
  const client = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<MemberRole>('user');
  const [errors, setErrors] = useState<{ email?: string; role?: string; form?: string }>({});
  const add = useMutation({
    mutationFn: () => api.post(`/api/v1/organizations/${organizationId}/members`, { email: email.trim(), role }),
    onSuccess: () => {
      setEmail('');
      setErrors({});
      void client.invalidateQueries({ queryKey: membersKey(organizationId) });
    },
    onError: (e) => {
      if (e instanceof ApiError && e.status === 409) setErrors({ email: t('members.alreadyMember') });
      else setErrors(e instanceof ApiError ? { ...e.fields, form: e.message } : { form: String(e) });
    },
  });

  function onSubmit(e: React.FormEvent) {
    e.preventDefault();
    if (!email.trim()) return setErrors({ email: t('form.required') });
    add.mutate();
  }
  const input = 'mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500';
  return (
    <form onSubmit={onSubmit} noValidate className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm">
      <h2 className="text-lg font-semibold">{t('members.addTitle')}</h2>
      {errors.form && !errors.email && !errors.role && (
        <p role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
          {errors.form}
        </p>
      )}
      <label htmlFor="member-email" className="mt-4 block text-sm font-medium">
        {t('members.email')}
      </label>
      <input
        id="member-email"
        type="email"
        autoComplete="off"
        className={input}
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        aria-invalid={!!errors.email}
        aria-describedby="member-email-help"
      />
      <p id="member-email-help" className="mt-1 text-xs text-slate-500">
        {t('members.email.help')}
      </p>
      {errors.email && (
        <p role="alert" className="mt-1 text-sm text-rose-700">
          {errors.email}
        </p>
      )}
      <label htmlFor="member-role" className="mt-4 block text-sm font-medium">
        {t('members.role')}
      </label>
      <select id="member-role" className={input} value={role} onChange={(e) => setRole(e.target.value as MemberRole)} aria-invalid={!!errors.role}>
        {ROLES.map((r) => (
          <option key={r} value={r} disabled={r === 'owner' && !isOwner}>
            {t(`role.${r}`)}
          </option>
        ))}
      </select>
      {errors.role && (
        <p role="alert" className="mt-1 text-sm text-rose-700">
          {errors.role}
        </p>
      )}
      <button type="submit" disabled={add.isPending} className="mt-6 w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50">
        {add.isPending ? t('members.adding') : t('members.add')}
      </button>
    </form>
  );
}
