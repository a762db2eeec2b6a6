'use client';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { MessageKey } from '@/lib/i18n/messages';
import type { UnitScheduleView } from '@/lib/schedules/views';
import type { Target } from '@/lib/schedules/timetable';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import { FieldError, inputClass } from '../catalog/parameter-field';
import { useSay, type Say } from '../catalog/say';
import { useLocale, useT } from '../i18n';
import type { Json } from '../json-types';
import { ConfirmDialog } from '../organization/confirm-dialog';
import { formatTime } from '../time';

type ViewJson = Json<UnitScheduleView>;

/** Under the unit group's own key, so whatever refreshes the unit group refreshes this too. */
const scheduleKey = (unitGroupId: string, unitId: string) => [...queryKeys.unitGroup(unitGroupId), 'schedule', unitId] as const;

const WEEKDAYS = [1, 2, 3, 4, 5, 6, 7] as const;

function describeTarget(target: Target, say: Say): string {
  if (target.period) return say('schedule.targetClass', { period: target.period, nodes: target.nodes ?? target.running });
  return target.nodes === null ? say('schedule.targetKeep', { running: target.running }) : say('schedule.targetDelete', { nodes: target.nodes });
}

/**
 * A unit's class schedule (授業スケジュール): what it asks of the unit now and next, whether it is
 * paused (with resume), why its last change could not be made; set, paused or removed in place.
 */
export function ScheduleForm({ unitId, unitName, unitGroupId, disabled }: { unitId: string; unitName: string; unitGroupId: string; disabled: boolean }) {
  const t = useT();
  const say = useSay();
  const locale = useLocale();
  const client = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [removing, setRemoving] = useState(false);
  const { data, error } = useQuery({ queryKey: scheduleKey(unitGroupId, unitId), queryFn: () => api.get<ViewJson>(`/api/v1/units/${unitId}/schedule`), refetchInterval: 10_000 });
  const act = useMutation({
    mutationFn: (what: 'pause' | 'resume' | 'remove') => (what === 'remove' ? api.delete(`/api/v1/units/${unitId}/schedule`) : api.post(`/api/v1/units/${unitId}/schedule/${what}`, {})),
    onSuccess: () => {
      setRemoving(false);
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
    },
  });
  if (error) return <p className="border-b border-slate-100 px-3 py-2 text-sm text-rose-700">{error.message}</p>;
  if (!data) return null;
  const s = data.schedule;
  const button = 'rounded border border-slate-300 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-50';
  return (
    <div className="border-b border-slate-100 px-3 py-2 text-sm" data-testid="class-schedule">
      <span className="font-medium">{t('schedule.title')}: </span>
      {!s ? (
        <span className="text-slate-500">{t('schedule.none')}</span>
      ) : s.pausedAt ? (
        <span className="rounded bg-amber-100 px-1.5 py-0.5 text-amber-900" data-testid="schedule-paused">
          {say('schedule.paused', { name: s.pausedByName ?? '—', at: formatTime(s.pausedAt, locale) })}
        </span>
      ) : (
        <span className="rounded bg-emerald-100 px-1.5 py-0.5 text-emerald-800">{t('schedule.active')}</span>
      )}
      {!editing && (
        <span className="ml-3 inline-flex gap-2">
          <button type="button" disabled={disabled} onClick={() => setEditing(true)} className={button}>
            {t('schedule.edit')}
          </button>
          {s && (
            <button type="button" disabled={disabled || act.isPending} onClick={() => act.mutate(s.pausedAt ? 'resume' : 'pause')} className={button}>
              {t(s.pausedAt ? 'schedule.resume' : 'schedule.pause')}
            </button>
          )}
          {s && (
            <button type="button" disabled={disabled} onClick={() => setRemoving(true)} className={button}>
              {t('schedule.remove')}
            </button>
          )}
        </span>
      )}
      {act.error && !removing && (
        <span role="alert" className="ml-2 text-rose-700">
          {act.error.message}
        </span>
      )}
      {s && data.target && (
        <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-slate-700">
          <dt className="text-slate-500">{t('schedule.now')}</dt>
          <dd data-testid="schedule-now">{describeTarget(data.target, say)}</dd>
          <dt className="text-slate-500">{t('schedule.next')}</dt>
          <dd data-testid="schedule-next">{data.next ? `${formatTime(data.next.at, locale)} → ${describeTarget(data.next.target, say)}` : t('schedule.noNext')}</dd>
          {data.holidays.length > 0 && s.skipHolidays && (
            <>
              <dt className="text-slate-500">{t('schedule.holidays')}</dt>
              <dd className="text-xs">{data.holidays.map((h) => `${h.date} ${locale === 'ja' ? h.name : h.nameEn}`).join(' · ')}</dd>
            </>
          )}
        </dl>
      )}
      {s?.lastError && (
        <p role="alert" className="mt-1 text-rose-700" data-testid="schedule-error">
          {t('schedule.lastError')}: {s.lastError}
        </p>
      )}
      {s?.lastAppliedAt && <p className="mt-1 text-xs text-slate-500">{say('schedule.lastApplied', { at: formatTime(s.lastAppliedAt, locale) })}</p>}
      {removing && (
        <ConfirmDialog
          title={t('schedule.removeConfirmTitle')}
          subject={unitName}
          body={t('schedule.removeConfirmBody')}
          confirmLabel={t('schedule.remove')}
          pending={act.isPending}
          error={act.error?.message}
          onConfirm={() => act.mutate('remove')}
          onCancel={() => setRemoving(false)}
        />
      )}
      {editing && <ScheduleEditor unitId={unitId} unitGroupId={unitGroupId} schedule={s} canPowerOff={data.canPowerOff} onDone={() => setEditing(false)} />}
    </div>
  );
}

