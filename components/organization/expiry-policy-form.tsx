'use client';
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api } from '../api';
import { useSay } from '../catalog/say';

export interface PolicyOrganization {
  id: string;
  name: string;
  extensionAutoApproveDays: number;
  expiryGraceDays: number;
  /** Only owners change the policy; admins see it. */
  owner: boolean;
}

/** An organization's end date policy: extensions approved at once, and days from expiry to deletion. */
export function ExpiryPolicyForm({ organization }: { organization: PolicyOrganization }) {
  const say = useSay();
  const [autoDays, setAutoDays] = useState(String(organization.extensionAutoApproveDays));
  const [graceDays, setGraceDays] = useState(String(organization.expiryGraceDays));
  const save = useMutation({
    mutationFn: () => api.patch(`/api/v1/organizations/${organization.id}`, { extensionAutoApproveDays: Number(autoDays), expiryGraceDays: Number(graceDays) }),
  });
  const fields = save.error instanceof ApiError ? save.error.fields : {};
  const id = (name: string) => `${name}-${organization.id}`;
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
      }}
      noValidate
      className="mt-3 rounded-lg border border-slate-200 bg-white p-3 text-sm shadow-sm"
      data-testid="expiry-policy"
    >
      <p className="font-medium">{organization.name}</p>
      <div className="mt-2 flex flex-wrap items-end gap-4">
        <label className="flex flex-col gap-1" htmlFor={id('auto')}>
          <span className="text-xs text-slate-600">{say('expiryPolicy.autoApproveDays')}</span>
          <input id={id('auto')} type="number" min={0} max={365} value={autoDays} onChange={(e) => setAutoDays(e.target.value)} disabled={!organization.owner} aria-invalid={!!fields.extensionAutoApproveDays} className="w-24 rounded border border-slate-300 px-2 py-1" />
          {fields.extensionAutoApproveDays && <span className="text-xs text-rose-700">{fields.extensionAutoApproveDays}</span>}
        </label>
        <label className="flex flex-col gap-1" htmlFor={id('grace')}>
          <span className="text-xs text-slate-600">{say('expiryPolicy.graceDays')}</span>
          <input id={id('grace')} type="number" min={0} max={90} value={graceDays} onChange={(e) => setGraceDays(e.target.value)} disabled={!organization.owner} aria-invalid={!!fields.expiryGraceDays} className="w-24 rounded border border-slate-300 px-2 py-1" />
          {fields.expiryGraceDays && <span className="text-xs text-rose-700">{fields.expiryGraceDays}</span>}
        </label>
        {organization.owner ? (
          <button type="submit" disabled={save.isPending} className="rounded border border-indigo-300 px-3 py-1 text-indigo-800 hover:bg-indigo-50 disabled:opacity-50">
            {say('expiryPolicy.save')}
          </button>
        ) : (
          <span className="text-xs text-slate-500">{say('expiryPolicy.ownerOnly')}</span>
        )}
        {save.isSuccess && <span role="status">{say('expiryPolicy.saved')}</span>}
        {save.error && !Object.keys(fields).length && (
          <span role="alert" className="text-rose-700">
            {save.error.message}
          </span>
        )}
      </div>
    </form>
  );
}
