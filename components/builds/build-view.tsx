'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef, useState } from 'react';
import type { BuildDetailView, BuildLogView } from '@/lib/builds/views';
import type { MessageKey } from '@/lib/i18n/messages';
import { inLanguage } from '@/lib/providers/explained';
import { queryKeys } from '@/lib/query-keys';
import { ApiError, api } from '../api';
import type { Json } from '../json-types';
import { useLocale, useT } from '../i18n';
import { StateBadge } from '../state-badge';
import { BuildActions } from './build-actions';
import { formatDuration, formatTime, useNow } from '../time';

type BuildJson = Json<BuildDetailView>;

const TERMINAL = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export function BuildView({ buildId }: { buildId: string }) {
  const t = useT();
  const locale = useLocale();
  const now = useNow();
  // Log lines arrive incrementally: each poll asks only for lines after the last one seen.
  const [logs, setLogs] = useState<Json<BuildLogView>[]>([]);
  const lastLogId = useRef(0);
  const { data, error } = useQuery({
    queryKey: queryKeys.build(buildId),
    queryFn: () => api.get<{ build: BuildJson }>(`/api/v1/builds/${buildId}?afterLogId=${lastLogId.current}`),
    refetchInterval: (q) => (q.state.data && TERMINAL.includes(q.state.data.build.status) ? false : 1000),
    // A secret output comes once; refetching on focus would replace it with nothing.
    refetchOnWindowFocus: false,
  });
  useEffect(() => {
    const fresh = data?.build.logs.filter((l) => l.id > lastLogId.current) ?? [];
    if (fresh.length) {
      lastLogId.current = fresh[fresh.length - 1]!.id;
      setLogs((prev) => [...prev, ...fresh]);
    }
  }, [data]);

  if (error instanceof ApiError && error.status === 404) return <p>{t('common.notFound')}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  const b = data.build;
  const duration = (start: string | null, end: string | null) => (start ? formatDuration((end ? Date.parse(end) : now) - Date.parse(start)) : '');

  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">
          {t(`build.kind.${b.kind}` as MessageKey)}: {b.templateTitle[locale]} <span className="text-base text-slate-500" title={b.templateVersionId} data-template-version-id={b.templateVersionId}>
            {b.templateSlug} v{b.templateVersion}
          </span>
        </h1>
        <StateBadge state={b.status} />
        <span className="text-sm text-slate-500">{duration(b.startedAt, b.finishedAt)}</span>
        {b.unitGroupId && (
          <Link href={`/unit-groups/${b.unitGroupId}`} className="ml-auto rounded bg-indigo-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-indigo-700">
            {t('build.openUnitGroup')}: {b.unitGroupName}
          </Link>
        )}
      </div>
      <p className="text-sm text-slate-600">
        {b.createdByEmail} · {formatTime(b.createdAt, locale)}
      </p>
      <BuildActions buildId={b.id} status={b.status} kind={b.kind} />
      {b.error && (
        <p role="alert" className="whitespace-pre-line rounded bg-rose-50 p-3 text-sm text-rose-800">
          {t('build.error')}: {inLanguage(b.error, locale)}
        </p>
      )}
      <section>
        <h2 className="font-semibold">{t('build.steps')}</h2>
        <ol className="mt-2 divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {b.steps.map((s) => (
            <li key={s.id} className="p-3" data-testid={`step-${s.key}`}>
              <details>
                <summary className="flex cursor-pointer items-center gap-3">
                  <StateBadge state={s.status} />
                  <span>{s.title?.[locale] ?? t(`step.${s.key}` as MessageKey)}</span>
                  <span className="ml-auto text-sm text-slate-500">{duration(s.startedAt, s.finishedAt)}</span>
                </summary>
                {s.error && <p className="mt-2 whitespace-pre-line text-sm text-rose-700">{inLanguage(s.error, locale)}</p>}
                <pre className="mt-2 overflow-auto text-xs text-slate-600">
                  {logs
                    .filter((l) => l.stepKey === s.key)
                    .map((l) => inLanguage(l.message, locale))
                    .join('\n')}
                </pre>
              </details>
            </li>
          ))}
        </ol>
      </section>
      {b.outputs.length > 0 && (
        <section>
          <h2 className="font-semibold">{t('build.outputs')}</h2>
          <ul className="mt-2 space-y-1 text-sm">
            {b.outputs.map((o) => (
              <li key={o.key} data-testid={`output-${o.key}`}>
                <span className="font-medium">{o.label[locale]}</span>
                {o.kind === 'secret' && <span className="ml-2 text-xs text-amber-700">{o.values.length ? t('build.secretOnce') : t('build.secretShown')}</span>}
                <ul className="ml-4">
                  {o.values.map((v) =>
                    o.kind === 'url' ? (
                      <li key={v}>
                        <a href={v} target="_blank" rel="noreferrer" className="font-mono text-indigo-700 hover:underline">
                          {v}
                        </a>
                      </li>
                    ) : (
                      <li key={v} className="font-mono">
                        {v}
                      </li>
                    ),
                  )}
                </ul>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h2 className="font-semibold">{t('build.logs')}</h2>
        <pre className="mt-2 max-h-96 overflow-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100" data-testid="build-log">
          {logs.map((l) => (
            <div key={l.id} className={l.level === 'error' ? 'text-rose-300' : l.level === 'warn' ? 'text-amber-300' : ''}>
              {new Date(l.createdAt!).toLocaleTimeString(locale === 'ja' ? 'ja-JP' : 'en-GB')} {l.stepKey ? `[${l.stepKey}] ` : ''}
              {inLanguage(l.message, locale)}
            </div>
          ))}
        </pre>
      </section>
    </div>
  );
}
