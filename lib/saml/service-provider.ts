import { randomBytes } from 'node:crypto';
import { generateServiceProviderMetadata, SAML, SamlStatusError, ValidateInResponseTo, type CacheProvider } from '@node-saml/node-saml';
import { sql } from 'drizzle-orm';
import { Extractor } from 'samlify';
import { loadActor } from '@/lib/auth/actor';
import { recordAudit, type RequestMeta } from '@/lib/audit/record';
import { db as portalDb, type Database } from '@/lib/db/client';
import { samlReplays } from '@/lib/db/schema';
import { readAssertion } from './assertion';
import { requireSamlConfig, type SamlConfig, type SamlIdp } from './config';
import { issueLoginTicket } from './login-ticket';
import type { PendingLogin } from './pending-login';
import { SamlRefusal, type SamlRefusalReason } from './refusal';
import { requireUsableAttributes, upsertSamlUser } from './saml-user';

// The portal as a SAML 2.0 service provider (what a Shibboleth SP does for a GakuNin member):
// signed AuthnRequests over HTTP-Redirect, and responses over HTTP-POST whose assertion must be
// signed by the chosen IdP. @node-saml/node-saml checks signatures, InResponseTo, time windows and
// audience; the Recipient/Destination, issuer, replay and attribute checks are ours.

const CLOCK_SKEW_MS = 60_000;
const TRANSIENT = 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient';

/** node-saml keeps request ids in a cache; ours is the one id the browser's cookie vouches for. */
function expectedRequestCache(requestId: string | null): CacheProvider {
  return {
    saveAsync: async () => null,
    getAsync: async (key) => (key === requestId ? new Date().toISOString() : null),
    removeAsync: async () => null,
  };
}

function client(config: SamlConfig, idp: SamlIdp, options: { requestId?: string; expectedRequestId?: string | null } = {}): SAML {
  return new SAML({
    issuer: config.sp.entityId,
    audience: config.sp.entityId,
    callbackUrl: config.sp.acsUrl,
    entryPoint: idp.ssoUrl,
    idpCert: idp.certificate,
    idpIssuer: idp.entityId,
    privateKey: config.sp.privateKey,
    publicCert: config.sp.certificate,
    signatureAlgorithm: 'sha256',
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    // Shibboleth IdPs sign the assertion and usually not the response around it.
    wantAssertionsSigned: true,
    wantAuthnResponseSigned: false,
    acceptedClockSkewMs: CLOCK_SKEW_MS,
    validateInResponseTo: ValidateInResponseTo.always,
    cacheProvider: expectedRequestCache(options.expectedRequestId ?? null),
    generateUniqueId: () => options.requestId ?? `_${randomBytes(20).toString('hex')}`,
    identifierFormat: TRANSIENT,
    // The IdP decides how to authenticate; asking for a class some IdPs lack would fail sign-in.
    disableRequestedAuthnContext: true,
  });
}

/** The SP metadata to register with the federation (GakuNin) or with each IdP. */
export function spMetadataXml(config: SamlConfig = requireSamlConfig()): string {
  return generateServiceProviderMetadata({
    issuer: config.sp.entityId,
    callbackUrl: config.sp.acsUrl,
    identifierFormat: TRANSIENT,
    wantAssertionsSigned: true,
    // With the signing key given, the metadata says AuthnRequestsSigned="true" and carries the certificate.
    privateKey: config.sp.privateKey,
    publicCerts: config.sp.certificate,
    signatureAlgorithm: 'sha256',
  });
}

export function findIdp(config: SamlConfig, idpId: string): SamlIdp | undefined {
  return config.idps.find((i) => i.id === idpId);
}

/** The IdP URL carrying a signed AuthnRequest, and what to remember until the IdP answers. */
export async function buildLoginRedirect(idpId: string, callbackUrl: string, config: SamlConfig = requireSamlConfig()): Promise<{ url: string; pending: PendingLogin }> {
  const idp = findIdp(config, idpId);
  if (!idp) throw new SamlRefusal('unknownIdp', `no IdP "${idpId}" is configured`);
  const requestId = `_${randomBytes(20).toString('hex')}`;
  const url = await client(config, idp, { requestId }).getAuthorizeUrlAsync('', undefined, {});
  return { url, pending: { requestId, idpId, callbackUrl } };
}

export interface ConsumeInput {
  /** The SAMLResponse form field, base64. */
  samlResponse: string;
  /** From the signed cookie set by the login route; null when it is missing or expired. */
  pending: PendingLogin | null;
  meta: RequestMeta;
}

export interface SignedIn {
  userId: string;
  /** One-time, for the 'saml-ticket' next-auth provider. */
  ticket: string;
  callbackUrl: string;
}

/**
 * Verifies an IdP's response and signs the user in: upserts the user, records the sign-in and
 * issues a login ticket. A response that fails any check throws a SamlRefusal and changes nothing
 * but the audit log ('signIn.saml', denied, details.reason).
 */
export async function consumeResponse(db: Database, input: ConsumeInput, config: SamlConfig = requireSamlConfig()): Promise<SignedIn> {
  const seen: { idp?: string; eppn?: string } = {};
  try {
    const signedIn = await verifyAndSignIn(db, input, config, seen);
    await recordAudit(db, {
      actor: await loadActor(db, signedIn.userId),
      action: 'signIn.saml',
      targetType: 'user',
      targetId: signedIn.userId,
      ipAddress: input.meta.ip,
      outcome: 'success',
      details: { idp: seen.idp, eppn: seen.eppn },
    });
    return signedIn;
  } catch (e) {
    if (!(e instanceof SamlRefusal)) throw e;
    await recordAudit(db, {
      actor: null,
      actorLabel: seen.eppn ?? 'anonymous',
      action: 'signIn.saml',
      ipAddress: input.meta.ip,
      outcome: 'denied',
      details: { reason: e.reason, message: e.message, idp: seen.idp ?? null },
    });
    throw e;
  }
}

