import { handle } from '@/lib/api/handle';
import { templateRoutes } from '@/lib/api/routes/templates';
import { publishSharedTemplate } from '@/lib/catalog/publish-shared-template';
import { listTemplates } from '@/lib/catalog/queries';

export const dynamic = 'force-dynamic';

export const GET = handle(templateRoutes.listTemplates, ({ actor, query, db }) => listTemplates(db, actor, query));

export const POST = handle(templateRoutes.publishTemplate, ({ actor, body, meta, db }) => publishSharedTemplate(db, actor, body, meta), { audit: 'template.publish' });
