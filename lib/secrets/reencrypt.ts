import { and, asc, eq, gt, isNotNull, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '@/lib/db/client';
import { applications, builds, organizationSshKeys, providerAccounts, webhooks } from '@/lib/db/schema';
import { openApplicationSpec, sealApplicationSpec } from './application-specs';
import { currentKeyPrefix, needsReencryption, SecretDecryptError, type SecretKeyRing } from './cipher';
import { keyRing, openBuildSecrets, openSecretOutputs, sealBuildSecrets, sealSecretOutputs, withoutSecretValues } from './build-secrets';
import { openProviderCredentials, sealProviderCredentials } from './provider-credentials';
import { openSshPrivateKey, sealSshPrivateKey } from './ssh-keys';
import { openWebhookSecret, sealWebhookSecret } from './webhook-secrets';

const BATCH = 200;

export interface ReencryptResult {
  /** Records whose secrets were sealed anew with OCS_SECRET_KEY: builds, organizations' SSH keys, nodes' application specs, provider accounts' credentials, webhooks' signing secrets. */
  resealed: number;
  /** Records no key of the ring opens, left as they are: a build (`buildId`), an organization's SSH key (`organizationId`), an application (`applicationId`) or a provider account (`accountId`). */
  unreadable: { buildId?: string; organizationId?: string; applicationId?: string; accountId?: string; webhookId?: string; reason: string }[];
}

/** What an unreadable record is, for the log: "build <id>" or "the SSH key of organization <id>". */
export function unreadableRecord(u: ReencryptResult['unreadable'][number]): string {
  if (u.buildId) return `build ${u.buildId}`;
  if (u.accountId) return `the credentials of provider account ${u.accountId}`;
  if (u.webhookId) return `the signing secret of webhook ${u.webhookId}`;
  return u.applicationId ? `the desired state of application ${u.applicationId}` : `the SSH key of organization ${u.organizationId}`;
}

/**
 * Seals with OCS_SECRET_KEY every stored secret it does not seal yet: envelopes of a previous key
 * (after a rotation) and rows from before encryption (plain JSON secrets, secret output values in
 * outputs; those already revealed lose their values, as a reveal now destroys them), then the
 * organizations' SSH private keys. Once it reports nothing unreadable, the previous keys can be
 * dropped. Safe to run again, and while the portal and workers run.
 */
export async function reencryptSecrets(db: Database): Promise<ReencryptResult> {
  const ring = keyRing();
  const result: ReencryptResult = { resealed: 0, unreadable: [] };
  await resealBuilds(db, ring, result);
  await resealSshKeys(db, ring, result);
  await resealApplicationSpecs(db, ring, result);
  await resealProviderCredentials(db, ring, result);
  await resealWebhookSecrets(db, ring, result);
  return result;
}

async function resealBuilds(db: Database, ring: SecretKeyRing, result: ReencryptResult): Promise<void> {
  const prefix = currentKeyPrefix(ring);
  const stale = or(
    and(isNotNull(builds.secrets), sql`not starts_with(${builds.secrets}, ${prefix})`),
    and(isNotNull(builds.secretOutputs), sql`not starts_with(${builds.secretOutputs}, ${prefix})`),
    sql`jsonb_path_exists(${builds.outputs}, '$[*] ? (@.kind == "secret" && @.values.size() > 0)')`,
  );
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
    if (batch.length < BATCH) return;
    after = batch.at(-1)!.id;
  }
}

async function resealSshKeys(db: Database, ring: SecretKeyRing, result: ReencryptResult): Promise<void> {
  const stale = sql`not starts_with(${organizationSshKeys.privateKey}, ${currentKeyPrefix(ring)})`;
  let after: string | undefined;
  for (;;) {
    const batch = await db
      .select({ organizationId: organizationSshKeys.organizationId, privateKey: organizationSshKeys.privateKey })
      .from(organizationSshKeys)
      .where(and(stale, after ? gt(organizationSshKeys.organizationId, after) : undefined))
      .orderBy(asc(organizationSshKeys.organizationId))
      .limit(BATCH);
    for (const { organizationId, privateKey } of batch) {
      try {
        const resealed = sealSshPrivateKey(organizationId, openSshPrivateKey(organizationId, privateKey, ring), ring);
        // Only over what was read: two runs at once re-seal (and count) a key once.
        const written = await db
          .update(organizationSshKeys)
          .set({ privateKey: resealed })
          .where(and(eq(organizationSshKeys.organizationId, organizationId), eq(organizationSshKeys.privateKey, privateKey)))
          .returning({ organizationId: organizationSshKeys.organizationId });
        result.resealed += written.length;
      } catch (e) {
        if (!(e instanceof SecretDecryptError)) throw e;
        result.unreadable.push({ organizationId, reason: e.message });
      }
    }
    if (batch.length < BATCH) return;
    after = batch.at(-1)!.organizationId;
  }
}

