'use client';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { SelectedNode } from '@/lib/unit-groups/node-selectors';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { useSay } from '../catalog/say';
import { useT } from '../i18n';
import { ConfirmDialog } from '../organization/confirm-dialog';
import { useScheduleQuestion } from './schedule-question';

/**
 * Deletes the nodes ticked in a unit's table (the VCP SDK's delete_nodes by node number). The
 * confirmation lists the nodes the portal says would go (a dry run), so it names exactly those.
 */
export function DeleteNodesButton({ unitId, unitGroupId, nodeNos, disabled, onDone }: { unitId: string; unitGroupId: string; nodeNos: number[]; disabled: boolean; onDone: () => void }) {
  const t = useT();
  const say = useSay();
  const client = useQueryClient();
  const [going, setGoing] = useState<SelectedNode[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const messageOf = (e: unknown) => (e instanceof ApiError ? (Object.values(e.fields)[0] ?? e.message) : String(e));
  const preview = useMutation({
    mutationFn: () => api.post<{ nodes: SelectedNode[] }>(`/api/v1/units/${unitId}/nodes/delete?dryRun=true`, { nodeNos }),
    onSuccess: ({ nodes }) => {
      setError(null);
      setGoing(nodes);
    },
    onError: (e) => setError(messageOf(e)),
  });
  const question = useScheduleQuestion();
  const remove = useMutation({
    mutationFn: ({ nodeNos, pauseSchedule }: { nodeNos: number[]; pauseSchedule?: boolean }) => api.post(`/api/v1/units/${unitId}/nodes/delete`, { nodeNos, pauseSchedule }),
    onSuccess: () => {
      setGoing(null);
      onDone();
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
    },
    // The confirmation named the nodes; the schedule's question replaces it, and the answer's outcome is said beside the button.
    onError: (e, asked) => {
      if (question.asks(e, (pauseSchedule) => remove.mutate({ ...asked, pauseSchedule }))) setGoing(null);
      else if (asked.pauseSchedule !== undefined) setError(messageOf(e));
    },
  });
  return (
    <>
      <button
        type="button"
        disabled={disabled || nodeNos.length === 0 || preview.isPending}
        onClick={() => preview.mutate()}
        className="rounded border border-rose-300 px-2 py-1 text-sm text-rose-700 hover:bg-rose-50 disabled:opacity-50"
      >
        {say('nodes.deleteSelected', { count: nodeNos.length })}
      </button>
      {error && (
        <span role="alert" className="text-sm text-rose-700">
          {error}
        </span>
      )}
      {going && (
        <ConfirmDialog
          title={t('nodes.deleteConfirmTitle')}
          subject={going.map((n) => say('nodes.deleteConfirmNode', { no: n.nodeNo, ip: n.ipAddress ?? '—', provider: n.provider })).join(', ')}
          body={t('nodes.deleteConfirmBody')}
          confirmLabel={t('nodes.delete')}
          pending={remove.isPending}
          error={remove.error ? messageOf(remove.error) : null}
          onConfirm={() => remove.mutate({ nodeNos: going.map((n) => n.nodeNo) })}
          onCancel={() => {
            remove.reset();
            setGoing(null);
          }}
        />
      )}
      {question.dialog}
    </>
  );
}
