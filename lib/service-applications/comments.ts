import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import type { Actor } from '@/lib/auth/actor';
import type { Database } from '@/lib/db/client';
import { applicationComments, type ApplicationComment } from '@/lib/db/schema';
import { parseOrThrow } from '@/lib/zod-fields';
import { notifyComment } from './notifications';
import { loadApplication } from './queries';
import { COMMENTABLE_STATES, refuseReadOnlyToken, stateConflict } from './states';
import { ZCommentInput } from './validation';

/** Adds to the thread between applicant and NII staff, and tells the other side by e-mail. */
export async function addComment(db: Database, actor: Actor, id: string, rawInput: unknown, meta: RequestMeta = { ip: null }): Promise<ApplicationComment> {
  const { application, applicantEmail, isApplicant } = await loadApplication(db, actor, id);
  refuseReadOnlyToken(actor);
  const { body } = parseOrThrow(ZCommentInput, rawInput);
  if (!COMMENTABLE_STATES.includes(application.state)) throw stateConflict('comment', application.state, COMMENTABLE_STATES);
  const [comment] = await db.insert(applicationComments).values({ applicationId: id, authorId: actor.userId, body }).returning();
  // Staff who comment on their own application speak as the applicant.
  const mailError = await notifyComment(db, application, applicantEmail, { name: actor.name, isStaff: !isApplicant }, body);
  await recordAudit(db, {
    actor,
    organizationId: application.organizationId,
    action: 'application.comment',
    targetType: 'serviceApplication',
    targetId: id,
    ipAddress: meta.ip,
    outcome: 'success',
    details: { commentId: comment!.id, state: application.state, ...(mailError ? { mailError } : {}) },
  });
  return comment!;
}
