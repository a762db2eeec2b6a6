'use client';
// A unit group's metrics as OCS's Grafana board lays them out: node panels on the left,
// application panels on the right, one line per node (or node and application), over a chosen range.
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api } from '@/components/api';
import { useLocale, useT } from '@/components/i18n';
import type { MetricPoint, MetricRange, MetricSeries as MetricSeriesView, UnitGroupMetrics } from '@/lib/metrics/query';
import { queryKeys } from '@/lib/query-keys';
import type { Json } from '../json-types';

/** A series as it arrives: its times are ISO 8601 text. */
type MetricSeries = Json<MetricSeriesView>;

const RANGES: MetricRange[] = ['1h', '6h', '24h', '7d', '30d', '90d'];
const COLOURS = ['#4f46e5', '#0891b2', '#16a34a', '#ca8a04', '#dc2626', '#9333ea', '#db2777', '#475569'];
const SHORT_RANGES: MetricRange[] = ['1h', '6h', '24h'];

type Field = keyof Omit<MetricPoint, 'at'>;
type Format = (value: number) => string;

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
const bytes: Format = (v) => {
  let i = 0;
  while (Math.abs(v) >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${UNITS[i]}`;
};
const perSecond: Format = (v) => `${bytes(v)}/s`;
const cores: Format = (v) => v.toFixed(2);
const percent: Format = (v) => `${Math.round(v * 100)}%`;

interface Line {
  key: string;
  label: string;
  series: MetricSeries;
  field: Field;
}

/** Rows for the chart, one per time, with each line's value under its key. */
function rowsOf(lines: Line[]): Record<string, number | string | null>[] {
  const byTime = new Map<string, Record<string, number | string | null>>();
  for (const line of lines)
    for (const point of line.series.points) {
      const row = byTime.get(point.at) ?? { at: point.at };
      row[line.key] = point[line.field];
      byTime.set(point.at, row);
    }
  return [...byTime.values()].sort((a, b) => String(a.at).localeCompare(String(b.at)));
}

function Chart({ title, lines, format, range, testId }: { title: string; lines: Line[]; format: Format; range: MetricRange; testId: string }) {
  const locale = useLocale();
  const present = lines.filter((l) => l.series.points.some((p) => p[l.field] !== null));
  if (!present.length) return null;
  const time = (iso: string) =>
    new Date(iso).toLocaleString(locale === 'ja' ? 'ja-JP' : 'en-GB', SHORT_RANGES.includes(range) ? { hour: '2-digit', minute: '2-digit' } : { month: 'numeric', day: 'numeric', hour: '2-digit' });
  return (
    <figure className="rounded border border-slate-200 p-2" data-testid={testId}>
      <figcaption className="mb-1 text-xs font-semibold text-slate-600">{title}</figcaption>
      <ResponsiveContainer width="100%" height={170}>
        <LineChart data={rowsOf(present)} margin={{ top: 4, right: 8, bottom: 0, left: 4 }}>
          <CartesianGrid stroke="#e2e8f0" strokeDasharray="3 3" />
          <XAxis dataKey="at" tickFormatter={time} tick={{ fontSize: 10 }} minTickGap={24} />
          <YAxis tickFormatter={format} tick={{ fontSize: 10 }} width={64} />
          <Tooltip labelFormatter={(v) => time(String(v))} formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />
          <Legend wrapperStyle={{ fontSize: 11 }} />
          {present.map((l, i) => (
            <Line key={l.key} dataKey={l.key} name={l.label} stroke={COLOURS[i % COLOURS.length]} dot={false} isAnimationActive={false} connectNulls />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function MetricsPanel({ unitGroupId }: { unitGroupId: string }) {
  const t = useT();
  const [range, setRange] = useState<MetricRange>('1h');
  const { data } = useQuery({
    queryKey: [...queryKeys.unitGroup(unitGroupId), 'metrics', range],
    queryFn: () => api.get<Json<UnitGroupMetrics>>(`/api/v1/unit-groups/${unitGroupId}/metrics?range=${range}`),
    refetchInterval: 30_000,
  });
  const lines = (series: MetricSeries[], field: Field, suffix = '') =>
    series.map((s) => ({ key: `${s.nodeId}/${s.application ?? ''}/${field}`, label: `${s.node}${s.application ? ` ${s.application}` : ''}${suffix}`, series: s, field }));
  const nodes = data?.nodes ?? [];
  const apps = data?.applications ?? [];
  const network = (series: MetricSeries[]) => [...lines(series, 'networkReceiveBytesPerSecond', ` ${t('metrics.receive')}`), ...lines(series, 'networkTransmitBytesPerSecond', ` ${t('metrics.transmit')}`)];
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-3 shadow-sm" data-testid="metrics">
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h2 className="font-semibold">{t('metrics.title')}</h2>
        <div className="ml-auto flex gap-1" role="group" aria-label={t('metrics.range')}>
          {RANGES.map((r) => (
            <button key={r} type="button" aria-pressed={r === range} onClick={() => setRange(r)} className={`rounded px-2 py-0.5 text-xs ${r === range ? 'bg-indigo-600 text-white' : 'border border-slate-300 hover:bg-slate-100'}`}>
              {r}
            </button>
          ))}
        </div>
      </div>
      {data && !nodes.length && !apps.length ? (
        <p className="text-sm text-slate-500">{t('metrics.empty')}</p>
      ) : (
        <div className="grid gap-3 md:grid-cols-2">
          <div className="space-y-3">
            <h3 className="text-sm font-semibold text-slate-700">{t('metrics.nodes')}</h3>
            <Chart title={t('metrics.cpu')} lines={lines(nodes, 'cpuCores')} format={cores} range={range} testId="metrics-node-cpu" />
            <Chart title={t('metrics.memory')} lines={lines(nodes, 'memoryBytes')} format={bytes} range={range} testId="metrics-node-memory" />
            <Chart title={t('metrics.disk')} lines={lines(nodes, 'diskUsedBytes')} format={bytes} range={range} testId="metrics-node-disk" />
            <Chart title={t('metrics.network')} lines={network(nodes)} format={perSecond} range={range} testId="metrics-node-network" />
            <Chart title={t('metrics.gpu')} lines={lines(nodes, 'gpuUtilization')} format={percent} range={range} testId="metrics-node-gpu" />
          </div>
          <div className="space-y-3">
            <h3 className="text-sm font-semibold text-slate-700">{t('metrics.applications')}</h3>
            <Chart title={t('metrics.cpu')} lines={lines(apps, 'cpuCores')} format={cores} range={range} testId="metrics-app-cpu" />
            <Chart title={t('metrics.memory')} lines={lines(apps, 'memoryBytes')} format={bytes} range={range} testId="metrics-app-memory" />
            <Chart title={t('metrics.network')} lines={network(apps)} format={perSecond} range={range} testId="metrics-app-network" />
          </div>
        </div>
      )}
      <p className="mt-2 text-xs text-slate-500">{t('metrics.prometheus')}</p>
    </section>
  );
}
