'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { queryKeys } from '@/lib/query-keys';
import { api } from '../api';
import { useT } from '../i18n';

/** Delete with a confirmation dialog; the unit group then shows DELETING until it is gone. */
export function DeleteUnitGroupButton({ unitGroupId, name, disabled }: { unitGroupId: string; name: string; disabled: boolean }) {
  const t = useT();
  const client = useQueryClient();
  const [open, setOpen] = useState(false);
  const remove = useMutation({
    mutationFn: () => api.delete(`/api/v1/unit-groups/${unitGroupId}`),
    onSuccess: () => {
      setOpen(false);
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
    },
  });
  return (
    <>
      <button
        onClick={() => setOpen(true)}
        disabled={disabled}
        className="rounded bg-rose-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-rose-700 disabled:opacity-50"
      >
        {t('unitGroup.delete')}
      </button>
      {open && (
        <div className="fixed inset-0 z-10 flex items-center justify-center bg-black/40" role="presentation">
          <div role="dialog" aria-modal="true" aria-labelledby="delete-title" className="w-full max-w-md rounded-lg bg-white p-6 shadow-xl">
            <h2 id="delete-title" className="text-lg font-semibold">
              {t('unitGroup.deleteConfirmTitle')}
            </h2>
            <p className="mt-2 font-mono text-sm">{name}</p>
            <p className="mt-2 text-sm text-slate-600">{t('unitGroup.deleteConfirmBody')}</p>
            {remove.error && (
              <p role="alert" className="mt-2 text-sm text-rose-700">
                {remove.error.message}
              </p>
            )}
            <div className="mt-6 flex justify-end gap-2">
              <button onClick={() => setOpen(false)} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
                {t('unitGroup.cancel')}
              </button>
              <button
                onClick={() => remove.mutate()}
                disabled={remove.isPending}
                className="rounded bg-rose-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-rose-700 disabled:opacity-50"
              >
                {t('unitGroup.deleteConfirm')}
              </button>
            </div>
          </div>
        </div>
      )}
    </>
  );
}
