import { randomBytes } from 'node:crypto';
import type { Database } from '@/lib/db/client';
import { installation } from '@/lib/db/schema';

/** The tag every resource this installation makes carries (lib/db/schema/installation.ts). */
export const INSTALL_TAG = 'ocs.install';

const known = new WeakMap<Database, Promise<string>>();

/** This installation's id, made once (10 lowercase hex characters) the first time it is asked for. */
export function installationId(db: Database): Promise<string> {
  let id = known.get(db);
  if (!id) {
    id = (async () => {
      await db.insert(installation).values({ id: randomBytes(5).toString('hex') }).onConflictDoNothing();
      const [row] = await db.select({ id: installation.id }).from(installation);
      return row!.id;
    })();
    // A failed read is not remembered: the next call asks again.
    id.catch(() => known.delete(db));
    known.set(db, id);
  }
  return id;
}
