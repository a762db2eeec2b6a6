'use client';
import type { HourlyPrice } from '@/lib/templates/prices';
import type { PlanView as Plan } from '@/lib/builds/views';
import { useLocale, useT } from '../i18n';
import { useSay, type Say } from './say';
import type { ProviderOption } from './types';

// What a build would create, as the server planned it: units, totals, quota after the build,
// hourly cost, steps, outputs, and the problems that keep it from being built.

/** The plan's problems in the reader's language, from the plan's own numbers where it has them. */
function problemLines(plan: Plan, available: string[], say: Say): string[] {
  const derived: Record<Plan['problems'][number]['kind'], string[]> = {
    'missing-programs': plan.units.flatMap((u) =>
      u.numNodes === 0
        ? []
        : u.applications
            .filter((a) => a.requires.some((r) => !r.found))
            .map((a) => say('plan.problem.missingPrograms', { unit: u.name, app: a.name, programs: a.requires.filter((r) => !r.found).map((r) => r.program).join(', ') })),
    ),
    quota: plan.quota
      ? [
          ...(plan.quota.total.exceeds ? [say('plan.problem.quotaTotal', { after: plan.quota.total.after, limit: plan.quota.total.limit ?? '', inUse: plan.quota.total.inUse })] : []),
          ...plan.quota.byProvider.filter((l) => l.exceeds).map((l) => say('plan.problem.quotaProvider', { provider: l.provider, after: l.after, limit: l.limit ?? '', inUse: l.inUse })),
        ]
      : [],
    'provider-unavailable': plan.totals.byProvider.filter((p) => !available.includes(p.provider)).map((p) => say('plan.problem.providerUnavailable', { provider: p.provider })),
    'no-servers': [say('plan.problem.noServers', {})],
    'servers-full': plan.servers ? [say('plan.problem.serversFull', { nodes: plan.totals.byProvider.find((p) => p.provider === 'onpremises')?.nodes ?? 0, free: plan.servers.freeNodes })] : [],
    'no-account': plan.problems.filter((p) => p.kind === 'no-account').map((p) => say('plan.problem.noAccount', { provider: p.provider ?? '' })),
    'needs-containers': plan.units.flatMap((u) => (u.numNodes === 0 ? [] : u.applications.filter((a) => a.needsContainers).map((a) => say('plan.problem.needsContainers', { unit: u.name, app: a.name, image: a.image })))),
  };
  const lines: string[] = [];
  for (const kind of new Set(plan.problems.map((p) => p.kind))) {
    const own = derived[kind] ?? [];
    // Should the server report something these numbers do not show, its own words are kept.
    lines.push(...(own.length ? own : plan.problems.filter((p) => p.kind === kind).map((p) => p.message)));
  }
  return lines;
}

const th = 'whitespace-nowrap border-b border-slate-200 px-1.5 py-1 text-left font-medium text-slate-600';
const td = 'border-b border-slate-100 px-1.5 py-1 align-top';

function Section({ title, children, testId }: { title: string; children: React.ReactNode; testId?: string }) {
  return (
    <section className="mt-5" data-testid={testId}>
      <h3 className="text-sm font-semibold text-slate-800">{title}</h3>
      <div className="mt-1">{children}</div>
    </section>
  );
}