/** The ACS route's call: consumeResponse on the portal's database (no withActor there, nobody is signed in yet). */
export function signInWithSamlResponse(input: ConsumeInput, config: SamlConfig = requireSamlConfig()): Promise<SignedIn> {
  return consumeResponse(portalDb(), input, config);
}

async function verifyAndSignIn(db: Database, input: ConsumeInput, config: SamlConfig, seen: { idp?: string; eppn?: string }): Promise<SignedIn> {
  const { pending } = input;
  if (!pending) throw new SamlRefusal('noPendingRequest', 'no pending sign-in cookie (missing, forged or expired)');
  if (!input.samlResponse) throw new SamlRefusal('malformed', 'no SAMLResponse');
  const envelope = readEnvelope(input.samlResponse);
  const idp = config.idps.find((i) => i.entityId === envelope.issuer);
  if (!idp) throw new SamlRefusal('unknownIdp', `issuer ${envelope.issuer ?? '(none)'} is not a configured IdP`);
  seen.idp = idp.id;
  if (idp.id !== pending.idpId) throw new SamlRefusal('unknownIdp', `the response comes from ${idp.id}, the sign-in was sent to ${pending.idpId}`);
  if (envelope.destination && envelope.destination !== config.sp.acsUrl) throw new SamlRefusal('destination', `Destination ${envelope.destination} is not ${config.sp.acsUrl}`);

  let assertionXml: unknown;
  let issuer: string | undefined;
  try {
    const { profile } = await client(config, idp, { expectedRequestId: pending.requestId }).validatePostResponseAsync({ SAMLResponse: input.samlResponse });
    if (!profile?.getAssertion) throw new Error('no assertion');
    assertionXml = profile.getAssertion();
    issuer = profile.issuer;
  } catch (e) {
    throw new SamlRefusal(refusalReasonOf(e), e instanceof Error ? e.message : String(e));
  }
  if (issuer !== idp.entityId) throw new SamlRefusal('unknownIdp', `the assertion's issuer ${issuer} is not ${idp.entityId}`);
  let facts;
  try {
    facts = readAssertion(assertionXml);
  } catch (e) {
    throw new SamlRefusal('malformed', `unreadable assertion: ${e instanceof Error ? e.message : e}`);
  }
  if (!facts.recipients.includes(config.sp.acsUrl)) throw new SamlRefusal('destination', `no bearer confirmation for ${config.sp.acsUrl} (Recipient ${facts.recipients.join(', ') || 'none'})`);
  const { notOnOrAfter } = facts;
  if (!notOnOrAfter) throw new SamlRefusal('expired', 'the assertion has no NotOnOrAfter');
  const attributes = requireUsableAttributes(facts.attributes, idp);
  seen.eppn = attributes.eppn;

  return db.transaction(async (tx) => {
    await tx.delete(samlReplays).where(sql`${samlReplays.expiresAt} < now()`);
    // Kept until the assertion could no longer pass the time checks anyway.
    const inserted = await tx
      .insert(samlReplays)
      .values({ assertionId: `${idp.entityId} ${facts.id}`, expiresAt: new Date(notOnOrAfter.getTime() + CLOCK_SKEW_MS) })
      .onConflictDoNothing()
      .returning({ id: samlReplays.assertionId });
    if (!inserted.length) throw new SamlRefusal('replay', `assertion ${facts.id} was already used`);
    const userId = await upsertSamlUser(tx, attributes, idp);
    return { userId, ticket: await issueLoginTicket(tx, userId), callbackUrl: pending.callbackUrl };
  });
}

/** The issuer and Destination, read before verification only to pick the IdP whose key must have signed it. */
function readEnvelope(samlResponse: string): { issuer?: string; destination?: string } {
  try {
    const xml = Buffer.from(samlResponse, 'base64').toString('utf8');
    const found = Extractor.extract(xml, [
      { key: 'responseIssuer', localPath: ['Response', 'Issuer'], attributes: [] },
      { key: 'assertionIssuer', localPath: ['Response', 'Assertion', 'Issuer'], attributes: [] },
      { key: 'destination', localPath: ['Response'], attributes: ['Destination'] },
    ]);
    const text = (v: unknown) => (typeof v === 'string' && v ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined);
    return { issuer: text(found.responseIssuer) ?? text(found.assertionIssuer), destination: text(found.destination) };
  } catch (e) {
    throw new SamlRefusal('malformed', `not a SAML response: ${e instanceof Error ? e.message : e}`);
  }
}

/** node-saml says what failed only in its messages. */
function refusalReasonOf(e: unknown): SamlRefusalReason {
  if (e instanceof SamlStatusError) return 'idpStatus';
  const message = e instanceof Error ? e.message : String(e);
  if (/InResponseTo/i.test(message)) return 'inResponseTo';
  if (/signature|Cannot obtain assertion|multiple assertions/i.test(message)) return 'signature';
  if (/audience|AudienceRestriction/i.test(message)) return 'audience';
  if (/expired|not yet valid|subject confirmation/i.test(message)) return 'expired';
  if (/issuer/i.test(message)) return 'unknownIdp';
  return 'malformed';
}
