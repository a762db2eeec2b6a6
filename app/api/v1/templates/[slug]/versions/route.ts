import { handle } from '@/lib/api/handle';
import { templateRoutes } from '@/lib/api/routes/templates';
import { saveTemplateVersion } from '@/lib/catalog/save-template-version';

export const dynamic = 'force-dynamic';

export const POST = handle(
  templateRoutes.createTemplateVersion,
  ({ actor, params, body, meta, db }) => saveTemplateVersion(db, actor, { ...body, slug: params.slug }, meta),
  { audit: 'template.edit', auditTargetParam: 'slug' },
);
