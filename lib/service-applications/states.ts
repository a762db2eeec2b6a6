import type { Actor } from '@/lib/auth/actor';
import type { ServiceApplicationState } from '@/lib/db/schema';
import { AppError } from '@/lib/errors';

// The state machine: draft → submitted → approved | rejected | changes_requested;
// changes_requested → (edited) → submitted again. Approved and rejected are final.
export const EDITABLE_STATES: readonly ServiceApplicationState[] = ['draft', 'changes_requested'];
export const SUBMITTABLE_STATES = EDITABLE_STATES;
export const DECIDABLE_STATES: readonly ServiceApplicationState[] = ['submitted'];
/** Closed applications take no more comments. */
export const COMMENTABLE_STATES: readonly ServiceApplicationState[] = ['draft', 'submitted', 'changes_requested'];

const WHAT: Record<string, string> = {
  edit: 'edited',
  submit: 'submitted',
  decide: 'decided',
  comment: 'commented on',
};

export function stateConflict(action: keyof typeof WHAT, state: ServiceApplicationState, allowed: readonly ServiceApplicationState[]): AppError {
  return new AppError('CONFLICT', `This application is ${state} and cannot be ${WHAT[action]}; only an application that is ${allowed.join(' or ')} can`, { state });
}

/** NII staff powers are for people in the browser, never for an organization's API token. */
export function actsAsStaff(actor: Actor): boolean {
  return actor.isStaff && !actor.token;
}

export function refuseReadOnlyToken(actor: Actor): void {
  if (actor.token?.role === 'readonly') throw new AppError('FORBIDDEN', 'This API token is read-only');
}
