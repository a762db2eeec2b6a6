import { handle } from '@/lib/api/handle';
import { templateRoutes } from '@/lib/api/routes/templates';
import { copyTemplate } from '@/lib/catalog/copy-template';

export const dynamic = 'force-dynamic';

export const POST = handle(
  templateRoutes.copyTemplate,
  async ({ actor, params, body, meta, db }) => {
    const { slug } = await copyTemplate(db, actor, { ...body, slug: params.slug }, meta);
    return { slug };
  },
  { audit: 'template.copy', auditTargetParam: 'slug' },
);
