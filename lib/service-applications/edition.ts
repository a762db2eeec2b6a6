import { AppError } from '@/lib/errors';

/**
 * Which OCS this install is. `service`: NII runs the control plane and every organization must
 * apply and be approved by NII staff. `portable`: an institution runs the portal itself, and the
 * first user of the institution creates its organization directly.
 */
export type Edition = 'service' | 'portable';

/** OCS_EDITION, read on every call (so a test may switch it); anything but "portable" is the service edition. */
export function edition(): Edition {
  return process.env.OCS_EDITION?.trim().toLowerCase() === 'portable' ? 'portable' : 'service';
}

/** Refuses an action that exists only in the other edition. */
export function requireEdition(wanted: Edition): void {
  if (edition() === wanted) return;
  if (wanted === 'portable') throw new AppError('NOT_FOUND', 'Creating an organization directly is only available in the portable edition; apply for the service instead');
  throw new AppError('CONFLICT', 'This portal runs the portable edition: no application is needed, create your organization directly');
}
