import { handle } from '@/lib/api/handle';
import { applicationRoutes } from '@/lib/api/routes/applications';
import { addComment } from '@/lib/service-applications/comments';
import { getComment } from '@/lib/service-applications/queries';

export const dynamic = 'force-dynamic';

export const POST = handle(
  applicationRoutes.commentOnServiceApplication,
  async ({ actor, params, body, meta, db }) => {
    const comment = await addComment(db, actor, params.id, body, meta);
    return { comment: await getComment(db, comment.id) };
  },
  { audit: 'application.comment' },
);
