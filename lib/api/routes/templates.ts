// The template catalog (list, read, YAML source, publish, copy, new versions) and the providers
// builds may name.
import { z } from 'zod';
import { defineRoute } from '@/lib/api/contract';
import { ZNextCursor, ZPageQuery } from '@/lib/api/pagination';
import { ZCopyTemplateInput } from '@/lib/catalog/copy-template';
import { ZTemplateYaml } from '@/lib/catalog/save-template-version';
import { ZSavedTemplateVersion, ZTemplateDetail, ZTemplateRights, ZTemplateSource, ZTemplateSummary } from '@/lib/catalog/views';
import { ZProviderView } from '@/lib/providers/views';

const TAG = 'Templates';

/** A template is named by its slug; anything that is no slug names nothing (a 404). */
export const ZSlugParams = z.object({
  slug: z
    .string()
    .regex(/^[a-z][a-z0-9-]{0,30}$/)
    .describe('The template\'s slug: the shared one, or the caller\'s organization\'s own of that name.'),
});

const ZYamlErrors = 'A 400 lists the problems of the YAML in details.errors, each with its line, column, path and message.';

export const templateRoutes = {
  listTemplates: defineRoute({
    method: 'GET',
    path: '/api/v1/templates',
    operationId: 'listTemplates',
    tag: TAG,
    summary: 'The catalog: shared templates and the caller\'s organizations\' own, newest first',
    summaryJa: 'カタログ: 共有テンプレートと自分の組織のテンプレート (新しい順)',
    description: 'Each template once, with its newest version.',
    access: 'signedIn',
    query: ZPageQuery,
    status: 200,
    output: z.object({ templates: z.array(ZTemplateSummary), nextCursor: ZNextCursor }),
  }),
  publishTemplate: defineRoute({
    method: 'POST',
    path: '/api/v1/templates',
    operationId: 'publishTemplate',
    tag: TAG,
    summary: 'A new template in the shared catalog, from its YAML',
    summaryJa: 'YAML から共有カタログに新しいテンプレートを公開する',
    description: `Its slug may be used by no template yet. ${ZYamlErrors}`,
    access: 'staff',
    body: ZTemplateYaml,
    status: 201,
    output: ZSavedTemplateVersion,
  }),
  getTemplate: defineRoute({
    method: 'GET',
    path: '/api/v1/templates/{slug}',
    operationId: 'getTemplate',
    tag: TAG,
    summary: 'A template\'s newest version (its definition and README) and every version',
    summaryJa: 'テンプレートの最新版 (定義と README) と全バージョン',
    description: 'With `rights`: what the caller may do with it.',
    access: 'signedIn',
    params: ZSlugParams,
    status: 200,
    output: z.object({ template: ZTemplateDetail, rights: ZTemplateRights }),
  }),
  getTemplateSource: defineRoute({
    method: 'GET',
    path: '/api/v1/templates/{slug}/source',
    operationId: 'getTemplateSource',
    tag: TAG,
    summary: 'The newest version as YAML text, for the editor',
    summaryJa: '最新版の YAML テキスト (エディタ用)',
    access: 'signedIn',
    params: ZSlugParams,
    status: 200,
    output: ZTemplateSource,
  }),
  copyTemplate: defineRoute({
    method: 'POST',
    path: '/api/v1/templates/{slug}/copy',
    operationId: 'copyTemplate',
    tag: TAG,
    summary: 'An organization\'s own copy of a template, under a new slug',
    summaryJa: 'テンプレートを組織のものとして新しいスラッグでコピーする',
    description: 'The copy starts at version 0.1.0 and still runs the original\'s local programs. A member of several organizations names the one with organizationId.',
    access: { permission: 'build' },
    params: ZSlugParams,
    body: ZCopyTemplateInput.omit({ slug: true }),
    status: 201,
    output: z.object({ slug: z.string().describe('The copy\'s slug.') }),
  }),
  createTemplateVersion: defineRoute({
    method: 'POST',
    path: '/api/v1/templates/{slug}/versions',
    operationId: 'createTemplateVersion',
    tag: TAG,
    summary: 'A new version of a template from its edited YAML',
    summaryJa: '編集した YAML からテンプレートの新しいバージョンを作る',
    description:
      `The YAML keeps the template's slug and carries a version greater than the newest. An organization's own template: its builders; a shared one: NII staff. ${ZYamlErrors}`,
    access: { permission: 'build' },
    params: ZSlugParams,
    body: ZTemplateYaml.extend({ organizationId: z.uuid('must be an organization id').optional().describe('Whose template of that slug, for a member of several organizations.') }),
    status: 201,
    output: ZSavedTemplateVersion,
  }),
  listProviders: defineRoute({
    method: 'GET',
    path: '/api/v1/providers',
    operationId: 'listProviders',
    tag: 'Providers',
    summary: 'Every provider with its flavors (as get_spec / df_flavors), and whether builds can use it yet',
    summaryJa: '全プロバイダとそのフレーバー (get_spec / df_flavors)、ビルドに使えるか',
    access: 'signedIn',
    query: ZPageQuery,
    status: 200,
    output: z.object({ providers: z.array(ZProviderView), nextCursor: ZNextCursor }),
  }),
};
