'use client';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useRef, useState } from 'react';
import type { TemplateDefinition } from '@/lib/templates/format';
import type { OrganizationView } from '@/lib/organizations/views';
import { queryKeys } from '@/lib/query-keys';
import type { PlanView as Plan } from '@/lib/builds/views';
import { ApiError, api } from '../api';
import { endOfDay } from '../expiry/dates';
import { useLocale, useT } from '../i18n';
import { FieldError, inputClass, ParameterField } from './parameter-field';
import { initialValues, parameterProblems, parameterValues, type FormValue } from './parameter-input';
import { PlanPreview } from './plan-preview';
import { RolePlacement } from './role-placement';
import { SelectField } from './select-field';
import { useSay } from './say';
import { templateProviders, type AccountOption, type ProviderOption } from './types';

// The build form, rendered from the template's JSON Schema. 構築を開始 posts straight to
// /api/v1/builds (the server plans again and creates what the plan shows); プランを確認 shows that
// plan first, and a plan with problems keeps the build from starting until the input changes.

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

type Errors = Record<string, string>;
type FormAlert = { title: string; lines: string[] };

/** templateOrganizationId: an organization's own template is built in that organization only. */
export function BuildForm({ templateSlug, templateOrganizationId, definition, providers }: { templateSlug: string; templateOrganizationId: string | null; definition: TemplateDefinition; providers: ProviderOption[] }) {
  const t = useT();
  const locale = useLocale();
  const router = useRouter();
  const say = useSay();

  const runsOn = templateProviders(definition);
  const usable = providers.filter((p) => runsOn.includes(p.id));
  const roles = [...new Set(definition.units.map((u) => u.role))];
  const schema = definition.parameters;

  const [unitGroupName, setUnitGroupName] = useState('');
  const [endDay, setEndDay] = useState('');
  const [provider, setProvider] = useState(usable[0]?.id ?? '');
  const [flavor, setFlavor] = useState('');
  const [flavorByRole, setFlavorByRole] = useState<Record<string, string>>({});
  const [providerByRole, setProviderByRole] = useState<Record<string, string>>({});
  const [accountByRole, setAccountByRole] = useState<Record<string, string>>({});
  // The build is the chosen organization's: its accounts are the ones a role may choose from.
  const organizations = useQuery({ queryKey: ['organizations'], queryFn: () => api.get<{ organizations: OrganizationView[] }>('/api/v1/organizations?limit=200') });
  const buildable = (organizations.data?.organizations ?? []).filter((o) => o.permissions.includes('build')).sort((x, y) => x.institutionName.localeCompare(y.institutionName) || x.name.localeCompare(y.name));
  const [chosenOrganization, setOrganizationId] = useState('');
  const organizationId = templateOrganizationId ?? (chosenOrganization || buildable[0]?.id || '');
  const accounts = useQuery({
    queryKey: queryKeys.providerAccounts(organizationId),
    queryFn: () => api.get<{ accounts: AccountOption[] }>(`/api/v1/organizations/${organizationId}/provider-accounts?limit=200`),
    enabled: organizationId !== '',
  });
  const [params, setParams] = useState<Record<string, FormValue>>(() => initialValues(schema));
  const [errors, setErrors] = useState<Errors>({});
  const [alert, setAlert] = useState<FormAlert | null>(null);
  const [advancedOpen, setAdvancedOpen] = useState(false);
  const [planned, setPlanned] = useState<{ plan: Plan; key: string } | null>(null);
  const planRef = useRef<HTMLDivElement>(null);

  const chosen = usable.find((p) => p.id === provider);
  const body = {
    templateSlug,
    provider,
    ...(flavor ? { flavor } : {}),
    ...(Object.keys(flavorByRole).length ? { flavorByRole } : {}),
    ...(Object.keys(providerByRole).length ? { providerByRole } : {}),
    ...(Object.keys(accountByRole).length ? { accountByRole } : {}),
    ...(organizationId ? { organizationId } : {}),
    parameters: parameterValues(schema, params),
    ...(unitGroupName.trim() ? { unitGroupName: unitGroupName.trim() } : {}),
    ...(endDay ? { expiresAt: endOfDay(endDay) } : {}),
  };
  const bodyKey = JSON.stringify(body);
  const planIsCurrent = planned !== null && planned.key === bodyKey;
  const blockedByPlan = planIsCurrent && !planned.plan.canSubmit;

  // A server field error shows under its field when the form has one, else in the form's alert.
  const fieldKeys = new Set(['unitGroupName', 'expiresAt', 'organizationId', 'provider', 'flavor', ...Object.keys(schema.properties).map((n) => `parameters.${n}`), ...roles.flatMap((r) => [`flavorByRole.${r}`, `providerByRole.${r}`, `accountByRole.${r}`])]);

  function onApiError(e: unknown) {
    if (!(e instanceof ApiError)) {
      setErrors({});
      setAlert({ title: t('buildForm.failed'), lines: [String(e)] });
      return;
    }
    const found: Errors = {};
    const lines: string[] = [];
    for (const [key, message] of Object.entries(e.fields)) {
      if (fieldKeys.has(key)) found[key] = message;
      else lines.push(message);
    }
    const quota = e.code === 'QUOTA_EXCEEDED' || (e.status === 409 && 'nodes' in e.fields);
    if (e.code !== 'INVALID_INPUT' && !lines.includes(e.message)) lines.unshift(e.message);
    if (Object.keys(found).some((k) => /^(flavor|provider|account)ByRole\./.test(k))) setAdvancedOpen(true);
    setErrors(found);
    setAlert({ title: e.code === 'INVALID_INPUT' ? t('form.error') : quota ? t('buildForm.quotaExceeded') : t('buildForm.failed'), lines });
  }

  const preview = useMutation({
    mutationFn: (request: typeof body) => api.post<{ plan: Plan }>('/api/v1/builds/plan', request),
    onSuccess: ({ plan }, request) => {
      setPlanned({ plan, key: JSON.stringify(request) });
      requestAnimationFrame(() => planRef.current?.scrollIntoView({ behavior: 'smooth', block: 'start' }));
    },
    onError: onApiError,
  });
  const submit = useMutation({
    mutationFn: (request: typeof body) => api.post<{ buildId: string; unitGroupId: string }>('/api/v1/builds', request),
    onSuccess: ({ buildId }) => router.push(`/builds/${buildId}`),
    onError: onApiError,
  });

  // The server's rules, so most mistakes are caught before a round trip. A preview needs no name.
  function validate(forSubmit: boolean): Errors {
    const found: Errors = {};
    const name = unitGroupName.trim();
    if (!name) {
      if (forSubmit) found.unitGroupName = t('form.required');
    } else if (!NAME.test(name)) found.unitGroupName = t('form.nameFormat');
    else if (name.length > 63) found.unitGroupName = say('param.maxLength', { max: 63 });
    for (const [n, problem] of Object.entries(parameterProblems(schema, params, locale))) found[`parameters.${n}`] = problem;
    return found;
  }

  function run(forSubmit: boolean) {
    const found = validate(forSubmit);
    setErrors(found);
    if (Object.keys(found).length) {
      setAlert({ title: t('form.error'), lines: [] });
      return;
    }
    setAlert(null);
    (forSubmit ? submit : preview).mutate(body);
  }

  function chooseProvider(id: string) {
    setProvider(id);
    const flavors = usable.find((p) => p.id === id)?.flavors.map((f) => f.name) ?? [];
    if (!flavors.includes(flavor)) setFlavor('');
    // A role placed on a provider of its own keeps its flavor.
    setFlavorByRole((prev) => Object.fromEntries(Object.entries(prev).filter(([role, f]) => providerByRole[role] || flavors.includes(f))));
  }

  // What "the template's default" means here: one flavor if every unit agrees on this provider.
  const defaults = [...new Set(definition.units.map((u) => u.providers[provider]?.flavor ?? u.flavor))];
  const defaultLabel = defaults.length === 1 ? say('buildForm.flavorDefault', { flavor: defaults[0]! }) : t('buildForm.flavorDefaultMixed');
  const error = (key: string) => errors[key];
  const pending = preview.isPending || submit.isPending;

  return (
    <div className="space-y-6">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run(true);
        }}
        noValidate
        className="h-fit rounded-lg border border-slate-200 bg-white p-5 shadow-sm"
        aria-label={t('form.title')}
      >
        <h2 className="text-lg font-semibold">{t('form.title')}</h2>
        {alert && (
          <div role="alert" className="mt-3 rounded bg-rose-50 p-2 text-sm text-rose-800">
            <p>{alert.title}</p>
            {alert.lines.length > 0 && (
              <ul className="mt-1 list-disc pl-5">
                {alert.lines.map((line, i) => (
                  <li key={i}>{line}</li>
                ))}
              </ul>
            )}
          </div>
        )}
        {usable.length === 0 && (
          <div className="mt-3 rounded bg-amber-50 p-2 text-sm text-amber-900" data-testid="no-provider">
            <p>{t('buildForm.unavailable')}</p>
            <p className="mt-1">{say('buildForm.unavailable.runsOn', { providers: runsOn.join(', ') })}</p>
          </div>
        )}

        <label className="mt-4 block text-sm font-medium" htmlFor="unitGroupName">
          {t('form.unitGroupName')}
          <span aria-hidden="true" className="ml-0.5 text-rose-600">
            *
          </span>
        </label>
        <input
          id="unitGroupName"
          className={inputClass}
          value={unitGroupName}
          onChange={(e) => setUnitGroupName(e.target.value)}
          aria-invalid={!!error('unitGroupName')}
          aria-required
          aria-describedby="unitGroupName-help"
          autoComplete="off"
        />
        <p id="unitGroupName-help" className="mt-1 text-xs text-slate-500">
          {t('form.unitGroupName.help')}
        </p>
        <FieldError id="unitGroupName" message={error('unitGroupName')} />

        <label className="mt-4 block text-sm font-medium" htmlFor="expiresAt">
          {t('buildForm.expiresAt')}
        </label>
        <input id="expiresAt" type="date" className={inputClass} value={endDay} onChange={(e) => setEndDay(e.target.value)} aria-invalid={!!error('expiresAt')} aria-describedby="expiresAt-help" />
        <p id="expiresAt-help" className="mt-1 text-xs text-slate-500">
          {t('buildForm.expiresAt.help')}
        </p>
        <FieldError id="expiresAt" message={error('expiresAt')} />

        {!templateOrganizationId && buildable.length > 1 && (
          <div className="mt-4">
            <SelectField
              id="organizationId"
              label={t('buildForm.organization')}
              value={organizationId}
              options={buildable.map((o) => ({ value: o.id, label: o.name }))}
              error={error('organizationId')}
              // Accounts are the organization's own: another organization starts from its defaults.
              onChange={(id) => {
                setOrganizationId(id);
                setAccountByRole({});
              }}
            />
          </div>
        )}

        <label className="mt-4 block text-sm font-medium" htmlFor="provider">
          {t('form.provider')}
        </label>
        <select id="provider" className={inputClass} value={provider} onChange={(e) => chooseProvider(e.target.value)} disabled={usable.length === 0} aria-invalid={!!error('provider')}>
          {usable.map((p) => (
            <option key={p.id} value={p.id}>
              {p.label[locale]}
            </option>
          ))}
        </select>
        <FieldError id="provider" message={error('provider')} />

        <label className="mt-4 block text-sm font-medium" htmlFor="flavor">
          {t('form.flavor')}
        </label>
        <select id="flavor" className={inputClass} value={flavor} onChange={(e) => setFlavor(e.target.value)} disabled={!chosen} aria-invalid={!!error('flavor')}>
          <option value="">{defaultLabel}</option>
          {chosen?.flavors.map((f) => (
            <option key={f.name} value={f.name}>
              {f.name} — {f.label[locale]}
            </option>
          ))}
        </select>
        <FieldError id="flavor" message={error('flavor')} />

        <details className="mt-4 rounded border border-slate-200 px-3 py-2" open={advancedOpen} onToggle={(e) => setAdvancedOpen(e.currentTarget.open)}>
          <summary className="cursor-pointer text-sm font-medium">{t('buildForm.advanced')}</summary>
          <p className="mt-1 text-xs text-slate-500">{t('buildForm.advanced.lead')}</p>
          <RolePlacement
            roles={roles}
            providers={usable}
            buildProvider={provider}
            providerByRole={providerByRole}
            flavorByRole={flavorByRole}
            accountByRole={accountByRole}
            accounts={accounts.data?.accounts ?? []}
            onChange={(next) => {
              setProviderByRole(next.providerByRole);
              setFlavorByRole(next.flavorByRole);
              setAccountByRole(next.accountByRole);
            }}
            error={error}
          />
        </details>

        {Object.keys(schema.properties).length > 0 && (
          <fieldset className="mt-6 border-t border-slate-200 pt-2" data-testid="parameter-fields">
            <legend className="pr-2 text-sm font-semibold text-slate-700">{t('buildForm.parameters')}</legend>
            {Object.entries(schema.properties).map(([name, p]) => (
              <ParameterField
                key={name}
                name={name}
                schema={p}
                required={schema.required.includes(name)}
                value={params[name] ?? ''}
                error={error(`parameters.${name}`)}
                onChange={(v) => setParams((prev) => ({ ...prev, [name]: v }))}
              />
            ))}
          </fieldset>
        )}

        <div className="mt-6 flex flex-col gap-2">
          <button
            type="button"
            onClick={() => run(false)}
            disabled={pending || usable.length === 0}
            className="w-full rounded border border-indigo-600 px-4 py-2 font-semibold text-indigo-700 hover:bg-indigo-50 disabled:opacity-50"
          >
            {preview.isPending ? t('buildForm.previewing') : t('buildForm.preview')}
          </button>
          <button
            type="submit"
            disabled={pending || usable.length === 0 || blockedByPlan}
            aria-describedby={blockedByPlan ? 'submit-blocked' : undefined}
            className="w-full rounded bg-indigo-600 px-4 py-2 font-semibold text-white hover:bg-indigo-700 disabled:opacity-50"
          >
            {submit.isPending ? t('form.submitting') : t('form.submit')}
          </button>
          {blockedByPlan ? (
            <p id="submit-blocked" className="text-xs text-rose-700">
              {t('buildForm.cannotSubmit')}
            </p>
          ) : (
            <p className="text-xs text-slate-500">{t('buildForm.previewHelp')}</p>
          )}
        </div>
      </form>
      {planned && (
        <div ref={planRef} className="scroll-mt-4">
          <PlanPreview plan={planned.plan} stale={!planIsCurrent} providers={providers} />
        </div>
      )}
    </div>
  );
}