export function PlanPreview({ plan, stale, providers }: { plan: Plan; stale: boolean; providers: ProviderOption[] }) {
  const t = useT();
  const locale = useLocale();
  const say = useSay();
  const money = (usd: number) => new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', { style: 'currency', currency: plan.cost.currency, maximumFractionDigits: 4 }).format(usd);
  const price = (p: HourlyPrice) => (p === 'unknown' ? t('plan.cost.unknown') : money(p));
  const providerLabel = (id: string) => providers.find((p) => p.id === id)?.label[locale] ?? id;
  const problems = problemLines(
    plan,
    providers.map((p) => p.id),
    say,
  );
  const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

  return (
    <section
      aria-labelledby="plan-title"
      data-testid="plan-preview"
      data-can-submit={plan.canSubmit}
      data-stale={stale}
      className={`rounded-lg border bg-white p-5 shadow-sm ${plan.canSubmit ? 'border-slate-200' : 'border-rose-300'}`}
    >
      <h2 id="plan-title" className="text-lg font-semibold">
        {t('plan.title')}
      </h2>
      {stale && <p className="mt-2 rounded bg-amber-50 p-2 text-sm text-amber-900">{t('plan.stale')}</p>}
      <div className={stale ? 'opacity-60' : undefined}>
        <p className="mt-2 text-sm text-slate-600">{say('plan.lead', { template: plan.template.title[locale], version: plan.template.version })}</p>

        {problems.length > 0 ? (
          <div data-testid="plan-problems" className="mt-3 rounded border border-rose-200 bg-rose-50 p-3 text-sm text-rose-800">
            <p className="font-semibold">{t('plan.problems')}</p>
            <ul className="mt-1 list-disc pl-5">
              {problems.map((line, i) => (
                <li key={i}>{line}</li>
              ))}
            </ul>
          </div>
        ) : (
          <p className="mt-3 rounded bg-emerald-50 p-2 text-sm text-emerald-800">{t('plan.ok')}</p>
        )}

        <Section title={t('plan.units')}>
          <div className="overflow-x-auto">
            <table className="w-full text-xs">
              <thead>
                <tr>
                  <th className={th}>{t('plan.unit')}</th>
                  <th className={th}>{t('plan.role')}</th>
                  <th className={th}>{t('plan.provider')}</th>
                  <th className={th}>{t('plan.flavor')}</th>
                  <th className={`${th} text-right`}>{t('plan.nodes')}</th>
                  <th className={th}>{t('plan.image')}</th>
                  <th className={`${th} text-right`}>{t('plan.hourly')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.units.map((u) => (
                  <tr key={u.name} data-testid={`plan-unit-${u.name}`}>
                    <td className={`${td} font-mono`}>{u.name}</td>
                    <td className={`${td} font-mono`}>{u.role}</td>
                    <td className={td} title={providerLabel(u.provider)}>
                      {u.provider}
                      {u.account && (
                        <span className="block text-slate-500" data-testid="plan-unit-account">
                          {t('plan.account')}: {u.account.name}
                        </span>
                      )}
                    </td>
                    <td className={td}>
                      {u.flavor}
                      {u.instanceType && <span className="block text-slate-500">{u.instanceType}</span>}
                    </td>
                    <td className={`${td} text-right tabular-nums`}>{u.numNodes}</td>
                    <td className={`${td} break-all font-mono`}>{u.image}</td>
                    <td className={`${td} whitespace-nowrap text-right tabular-nums ${u.hourly === 'unknown' ? 'text-amber-700' : ''}`}>{price(u.hourly)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="mt-2 text-xs text-slate-600" data-testid="plan-totals">
            <span className="font-semibold">{say('plan.totals', { nodes: plan.totals.nodes })}</span>
            {' · '}
            {t('plan.byProvider')}: {plan.totals.byProvider.map((p) => `${providerLabel(p.provider)} ${p.nodes}`).join(', ')}
            {' · '}
            {t('plan.byFlavor')}: {plan.totals.byFlavor.map((f) => `${f.provider}/${f.flavor} ${f.nodes}`).join(', ')}
          </p>
        </Section>

        {plan.units.some((u) => u.applications.length > 0) && (
          <Section title={t('plan.applications')}>
            <ul className="space-y-1 text-xs">
              {plan.units.flatMap((u) =>
                u.applications.map((a) => (
                  <li key={`${u.name}/${a.name}`} data-testid={`plan-app-${a.name}`}>
                    <span className="font-mono font-semibold">{a.name}</span> <span className="text-slate-500">({say('plan.app.onUnit', { unit: u.name })})</span>{' '}
                    <span className="break-all font-mono">{a.image}</span>
                    {a.ports.length > 0 && <span className="text-slate-600"> · {a.ports.join(', ')}</span>}
                    {a.requires.length > 0 && (
                      <span className="block pl-4">
                        {t('plan.app.requires')}:{' '}
                        {a.requires.map((r) => (
                          <span key={r.program} className={`mr-2 font-mono ${r.found ? 'text-emerald-700' : 'font-semibold text-rose-700'}`} data-found={r.found}>
                            {r.program} ({r.found ? t('plan.app.found') : t('plan.app.missing')})
                          </span>
                        ))}
                      </span>
                    )}
                  </li>
                )),
              )}
            </ul>
          </Section>
        )}

        {plan.quota && (
          <Section title={t('plan.quota')} testId="plan-quota">
            <table className="w-full text-xs">
              <thead>
                <tr>
                  <th className={th}>{t('plan.quota.scope')}</th>
                  <th className={`${th} text-right`}>{t('plan.quota.limit')}</th>
                  <th className={`${th} text-right`}>{t('plan.quota.inUse')}</th>
                  <th className={`${th} text-right`}>{t('plan.quota.adding')}</th>
                  <th className={`${th} text-right`}>{t('plan.quota.after')}</th>
                </tr>
              </thead>
              <tbody>
                {[{ scope: t('plan.quota.total'), key: 'total', ...plan.quota.total }, ...plan.quota.byProvider.map((l) => ({ scope: providerLabel(l.provider), key: l.provider, ...l }))].map((l) => (
                  <tr key={l.key} data-exceeds={l.exceeds} className={l.exceeds ? 'bg-rose-50 font-semibold text-rose-800' : undefined}>
                    <td className={td}>{l.scope}</td>
                    <td className={`${td} text-right tabular-nums`}>{l.limit ?? t('plan.quota.unlimited')}</td>
                    <td className={`${td} text-right tabular-nums`}>{l.inUse}</td>
                    <td className={`${td} text-right tabular-nums`}>+{l.adding}</td>
                    <td className={`${td} text-right tabular-nums`}>
                      {l.after}
                      {l.exceeds && <span className="ml-1 rounded bg-rose-600 px-1 text-white">{t('plan.quota.exceeds')}</span>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
        )}

        <Section title={t('plan.cost')} testId="plan-cost">
          <p className="text-sm">
            <span className={`text-base font-semibold tabular-nums ${plan.cost.hourly === 'unknown' ? 'text-amber-700' : ''}`}>{price(plan.cost.hourly)}</span>
            {plan.cost.hourly === 'unknown' && (
              <>
                <span className="block text-xs text-slate-600">{say('plan.cost.unknownUnits', { units: plan.cost.unknownPriceUnits.join(', ') })}</span>
                <span className="block text-xs text-slate-600">{say('plan.cost.known', { amount: money(plan.cost.hourlyKnown) })}</span>
              </>
            )}
          </p>
          {plan.cost.byProvider.length > 1 && (
            <p className="mt-1 text-xs text-slate-600" data-testid="plan-cost-by-provider">
              {plan.cost.byProvider.map((c) => `${providerLabel(c.provider)} ${price(c.hourly)}`).join(' · ')}
            </p>
          )}
          <p className="mt-1 text-xs text-slate-500">{say('plan.cost.asOf', { date: plan.cost.asOf })}</p>
        </Section>

        <Section title={t('plan.steps')} testId="plan-steps">
          <ol className="list-decimal space-y-0.5 pl-5 text-sm">
            {plan.steps.map((s) => (
              <li key={s.key} data-testid={`plan-step-${s.key}`}>
                {s.title[locale]}
                {s.applications.length > 0 && <span className="text-xs text-slate-500"> — {say('plan.step.starts', { apps: s.applications.join(', ') })}</span>}
              </li>
            ))}
          </ol>
        </Section>

        {plan.outputs.length > 0 && (
          <Section title={t('plan.outputs')} testId="plan-outputs">
            <dl className="space-y-2 text-sm">
              {plan.outputs.map((o) => (
                <div key={o.key} data-testid={`plan-output-${o.key}`}>
                  <dt className="font-medium">
                    {o.label[locale]}
                    {o.shownOnce && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs font-normal text-amber-900">{t('plan.output.shownOnce')}</span>}
                  </dt>
                  {o.preview.map((v, i) => (
                    <dd key={i} className="break-all font-mono text-xs text-slate-600">
                      {v}
                    </dd>
                  ))}
                </div>
              ))}
            </dl>
          </Section>
        )}

        {Object.keys(plan.parameters).length > 0 && (
          <Section title={t('plan.parameters')}>
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 text-xs">
              {Object.entries(plan.parameters).map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="font-mono text-slate-600">{k}</dt>
                  <dd className="break-all font-mono">{show(v)}</dd>
                </div>
              ))}
              {Object.entries(plan.derived).map(([k, v]) => (
                <div key={`derived-${k}`} className="contents">
                  <dt className="font-mono text-slate-600">
                    {k} <span className="font-sans text-slate-400">({t('plan.derived')})</span>
                  </dt>
                  <dd className="break-all font-mono">{show(v)}</dd>
                </div>
              ))}
            </dl>
          </Section>
        )}
      </div>
    </section>
  );
}
