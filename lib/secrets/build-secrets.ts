import type { BuildOutput, BuildSecrets } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { decryptSecret, encryptSecret, isEnvelope, secretKeyRing, type SecretKeyRing } from './cipher';

// How a build's secrets are stored: builds.secrets holds the sealed BuildSecrets, builds.secret_outputs
// the sealed values of its secret outputs (builds.outputs lists those outputs without values).
// Rows written before encryption hold plain JSON in builds.secrets and the values in builds.outputs;
// they are read as they are until reencryptSecrets seals them.

/** OCS_SECRET_KEY and OCS_SECRET_KEY_PREVIOUS as a key ring. */
export function keyRing(): SecretKeyRing {
  const { OCS_SECRET_KEY, OCS_SECRET_KEY_PREVIOUS } = env();
  return secretKeyRing(OCS_SECRET_KEY, OCS_SECRET_KEY_PREVIOUS);
}

export type SecretOutputValues = Record<string, string[]>;

const secretsContext = (buildId: string) => `builds.secrets:${buildId}`;
const outputsContext = (buildId: string) => `builds.secret_outputs:${buildId}`;

// JSON.parse quotes the text it fails on, and this text is a secret.
function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
}

/** Seals a build's secret parameters and generated credentials; null when it has none. */
export function sealBuildSecrets(buildId: string, secrets: BuildSecrets, ring = keyRing()): string | null {
  if (!Object.keys(secrets.parameters).length && !Object.keys(secrets.generated).length) return null;
  return encryptSecret(ring, JSON.stringify(secrets), secretsContext(buildId));
}

/** Opens builds.secrets (plain JSON in rows from before encryption). */
export function openBuildSecrets(buildId: string, stored: string | null, ring = keyRing()): BuildSecrets {
  if (stored === null) return { parameters: {}, generated: {} };
  if (!isEnvelope(stored)) return parseJson<BuildSecrets>(stored, `the stored secrets of build ${buildId}`);
  return parseJson<BuildSecrets>(decryptSecret(ring, stored, secretsContext(buildId)), `the stored secrets of build ${buildId}`);
}

/** The texts a build's secrets consist of: what redactSecrets masks. */
export function secretTexts(secrets: BuildSecrets): string[] {
  return [...Object.values(secrets.generated), ...Object.values(secrets.parameters).filter((v): v is string => typeof v === 'string')];
}

/** `text` with every secret value in it masked: for logs and error columns, which applications' output reaches. */
export function redactSecrets(text: string, secrets: string[]): string {
  // Longest first, so a secret containing another is masked whole.
  return [...secrets].filter(Boolean).sort((a, b) => b.length - a.length).reduce((out, secret) => out.replaceAll(secret, '********'), text);
}

/** The outputs with the values of secret ones left out: what builds.outputs keeps and everyone sees. */
export function withoutSecretValues(outputs: BuildOutput[]): BuildOutput[] {
  return outputs.map((o) => (o.kind === 'secret' ? { ...o, values: [] } : o));
}

/** Seals the values of secret outputs by key; null when there are none. */
export function sealSecretOutputs(buildId: string, values: SecretOutputValues, ring = keyRing()): string | null {
  if (!Object.keys(values).length) return null;
  return encryptSecret(ring, JSON.stringify(values), outputsContext(buildId));
}

/** What a finished build stores: readable outputs, and the secret outputs' values sealed apart. */
export function sealOutputs(buildId: string, outputs: BuildOutput[], ring = keyRing()): { outputs: BuildOutput[]; secretOutputs: string | null } {
  const values = Object.fromEntries(outputs.filter((o) => o.kind === 'secret').map((o) => [o.key, o.values]));
  return { outputs: withoutSecretValues(outputs), secretOutputs: sealSecretOutputs(buildId, values, ring) };
}

/** The values of secret outputs: sealed in secret_outputs, or (rows from before encryption) in outputs. */
export function openSecretOutputs(buildId: string, secretOutputs: string | null, outputs: BuildOutput[], ring = keyRing()): SecretOutputValues {
  if (secretOutputs !== null) return parseJson<SecretOutputValues>(decryptSecret(ring, secretOutputs, outputsContext(buildId)), `the secret outputs of build ${buildId}`);
  return Object.fromEntries(outputs.filter((o) => o.kind === 'secret' && o.values.length).map((o) => [o.key, o.values]));
}
