import { handle } from '@/lib/api/handle';
import { templateRoutes } from '@/lib/api/routes/templates';
import { getTemplateSource } from '@/lib/catalog/template-source';

export const dynamic = 'force-dynamic';

export const GET = handle(templateRoutes.getTemplateSource, ({ actor, params, db }) => getTemplateSource(db, actor, params.slug));
