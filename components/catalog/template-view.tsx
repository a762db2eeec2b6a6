'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { parseMarkdown, renderBlocks } from '@/lib/catalog/markdown';
import { api } from '../api';
import { useLocale, useT } from '../i18n';
import { BuildForm } from './build-form';
import { categoryLabel } from './category';
import { CopyTemplate } from './copy-template';
import { OwnBadge } from './own-badge';
import { TemplateLoadError } from './template-load-error';
import { Applications, ParametersTable, ReferenceSection, StepsAndOutputs, Topology, Versions } from './template-reference';
import { templateProviders, type ProviderOption, type TemplateDetail, type TemplateRights } from './types';

// README elements styled here, so the renderer stays plain: the README's ## sit under our h2.
const README_STYLE =
  'text-sm leading-relaxed text-slate-800 [&_h3]:mt-5 [&_h3]:text-base [&_h3]:font-semibold [&_h4]:mt-4 [&_h4]:font-semibold [&_h5]:mt-3 [&_h5]:font-semibold [&_p]:mt-2 ' +
  '[&_ul]:mt-2 [&_ul]:list-disc [&_ul]:pl-6 [&_ol]:mt-2 [&_ol]:list-decimal [&_ol]:pl-6 [&_li]:mt-0.5 [&_li>ul]:mt-0.5 ' +
  '[&_code]:rounded [&_code]:bg-slate-100 [&_code]:px-1 [&_code]:text-[0.85em] [&_pre]:mt-2 [&_pre]:overflow-x-auto [&_pre]:rounded [&_pre]:bg-slate-900 [&_pre]:p-3 [&_pre]:text-slate-100 [&_pre_code]:bg-transparent [&_pre_code]:p-0 ' +
  '[&_table]:mt-2 [&_table]:text-xs [&_th]:border-b [&_th]:border-slate-300 [&_th]:px-2 [&_th]:py-1 [&_th]:text-left [&_td]:border-b [&_td]:border-slate-100 [&_td]:px-2 [&_td]:py-1 ' +
  '[&_blockquote]:mt-2 [&_blockquote]:border-l-4 [&_blockquote]:border-slate-300 [&_blockquote]:pl-3 [&_blockquote]:text-slate-600 [&_a]:text-indigo-700 [&_a]:underline [&_hr]:my-4';

function Readme({ source }: { source: string }) {
  const blocks = parseMarkdown(source);
  // The page shows the title already; a README's opening "# title" would repeat it.
  const body = blocks[0]?.type === 'heading' && blocks[0].level === 1 ? blocks.slice(1) : blocks;
  return <div className={README_STYLE}>{renderBlocks(body, { headingOffset: 1 })}</div>;
}

export function TemplateView({ slug }: { slug: string }) {
  const t = useT();
  const locale = useLocale();
  const template = useQuery({
    queryKey: ['templates', slug],
    queryFn: () => api.get<{ template: TemplateDetail; rights: TemplateRights }>(`/api/v1/templates/${encodeURIComponent(slug)}`),
  });
  const providers = useQuery({ queryKey: ['providers'], queryFn: () => api.get<{ providers: ProviderOption[] }>('/api/v1/providers') });

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
  const available = providers.data?.providers ?? [];
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
            {detail.readme ? <Readme source={detail.readme} /> : <p className="text-sm text-slate-600">{t('template.noReadme')}</p>}
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
          <BuildForm templateSlug={detail.slug} definition={d} providers={available} />
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