interface PeriodRow {
  weekday: string;
  start: string;
  end: string;
  nodes: string;
}
type DayRow = Omit<PeriodRow, 'weekday'>;
interface ExceptionRow {
  date: string;
  kind: 'noClass' | 'extra';
  periods: DayRow[];
  note: string;
}

/** A number as typed, or the text itself so the server names what is wrong with it. */
const num = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);
const dayPeriod = (p: DayRow) => ({ start: p.start, end: p.end, nodes: num(p.nodes) });

function ScheduleEditor({ unitId, unitGroupId, schedule, canPowerOff, onDone }: { unitId: string; unitGroupId: string; schedule: ViewJson['schedule']; canPowerOff: boolean; onDone: () => void }) {
  const t = useT();
  const client = useQueryClient();
  const [form, setForm] = useState(() => ({
    timezone: schedule?.timezone ?? 'Asia/Tokyo',
    startsOn: schedule?.startsOn ?? '',
    endsOn: schedule?.endsOn ?? '',
    periods: (schedule?.periods ?? [{ weekday: 1, start: '09:00', end: '10:30', nodes: 1 }]).map((p): PeriodRow => ({ weekday: String(p.weekday), start: p.start, end: p.end, nodes: String(p.nodes) })),
    exceptions: (schedule?.exceptions ?? []).map(
      (e): ExceptionRow => ({ date: e.date, kind: e.kind, note: e.note ?? '', periods: e.kind === 'extra' ? e.periods.map((p) => ({ start: p.start, end: p.end, nodes: String(p.nodes) })) : [] }),
    ),
    skipHolidays: schedule?.skipHolidays ?? true,
    outsideClass: schedule?.outsideClass ?? (canPowerOff ? 'powerOff' : 'delete'),
    nodesOutsideClass: String(schedule?.nodesOutsideClass ?? 1),
    warmUpMinutes: String(schedule?.warmUpMinutes ?? 15),
    drainMinutes: String(schedule?.drainMinutes ?? 10),
  }));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (patch: Partial<typeof form>) => setForm({ ...form, ...patch });
  const save = useMutation({
    mutationFn: () =>
      api.put(`/api/v1/units/${unitId}/schedule`, {
        timezone: form.timezone,
        startsOn: form.startsOn,
        endsOn: form.endsOn,
        periods: form.periods.map((p) => ({ weekday: num(p.weekday), ...dayPeriod(p) })),
        exceptions: form.exceptions.map((e) => ({ date: e.date, kind: e.kind, ...(e.kind === 'extra' ? { periods: e.periods.map(dayPeriod) } : {}), ...(e.note.trim() ? { note: e.note } : {}) })),
        skipHolidays: form.skipHolidays,
        outsideClass: form.outsideClass,
        nodesOutsideClass: num(form.nodesOutsideClass),
        warmUpMinutes: num(form.warmUpMinutes),
        drainMinutes: num(form.drainMinutes),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: queryKeys.unitGroup(unitGroupId) });
      onDone();
    },
    // Field errors go beside their fields; the message alone only when no field is named.
    onError: (e) => setErrors(e instanceof ApiError ? (Object.keys(e.fields).length ? e.fields : { body: e.message }) : { body: String(e) }),
  });
  const id = (field: string) => `schedule-${unitId}-${field.replaceAll('.', '-')}`;
  const field = (path: string, label: string, input: React.ReactNode) => (
    <div>
      <label className="block text-xs text-slate-600" htmlFor={id(path)}>
        {label}
      </label>
      {input}
      <FieldError id={id(path)} message={errors[path]} />
    </div>
  );
  const text = (path: string, label: string, value: string, onChange: (v: string) => void, type = 'text') =>
    field(path, label, <input id={id(path)} type={type} className={inputClass} value={value} aria-invalid={!!errors[path]} onChange={(e) => onChange(e.target.value)} />);
  const dayRow = (path: string, p: DayRow, change: (patch: Partial<DayRow>) => void) => (
    <>
      {text(`${path}.start`, t('schedule.start'), p.start, (start) => change({ start }), 'time')}
      {text(`${path}.end`, t('schedule.end'), p.end, (end) => change({ end }), 'time')}
      {text(`${path}.nodes`, t('schedule.nodes'), p.nodes, (nodes) => change({ nodes }), 'number')}
    </>
  );
  const setPeriod = (i: number, patch: Partial<PeriodRow>) => set({ periods: form.periods.map((p, j) => (j === i ? { ...p, ...patch } : p)) });
  const setException = (i: number, patch: Partial<ExceptionRow>) => set({ exceptions: form.exceptions.map((e, j) => (j === i ? { ...e, ...patch } : e)) });
  const small = 'rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100';
  return (
    <form
      className="mt-2 space-y-3"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setErrors({});
        save.mutate();
      }}
    >
      <div className="grid gap-2 sm:grid-cols-3">
        {text('timezone', t('schedule.timezone'), form.timezone, (timezone) => set({ timezone }))}
        {text('startsOn', t('schedule.startsOn'), form.startsOn, (startsOn) => set({ startsOn }), 'date')}
        {text('endsOn', t('schedule.endsOn'), form.endsOn, (endsOn) => set({ endsOn }), 'date')}
      </div>
      <fieldset>
        <legend className="text-xs font-semibold text-slate-600">{t('schedule.periods')}</legend>
        <FieldError id={id('periods')} message={errors.periods} />
        {form.periods.map((p, i) => (
          <div key={i} className="grid items-end gap-2 sm:grid-cols-[8rem_1fr_1fr_6rem_auto]" data-testid="schedule-period">
            {field(
              `periods.${i}.weekday`,
              t('schedule.weekday'),
              <select id={id(`periods.${i}.weekday`)} className={inputClass} value={p.weekday} onChange={(e) => setPeriod(i, { weekday: e.target.value })}>
                {WEEKDAYS.map((d) => (
                  <option key={d} value={d}>
                    {t(`schedule.wd.${d}` as MessageKey)}
                  </option>
                ))}
              </select>,
            )}
            {dayRow(`periods.${i}`, p, (patch) => setPeriod(i, patch))}
            <button type="button" className={small} onClick={() => set({ periods: form.periods.filter((_, j) => j !== i) })}>
              {t('schedule.removeRow')}
            </button>
          </div>
        ))}
        <button type="button" className={`${small} mt-2`} onClick={() => set({ periods: [...form.periods, { weekday: '1', start: '09:00', end: '10:30', nodes: '1' }] })}>
          {t('schedule.addPeriod')}
        </button>
      </fieldset>
      <fieldset>
        <legend className="text-xs font-semibold text-slate-600">{t('schedule.exceptions')}</legend>
        {form.exceptions.map((e, i) => (
          <div key={i} className="mt-1 rounded border border-slate-100 p-2" data-testid="schedule-exception">
            <div className="grid items-end gap-2 sm:grid-cols-[10rem_14rem_1fr_auto]">
              {text(`exceptions.${i}.date`, t('schedule.date'), e.date, (date) => setException(i, { date }), 'date')}
              {field(
                `exceptions.${i}.kind`,
                t('schedule.kind'),
                <select
                  id={id(`exceptions.${i}.kind`)}
                  className={inputClass}
                  value={e.kind}
                  onChange={(ev) => setException(i, { kind: ev.target.value as ExceptionRow['kind'], periods: ev.target.value === 'extra' ? [{ start: '09:00', end: '10:30', nodes: '1' }] : [] })}
                >
                  <option value="noClass">{t('schedule.kind.noClass')}</option>
                  <option value="extra">{t('schedule.kind.extra')}</option>
                </select>,
              )}
              {text(`exceptions.${i}.note`, t('schedule.note'), e.note, (note) => setException(i, { note }))}
              <button type="button" className={small} onClick={() => set({ exceptions: form.exceptions.filter((_, j) => j !== i) })}>
                {t('schedule.removeRow')}
              </button>
            </div>
            <FieldError id={id(`exceptions.${i}.periods`)} message={errors[`exceptions.${i}.periods`]} />
            {e.periods.map((p, j) => (
              <div key={j} className="mt-1 grid items-end gap-2 pl-4 sm:grid-cols-[1fr_1fr_6rem]">
                {dayRow(`exceptions.${i}.periods.${j}`, p, (patch) => setException(i, { periods: e.periods.map((q, k) => (k === j ? { ...q, ...patch } : q)) }))}
              </div>
            ))}
          </div>
        ))}
        <button type="button" className={`${small} mt-2`} onClick={() => set({ exceptions: [...form.exceptions, { date: '', kind: 'noClass', periods: [], note: '' }] })}>
          {t('schedule.addException')}
        </button>
      </fieldset>
      <div className="grid items-end gap-2 sm:grid-cols-5">
        <label className="flex items-center gap-2 self-center">
          <input type="checkbox" checked={form.skipHolidays} onChange={(e) => set({ skipHolidays: e.target.checked })} />
          {t('schedule.skipHolidays')}
        </label>
        {field(
          'outsideClass',
          t('schedule.outsideClass'),
          <select id={id('outsideClass')} className={inputClass} value={form.outsideClass} onChange={(e) => set({ outsideClass: e.target.value as 'powerOff' | 'delete' })}>
            {canPowerOff && <option value="powerOff">{t('schedule.outside.powerOff')}</option>}
            <option value="delete">{t('schedule.outside.delete')}</option>
          </select>,
        )}
        {text('nodesOutsideClass', t('schedule.nodesOutsideClass'), form.nodesOutsideClass, (nodesOutsideClass) => set({ nodesOutsideClass }), 'number')}
        {text('warmUpMinutes', t('schedule.warmUpMinutes'), form.warmUpMinutes, (warmUpMinutes) => set({ warmUpMinutes }), 'number')}
        {text('drainMinutes', t('schedule.drainMinutes'), form.drainMinutes, (drainMinutes) => set({ drainMinutes }), 'number')}
      </div>
      <div className="flex items-end gap-2">
        <button type="submit" disabled={save.isPending} className="rounded bg-indigo-600 px-3 py-1 text-white hover:bg-indigo-700 disabled:opacity-50">
          {t('schedule.save')}
        </button>
        <button type="button" onClick={onDone} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100">
          {t('schedule.cancel')}
        </button>
        {errors.body && (
          <span role="alert" className="text-rose-700">
            {errors.body}
          </span>
        )}
      </div>
    </form>
  );
}
