import { handle } from '@/lib/api/handle';
import { templateRoutes } from '@/lib/api/routes/templates';
import { getTemplateDetail } from '@/lib/catalog/queries';
import { copyTargets, mayEditTemplate } from '@/lib/catalog/template-rights';
import { templateDetailView } from '@/lib/catalog/view-of';

export const dynamic = 'force-dynamic';

export const GET = handle(templateRoutes.getTemplate, async ({ actor, params, db }) => {
  const t = await getTemplateDetail(db, params.slug, actor);
  // What the caller may do with it, so the page offers only that.
  return { template: templateDetailView(t), rights: { edit: mayEditTemplate(actor, t), copyTo: copyTargets(actor) } };
});
