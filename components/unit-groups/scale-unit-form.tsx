'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { useScheduleQuestion } from './schedule-question';

/** Change a unit's node count; the unit group goes APPLYING while nodes come and go. */
export function ScaleUnitForm({ unitId, unitGroupId, current, disabled }: { unitId: string; unitGroupId: string; current: number; disabled: boolean }) {
  const t = useT();
  const client = useQueryClient();
  const [value, setValue] = useState(String(current));
  const [error, setError] = useState<string | null>(null);
  const question = useScheduleQuestion();
  const scale = useMutation({
    mutationFn: ({ numNodes, pauseSchedule }: { numNodes: number; pauseSchedule?: boolean }) => api.patch(`/api/v1/units/${unitId}`, { numNodes, pauseSchedule }),
    onSuccess: () => {
      setError(null);
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
    },
    onError: (e, asked) => {
      if (!question.asks(e, (pauseSchedule) => scale.mutate({ ...asked, pauseSchedule }))) setError(e instanceof ApiError ? (e.fields.numNodes ?? e.fields.nodes ?? e.message) : String(e));
    },
  });
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1 || n > 10) return setError(t('form.nodesRange'));
    scale.mutate({ numNodes: n });
  };
  return (
    <form onSubmit={submit} className="ml-auto flex items-center gap-2 text-sm" noValidate>
      <label htmlFor={`scale-${unitId}`}>{t('unit.numNodes')}</label>
      <input id={`scale-${unitId}`} type="number" min={1} max={10} value={value} onChange={(e) => setValue(e.target.value)} className="w-16 rounded border border-slate-300 px-2 py-1" />
      <button type="submit" disabled={disabled || scale.isPending} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 disabled:opacity-50">
        {t('unit.scale')}
      </button>
      {error && (
        <span role="alert" className="text-rose-700">
          {error}
        </span>
      )}
      {question.dialog}
    </form>
  );
}