async function resealApplicationSpecs(db: Database, ring: SecretKeyRing, result: ReencryptResult): Promise<void> {
  const stale = and(isNotNull(applications.spec), sql`not starts_with(${applications.spec}, ${currentKeyPrefix(ring)})`);
  let after: string | undefined;
  for (;;) {
    const batch = await db
      .select({ id: applications.id, nodeId: applications.nodeId, name: applications.name, spec: applications.spec })
      .from(applications)
      .where(and(stale, after ? gt(applications.id, after) : undefined))
      .orderBy(asc(applications.id))
      .limit(BATCH);
    for (const { id, nodeId, name, spec } of batch) {
      try {
        const resealed = sealApplicationSpec(nodeId, openApplicationSpec(nodeId, name, spec!, ring), ring);
        // Only over what was read: a worker that changed the spec meanwhile wins.
        const written = await db.update(applications).set({ spec: resealed }).where(and(eq(applications.id, id), eq(applications.spec, spec!))).returning({ id: applications.id });
        result.resealed += written.length;
      } catch (e) {
        if (!(e instanceof SecretDecryptError)) throw e;
        result.unreadable.push({ applicationId: id, reason: e.message });
      }
    }
    if (batch.length < BATCH) return;
    after = batch.at(-1)!.id;
  }
}

async function resealProviderCredentials(db: Database, ring: SecretKeyRing, result: ReencryptResult): Promise<void> {
  // A removed account's credentials are erased (''): nothing to seal.
  const stale = and(isNull(providerAccounts.removedAt), sql`not starts_with(${providerAccounts.credentials}, ${currentKeyPrefix(ring)})`);
  let after: string | undefined;
  for (;;) {
    const batch = await db
      .select({ id: providerAccounts.id, credentials: providerAccounts.credentials })
      .from(providerAccounts)
      .where(and(stale, after ? gt(providerAccounts.id, after) : undefined))
      .orderBy(asc(providerAccounts.id))
      .limit(BATCH);
    for (const { id, credentials } of batch) {
      try {
        const resealed = sealProviderCredentials(id, openProviderCredentials(id, credentials, ring), ring);
        // Only over what was read: credentials replaced meanwhile win.
        const written = await db
          .update(providerAccounts)
          .set({ credentials: resealed })
          .where(and(eq(providerAccounts.id, id), eq(providerAccounts.credentials, credentials)))
          .returning({ id: providerAccounts.id });
        result.resealed += written.length;
      } catch (e) {
        if (!(e instanceof SecretDecryptError)) throw e;
        result.unreadable.push({ accountId: id, reason: e.message });
      }
    }
    if (batch.length < BATCH) return;
    after = batch.at(-1)!.id;
  }
}

async function resealWebhookSecrets(db: Database, ring: SecretKeyRing, result: ReencryptResult): Promise<void> {
  const stale = sql`not starts_with(${webhooks.secret}, ${currentKeyPrefix(ring)})`;
  let after: string | undefined;
  for (;;) {
    const batch = await db
      .select({ id: webhooks.id, secret: webhooks.secret })
      .from(webhooks)
      .where(and(stale, after ? gt(webhooks.id, after) : undefined))
      .orderBy(asc(webhooks.id))
      .limit(BATCH);
    for (const { id, secret } of batch) {
      try {
        const resealed = sealWebhookSecret(id, openWebhookSecret(id, secret, ring), ring);
        const written = await db.update(webhooks).set({ secret: resealed }).where(and(eq(webhooks.id, id), eq(webhooks.secret, secret))).returning({ id: webhooks.id });
        result.resealed += written.length;
      } catch (e) {
        if (!(e instanceof SecretDecryptError)) throw e;
        result.unreadable.push({ webhookId: id, reason: e.message });
      }
    }
    if (batch.length < BATCH) return;
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
