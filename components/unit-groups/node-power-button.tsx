'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { canPowerNodes } from '@/lib/providers/catalog';
import { queryKeys } from '@/lib/query-keys';
import { api } from '../api';
import { useT } from '../i18n';
import { useScheduleQuestion } from './schedule-question';

const CAN_POWER_OFF = ['RUNNING', 'CONTAINER_ERROR', 'HOST_ERROR'];
/** Providers whose nodes can be powered off and on (lib/nodes/power.ts). */

/** Power off a running node, or on a powered-off one; the row then shows SHUTTING_DOWN or BOOTING until it is done. */
export function NodePowerButton({ nodeId, nodeNo, state, provider, unitGroupId }: { nodeId: string; nodeNo: number; state: string; provider: string; unitGroupId: string }) {
  const t = useT();
  const client = useQueryClient();
  const action = state === 'POWER_OFF' ? 'on' : CAN_POWER_OFF.includes(state) ? 'off' : null;
  const question = useScheduleQuestion();
  const power = useMutation({
    mutationFn: ({ action: a, pauseSchedule }: { action: 'off' | 'on'; pauseSchedule?: boolean }) => api.post(`/api/v1/nodes/${nodeId}/power`, { action: a, pauseSchedule }),
    onSuccess: () => void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) }),
    onError: (e, asked) => question.asks(e, (pauseSchedule) => power.mutate({ ...asked, pauseSchedule })),
  });
  if (!canPowerNodes(provider)) return <span className="text-xs text-slate-400">{t('node.powerNotSupported')}</span>;
  if (!action) return null;
  return (
    <div>
      <button
        onClick={() => power.mutate({ action })}
        disabled={power.isPending}
        aria-label={`${t(action === 'off' ? 'node.powerOff' : 'node.powerOn')} (${t('node.no')} ${nodeNo})`}
        className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100 disabled:opacity-50"
      >
        {t(action === 'off' ? 'node.powerOff' : 'node.powerOn')}
      </button>
      {question.dialog}
      {power.error && !question.dialog && (
        <p role="alert" className="mt-1 max-w-xs text-xs text-rose-700">
          {power.error.message}
        </p>
      )}
    </div>
  );
}
