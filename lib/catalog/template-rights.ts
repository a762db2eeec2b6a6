import { can, type Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';

/** NII staff in the browser manage the shared catalog; a token never acts as staff. */
export function authorizeStaff(actor: Actor): void {
  if (!actor.isStaff || actor.token) throw new AppError('FORBIDDEN', 'Only NII staff publish to the shared catalog');
}

/** Organizations the actor may copy templates into (those it may build in). */
export function copyTargets(actor: Actor): { id: string; name: string }[] {
  return actor.memberships.filter((m) => can(actor, 'build', m.organizationId)).map((m) => ({ id: m.organizationId, name: m.organizationName }));
}

/** Whether the actor may save new versions: its organization's builders, or for a shared template NII staff. */
export function mayEditTemplate(actor: Actor, template: { organizationId: string | null }): boolean {
  return template.organizationId ? can(actor, 'build', template.organizationId) : actor.isStaff && !actor.token;
}
