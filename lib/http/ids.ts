import { AppError } from '@/lib/errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isId(id: string): boolean {
  return UUID.test(id);
}

/** An id from a URL; anything that cannot be one of ours is simply "not found". */
export function idOrNotFound(id: string, what: string): string {
  if (!UUID.test(id)) throw new AppError('NOT_FOUND', `No such ${what}`);
  return id;
}
