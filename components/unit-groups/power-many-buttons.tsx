'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { canPowerNodes } from '@/lib/providers/catalog';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useT } from '../i18n';
import { ConfirmDialog } from '../organization/confirm-dialog';
import { useScheduleQuestion } from './schedule-question';

const CAN_POWER_OFF = ['RUNNING', 'CONTAINER_ERROR', 'HOST_ERROR'];

/**
 * Powers a whole unit or unit group off or on as one operation (a build with its log). Offered
 * only for what its providers can power; nodes on one that cannot are left as they are.
 * `partial`: `nodes` hold only the first page of some unit's, the others' states are not known here.
 */
export function PowerManyButtons({ path, name, unitGroupId, nodes, partial, scope, disabled }: { path: string; name: string; unitGroupId: string; nodes: { provider: string; state: string }[]; partial: boolean; scope: 'unit' | 'unitGroup'; disabled: boolean }) {
  const t = useT();
  const client = useQueryClient();
  // Powering off stops what runs there: it is confirmed first.
  const [confirmingOff, setConfirmingOff] = useState(false);
  const question = useScheduleQuestion();
  const power = useMutation({
    mutationFn: ({ action, pauseSchedule }: { action: 'off' | 'on'; pauseSchedule?: boolean }) => api.post<{ buildId: string }>(`${path}/power`, { action, pauseSchedule }),
    onSuccess: () => {
      setConfirmingOff(false);
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
    },
    onError: (e, asked) => {
      if (question.asks(e, (pauseSchedule) => power.mutate({ ...asked, pauseSchedule }))) setConfirmingOff(false);
    },
  });
  const powerable = nodes.filter((n) => canPowerNodes(n.provider));
  if (!powerable.length) return null;
  // Both, when some nodes are not shown: the portal answers 409 naming why when none is left to power.
  const actions = (['off', 'on'] as const).filter((a) => partial || powerable.some((n) => (a === 'off' ? CAN_POWER_OFF.includes(n.state) : n.state === 'POWER_OFF')));
  return (
    <span className="inline-flex items-center gap-2 text-sm">
      {actions.map((a) => (
        <button key={a} type="button" disabled={disabled || power.isPending} onClick={() => (a === 'off' ? setConfirmingOff(true) : power.mutate({ action: a }))} className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-100 disabled:opacity-50">
          {t(`${scope}.power${a === 'off' ? 'Off' : 'On'}`)}
        </button>
      ))}
      {power.data && (
        <Link href={`/builds/${power.data.buildId}`} className="text-indigo-700 hover:underline">
          {t('power.log')}
        </Link>
      )}
      {confirmingOff && (
        <ConfirmDialog
          title={t('power.offConfirmTitle')}
          subject={name}
          body={t('power.offConfirmBody')}
          confirmLabel={t('power.offConfirm')}
          pending={power.isPending}
          error={null}
          onConfirm={() => power.mutate({ action: 'off' })}
          onCancel={() => setConfirmingOff(false)}
        />
      )}
      {question.dialog}
      {power.error && !question.dialog && (
        <span role="alert" className="text-rose-700">
          {power.error instanceof ApiError ? (power.error.fields.action ?? power.error.message) : String(power.error)}
        </span>
      )}
    </span>
  );
}
