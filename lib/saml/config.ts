import { readFileSync } from 'node:fs';
import { z } from 'zod';

// SAML 2.0 sign-in as a Shibboleth/GakuNin service provider. The SP's own settings come from the
// environment; the identity providers (a federation has many) from a JSON file, so an operator can
// add an institution without touching code. Without OCS_SAML_IDPS_FILE, SAML sign-in is off.

const ZIdp = z.object({
  /** Slug used in URLs: /signin?idp=<id>, /api/auth/saml/login?idp=<id>. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and "-"'),
  entityId: z.string().min(1),
  name: z.object({ ja: z.string().min(1), en: z.string().min(1) }),
  /** The IdP's SingleSignOnService for the HTTP-Redirect binding. */
  ssoUrl: z.url(),
  /** The IdP's signing certificate (PEM); assertions must be signed with its key. */
  certificate: z.string().min(1),
  /**
   * The IdP's scopes (shibmd:Scope in federation metadata), e.g. ["demo-univ.ac.jp"]. When given,
   * an eduPersonPrincipalName outside them is refused, and an existing user is linked by mail only
   * when the mail's domain is one of them, so one institution cannot sign in as another's users.
   */
  scopes: z.array(z.string().min(1)).optional(),
});
export type SamlIdp = z.infer<typeof ZIdp>;

export interface SamlConfig {
  /** The portal's public URL (NEXTAUTH_URL), without a trailing slash. */
  portalUrl: string;
  sp: { entityId: string; acsUrl: string; privateKey: string; certificate: string };
  idps: SamlIdp[];
  /** Signs the short-lived cookie that remembers the AuthnRequest id (NEXTAUTH_SECRET). */
  cookieSecret: string;
}

export class SamlConfigError extends Error {
  constructor(message: string) {
    super(`SAML sign-in is misconfigured: ${message}`);
    this.name = 'SamlConfigError';
  }
}

function readFile(variable: string): string {
  const file = process.env[variable];
  if (!file) throw new SamlConfigError(`${variable} is not set`);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new SamlConfigError(`${variable} (${file}) cannot be read: ${e instanceof Error ? e.message : e}`);
  }
}

/** The identity providers users can choose from; empty when SAML sign-in is off. */
export function samlIdps(): SamlIdp[] {
  if (!process.env.OCS_SAML_IDPS_FILE) return [];
  let json: unknown;
  try {
    json = JSON.parse(readFile('OCS_SAML_IDPS_FILE'));
  } catch (e) {
    throw e instanceof SamlConfigError ? e : new SamlConfigError(`OCS_SAML_IDPS_FILE is not JSON: ${e instanceof Error ? e.message : e}`);
  }
  const parsed = z.array(ZIdp).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SamlConfigError(`OCS_SAML_IDPS_FILE: ${issue.path.join('.')}: ${issue.message}`);
  }
  const ids = parsed.data.map((i) => i.id);
  const duplicate = ids.find((id, n) => ids.indexOf(id) !== n);
  if (duplicate) throw new SamlConfigError(`OCS_SAML_IDPS_FILE: IdP id "${duplicate}" appears twice`);
  return parsed.data;
}

/** The whole configuration, or null when SAML sign-in is off. Read per call: files are small and may change. */
export function samlConfig(): SamlConfig | null {
  const idps = samlIdps();
  if (!process.env.OCS_SAML_IDPS_FILE) return null;
  const portalUrl = (process.env.NEXTAUTH_URL ?? '').replace(/\/+$/, '');
  if (!portalUrl) throw new SamlConfigError('NEXTAUTH_URL is not set');
  const cookieSecret = process.env.NEXTAUTH_SECRET;
  if (!cookieSecret) throw new SamlConfigError('NEXTAUTH_SECRET is not set');
  return {
    portalUrl,
    sp: {
      entityId: process.env.OCS_SAML_SP_ENTITY_ID || `${portalUrl}/api/auth/saml/metadata`,
      acsUrl: `${portalUrl}/api/auth/saml/acs`,
      privateKey: readFile('OCS_SAML_SP_KEY_FILE'),
      certificate: readFile('OCS_SAML_SP_CERT_FILE'),
    },
    idps,
    cookieSecret,
  };
}

export function requireSamlConfig(): SamlConfig {
  const config = samlConfig();
  if (!config) throw new SamlConfigError('OCS_SAML_IDPS_FILE is not set');
  return config;
}
