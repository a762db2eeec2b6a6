// How OCI authenticates an API request ("Request Signatures" in OCI's documentation: draft-cavage
// HTTP signatures). The Authorization header `Signature version="1",keyId="<tenancy>/<user>/
// <fingerprint>",algorithm="rsa-sha256",headers="…",signature="…"` signs, in the order `headers`
// lists them, `(request-target)`, `host` and `date` or `x-date`, plus `content-type`,
// `content-length` and `x-content-sha256` on a POST, PUT or PATCH. The body's SHA-256 must be
// x-content-sha256 and the date within 5 minutes of the server's clock. Checked with node:crypto
// against the public key uploaded for the user, found by the key's fingerprint.
import { createHash, generateKeyPairSync, verify, type KeyObject } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** OCI's fingerprint of an API key: the MD5 of its DER public key, as colon-separated hex pairs. */
export function ociFingerprint(publicKey: KeyObject): string {
  return createHash('md5')
    .update(publicKey.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .match(/../g)!
    .join(':');
}

/** An API signing key as OCI's console asks for one: RSA 2048, the private half in PEM. */
export function ociApiKey(): { privateKey: string; publicKey: KeyObject; fingerprint: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey, fingerprint: ociFingerprint(publicKey) };
}

export interface SignedRequest {
  method: string;
  /** The path with its query, as the request line has it. */
  target: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

const BODY_METHODS = ['POST', 'PUT', 'PATCH'];
const BODY_HEADERS = ['content-type', 'content-length', 'x-content-sha256'];
const MAX_SKEW_MS = 5 * 60_000;

/** The keyId of a request signed right with the key `publicKeyOf` knows for it, else why it is refused. */
export function verifyOciSignature(req: SignedRequest, publicKeyOf: (keyId: string) => KeyObject | undefined, now = Date.now()): { keyId: string } | { refused: string } {
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value.join(', ') : value;
  };
  const scheme = /^Signature (.+)$/.exec(header('authorization') ?? '');
  if (!scheme) return { refused: 'no Signature in the Authorization header' };
  const params = Object.fromEntries([...scheme[1]!.matchAll(/(\w+)="([^"]*)"/g)].map(([, k, v]) => [k!, v!]));
  if (params.version !== '1') return { refused: `signature version ${params.version} is not 1` };
  if (params.algorithm !== 'rsa-sha256') return { refused: `algorithm ${params.algorithm} is not rsa-sha256` };
  const key = publicKeyOf(params.keyId ?? '');
  if (!key) return { refused: `no API key ${params.keyId}` };
  // draft-cavage: without a headers parameter only the date is signed.
  const signed = (params.headers ?? 'date').toLowerCase().split(' ');
  const hasBody = BODY_METHODS.includes(req.method);
  const unsigned = ['(request-target)', 'host', ...(hasBody ? BODY_HEADERS : [])].filter((h) => !signed.includes(h));
  if (!signed.includes('date') && !signed.includes('x-date')) unsigned.push('date or x-date');
  if (unsigned.length) return { refused: `headers not signed: ${unsigned.join(', ')}` };
  const date = Date.parse(header(signed.includes('x-date') ? 'x-date' : 'date') ?? '');
  if (!(Math.abs(now - date) <= MAX_SKEW_MS)) return { refused: 'the date is not within 5 minutes of the server clock' };
  if (hasBody) {
    if (header('x-content-sha256') !== createHash('sha256').update(req.body).digest('base64')) return { refused: 'x-content-sha256 is not the SHA-256 of the body' };
    if (Number(header('content-length')) !== req.body.length) return { refused: 'content-length is not the length of the body' };
  }
  const lines: string[] = [];
  for (const h of signed) {
    const value = h === '(request-target)' ? `${req.method.toLowerCase()} ${req.target}` : header(h);
    if (value === undefined) return { refused: `signed header ${h} is missing` };
    lines.push(`${h}: ${value}`);
  }
  const good = verify('sha256', Buffer.from(lines.join('\n')), key, Buffer.from(params.signature ?? '', 'base64'));
  return good ? { keyId: params.keyId! } : { refused: 'the signature does not verify with the API key' };
}
