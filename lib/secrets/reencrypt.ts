import { and, asc, eq, gt, isNotNull, or, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { builds } from '@/lib/db/schema';
import { currentKeyPrefix, needsReencryption, SecretDecryptError, type SecretKeyRing } from './cipher';
import { keyRing, openBuildSecrets, openSecretOutputs, sealBuildSecrets, sealSecretOutputs, withoutSecretValues } from './build-secrets';

const BATCH = 200;

export interface ReencryptResult {
  /** Builds whose secrets were sealed anew with OCS_SECRET_KEY. */
  resealed: number;
  /** Builds whose secrets no key of the ring opens; left as they are. */
  unreadable: { buildId: string; reason: string }[];
}

/**
 * Seals with OCS_SECRET_KEY every stored secret it does not seal yet: envelopes of a previous key
 * (after a rotation) and rows from before encryption (plain JSON secrets, secret output values in
 * outputs; those already revealed lose their values, as a reveal now destroys them). Once it
 * reports no unreadable builds, the previous keys can be dropped. Safe to run again, and while
 * the portal and workers run.
 */
export async function reencryptSecrets(db: Database): Promise<ReencryptResult> {
  const ring = keyRing();
  const prefix = currentKeyPrefix(ring);
  const stale = or(
    and(isNotNull(builds.secrets), sql`not starts_with(${builds.secrets}, ${prefix})`),
    and(isNotNull(builds.secretOutputs), sql`not starts_with(${builds.secretOutputs}, ${prefix})`),
    sql`jsonb_path_exists(${builds.outputs}, '$[*] ? (@.kind == "secret" && @.values.size() > 0)')`,
  );
  const result: ReencryptResult = { resealed: 0, unreadable: [] };
  // By id, so an unreadable build is reported once rather than selected again forever.
  let after: string | undefined;
  for (;;) {
    const batch = await db
      .select({ id: builds.id })
      .from(builds)
      .where(and(stale, after ? gt(builds.id, after) : undefined))
      .orderBy(asc(builds.id))
      .limit(BATCH);
    for (const { id } of batch) {
      try {
        if (await resealBuild(db, ring, id)) result.resealed++;
      } catch (e) {
        if (!(e instanceof SecretDecryptError)) throw e;
        result.unreadable.push({ buildId: id, reason: e.message });
      }
    }
    if (batch.length < BATCH) return result;
    after = batch.at(-1)!.id;
  }
}

async function resealBuild(db: Database, ring: SecretKeyRing, buildId: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    // Locked, so a reveal cannot destroy the secret outputs between this read and the write.
    const [row] = await tx.select().from(builds).where(eq(builds.id, buildId)).for('update');
    if (!row) return false;
    const update: Partial<typeof builds.$inferInsert> = {};
    if (row.secrets !== null && needsReencryption(ring, row.secrets)) update.secrets = sealBuildSecrets(buildId, openBuildSecrets(buildId, row.secrets, ring), ring);
    const plainOutputs = row.outputs.some((o) => o.kind === 'secret' && o.values.length > 0);
    if (plainOutputs || (row.secretOutputs !== null && needsReencryption(ring, row.secretOutputs))) {
      const values = row.secretsRevealedAt ? {} : openSecretOutputs(buildId, row.secretOutputs, row.outputs, ring);
      update.outputs = withoutSecretValues(row.outputs);
      update.secretOutputs = sealSecretOutputs(buildId, values, ring);
    }
    if (!Object.keys(update).length) return false;
    await tx.update(builds).set(update).where(eq(builds.id, buildId));
    return true;
  });
}
