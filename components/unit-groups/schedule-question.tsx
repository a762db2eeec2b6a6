'use client';
import { useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { useT } from '../i18n';

/**
 * A change by hand of a unit that follows an active class schedule is answered with a 409 asking
 * whether to pause the schedule (lib/schedules/manual-change.ts). `asks(error, resend)` tells
 * whether the error is that question and then opens the dialog, which resends the change with the
 * person's answer (一時停止して変更 / 今回だけ変更) or drops it (キャンセル).
 */
export function useScheduleQuestion(): { asks: (error: unknown, resend: (pauseSchedule: boolean) => void) => boolean; dialog: ReactNode } {
  const t = useT();
  const [resend, setResend] = useState<((pauseSchedule: boolean) => void) | null>(null);
  const asks = (error: unknown, again: (pauseSchedule: boolean) => void) => {
    if (!(error instanceof ApiError && error.status === 409 && error.fields.pauseSchedule)) return false;
    setResend(() => again);
    return true;
  };
  const answer = (pauseSchedule: boolean | null) => {
    if (pauseSchedule !== null) resend?.(pauseSchedule);
    setResend(null);
  };
  const dialog = resend && (
    <div className="fixed inset-0 z-10 flex items-center justify-center bg-black/40" role="presentation" onKeyDown={(e) => e.key === 'Escape' && answer(null)}>
      <div role="dialog" aria-modal="true" aria-labelledby="schedule-question-title" className="w-full max-w-md rounded-lg bg-white p-6 text-left shadow-xl" data-testid="schedule-question">
        <h2 id="schedule-question-title" className="text-lg font-semibold">
          {t('schedule.ask.title')}
        </h2>
        <p className="mt-2 text-sm text-slate-600">{t('schedule.ask.body')}</p>
        <div className="mt-6 flex justify-end gap-2">
          <button type="button" autoFocus onClick={() => answer(null)} className="rounded border border-slate-300 px-3 py-1.5 text-sm hover:bg-slate-100">
            {t('schedule.ask.cancel')}
          </button>
          <button type="button" onClick={() => answer(false)} className="rounded border border-indigo-300 px-3 py-1.5 text-sm text-indigo-800 hover:bg-indigo-50">
            {t('schedule.ask.once')}
          </button>
          <button type="button" onClick={() => answer(true)} className="rounded bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700">
            {t('schedule.ask.pause')}
          </button>
        </div>
      </div>
    </div>
  );
  return { asks, dialog };
}
