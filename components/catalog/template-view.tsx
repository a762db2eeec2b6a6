'use client';
import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '@/lib/query-keys';
import Link from 'next/link';
import { api } from '../api';
import { useLocale, useT } from '../i18n';
import { BuildForm } from './build-form';
import { categoryLabel } from './category';
import { CopyTemplate } from './copy-template';
import { OwnBadge } from './own-badge';
import { TemplateLoadError } from './template-load-error';
import { Applications, ParametersTable, ReferenceSection, StepsAndOutputs, Topology, Versions } from './template-reference';
import { TemplateReadme } from './template-readme';
import { templateProviders, type ProviderOption, type TemplateDetail, type TemplateRights } from './types';

export function TemplateView({ slug }: { slug: string }) {
  const t = useT();
  const locale = useLocale();
  const template = useQuery({
    queryKey: ['templates', slug],
    queryFn: () => api.get<{ template: TemplateDetail; rights: TemplateRights }>(`/api/v1/templates/${encodeURIComponent(slug)}`),
  });
  const providers = useQuery({ queryKey: queryKeys.providers(), queryFn: () => api.get<{ providers: ProviderOption[] }>('/api/v1/providers') });

  const back = (
    <Link href="/catalog" className="text-sm text-indigo-700 hover:underline">
      {t('template.back')}
    </Link>
  );
  if (template.error) return <TemplateLoadError slug={slug} error={template.error} back={back} />;
  if (!template.data || (!providers.data && !providers.error)) return <p>{t('common.loading')}</p>;
  const detail = template.data.template;
  const rights = template.data.rights;
  const d = detail.definition;
  // The form offers the providers builds can use; the plan says why any other is not.
  const available = (providers.data?.providers ?? []).filter((p) => p.available);
  const runsOn = templateProviders(d);

  return (
    <div>
      {back}
      <header className="mt-2">
        <p className="text-sm text-slate-500">
          {t('catalog.category')}: {categoryLabel(detail.category, t)} · {t('catalog.version')} {detail.version}
        </p>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-2xl font-bold">{d.title[locale]}</h1>
          {detail.organizationId && <OwnBadge />}
          {rights.edit && (
            <Link href={`/catalog/${encodeURIComponent(detail.slug)}/edit`} className="rounded border border-slate-300 px-3 py-1 text-sm font-semibold text-slate-700 hover:bg-slate-50">
              {t('templateEditor.edit')}
            </Link>
          )}
        </div>
        <p className="mt-2 text-slate-700">{d.summary[locale]}</p>
        <p className="mt-2 flex flex-wrap items-center gap-1 text-xs">
          <span className="text-slate-500">{t('catalog.runsOn')}:</span>
          {runsOn.map((id) => {
            const here = available.some((p) => p.id === id);
            return (
              <span
                key={id}
                title={here ? t('catalog.provider.available') : t('catalog.provider.unavailable')}
                className={`rounded px-1.5 py-0.5 ring-1 ring-inset ${here ? 'bg-emerald-50 text-emerald-800 ring-emerald-300' : 'bg-slate-50 text-slate-500 ring-slate-200'}`}
              >
                {id}
              </span>
            );
          })}
        </p>
      </header>
      <div className="mt-4 grid gap-8 lg:grid-cols-[minmax(0,1fr)_32rem]">
        <div className="min-w-0">
          <ReferenceSection id="readme" title={t('template.readme')}>
            {detail.readme ? <TemplateReadme source={detail.readme} /> : <p className="text-sm text-slate-600">{t('template.noReadme')}</p>}
          </ReferenceSection>
          <ReferenceSection id="parameters" title={t('template.parameters')}>
            <ParametersTable definition={d} />
          </ReferenceSection>
          <ReferenceSection id="units" title={t('catalog.units')}>
            <Topology definition={d} />
          </ReferenceSection>
          <ReferenceSection id="applications" title={t('catalog.applications')}>
            <Applications definition={d} />
            <div className="mt-4">
              <StepsAndOutputs definition={d} />
            </div>
          </ReferenceSection>
          <ReferenceSection id="versions" title={t('template.versions')}>
            <Versions template={detail} />
          </ReferenceSection>
        </div>
        <div className="min-w-0 lg:mt-8">
          <BuildForm templateSlug={detail.slug} templateOrganizationId={detail.organizationId} definition={d} providers={available} />
          {rights.copyTo.length > 0 && (
            <div className="mt-6">
              <CopyTemplate slug={detail.slug} organizations={rights.copyTo} />
            </div>
          )}
        </div>
      </div>
    </div>
  );
}
