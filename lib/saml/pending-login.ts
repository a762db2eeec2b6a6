import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

// Between the AuthnRequest and the IdP's answer the browser carries what we asked for in a
// short-lived, HMAC-signed, HTTP-only cookie: the request id (checked against InResponseTo, so a
// response cannot be injected into someone else's sign-in), the IdP asked, and where to go after.
// A cookie rather than a table keeps the schema as it is; RelayState is not used for the callback
// URL because the IdP echoes it unsigned and SAML caps it at 80 bytes.

export const PENDING_LOGIN_COOKIE = 'ocs_saml_pending';
/** Path of the cookie: only the ACS needs it back. */
export const PENDING_LOGIN_COOKIE_PATH = '/api/auth/saml';
export const PENDING_LOGIN_TTL_S = 10 * 60;

const ZPendingLogin = z.object({
  requestId: z.string().min(1).max(200),
  idpId: z.string().min(1).max(63),
  callbackUrl: z.string().min(1).max(2000),
  /** Expiry, epoch seconds. */
  exp: z.number().int(),
});
export type PendingLogin = Omit<z.infer<typeof ZPendingLogin>, 'exp'>;

function mac(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(`saml-pending.${payload}`).digest();
}

export function sealPendingLogin(login: PendingLogin, secret: string): string {
  const payload = Buffer.from(JSON.stringify({ ...login, exp: Math.floor(Date.now() / 1000) + PENDING_LOGIN_TTL_S })).toString('base64url');
  return `${payload}.${mac(payload, secret).toString('base64url')}`;
}

/** The pending login in the cookie, or null when it is missing, forged or expired. */
export function openPendingLogin(cookie: string | undefined, secret: string): PendingLogin | null {
  const [payload, signature, ...rest] = (cookie ?? '').split('.');
  if (!payload || !signature || rest.length) return null;
  const expected = mac(payload, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = ZPendingLogin.safeParse(json);
  if (!parsed.success || parsed.data.exp < Date.now() / 1000) return null;
  const { requestId, idpId, callbackUrl } = parsed.data;
  return { requestId, idpId, callbackUrl };
}

/**
 * The IdP posts its response from another site, and browsers send SameSite=Lax cookies only on
 * top-level GETs from other sites: over HTTPS the cookie is SameSite=None; Secure. Plain-HTTP
 * development works because the portal and the dev IdP are both on localhost, the same site.
 */
export function pendingLoginCookieOptions(portalUrl: string) {
  const secure = portalUrl.startsWith('https://');
  return { httpOnly: true, secure, sameSite: secure ? ('none' as const) : ('lax' as const), path: PENDING_LOGIN_COOKIE_PATH, maxAge: PENDING_LOGIN_TTL_S };
}

/** A path on this portal to return to; anything else (another site, "//host") becomes /catalog. */
export function safeCallbackUrl(value: string | null | undefined): string {
  return value && value.startsWith('/') && !value.startsWith('//') && !value.startsWith('/\\') ? value : '/catalog';
}
