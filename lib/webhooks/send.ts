// One HTTP attempt at a delivery: a signed JSON POST that must be answered 2xx within 10 s.
// node:http rather than fetch: it never follows redirects, and its lookup can be guarded (url.ts),
// so the address checked is the address connected to.
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { safeErrorMessage } from '@/lib/errors';
import { signatureHeader } from './signature';
import { guardedLookup, refusedAddress, webhookUrlProblem } from './url';

export const SEND_TIMEOUT_MS = 10_000;
/** How much of the receiver's answer is kept. */
export const RESPONSE_BODY_BYTES = 2048;
export const USER_AGENT = 'ocs-portal-webhooks';

export interface SendRequest {
  url: string;
  secret: string;
  event: string;
  deliveryId: string;
  body: string;
  /** Unix seconds, signed with the body. */
  timestamp: number;
}

/** What came back: `ok` for a 2xx; else the status (when there was one) and why it failed. */
export interface SendResult {
  ok: boolean;
  status: number | null;
  body: string | null;
  error: string | null;
}

export function deliveryHeaders(r: SendRequest): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    'X-OCS-Event': r.event,
    'X-OCS-Delivery': r.deliveryId,
    'X-OCS-Timestamp': String(r.timestamp),
    'X-OCS-Signature': signatureHeader(r.secret, r.timestamp, r.body),
  };
}

export async function sendDelivery(r: SendRequest): Promise<SendResult> {
  // A URL stored under another policy (or an address literal) is judged again now.
  const problem = webhookUrlProblem(r.url);
  if (problem) return { ok: false, status: null, body: null, error: `the URL ${problem}` };
  const url = new URL(r.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const refused = isIP(host) ? refusedAddress(host) : null;
  if (refused) return { ok: false, status: null, body: null, error: `refused: ${refused}` };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let settled = false;
    let answered: number | null = null;
    const finish = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(result);
    };
    const req = client.request(url, { method: 'POST', headers: { ...deliveryHeaders(r), 'Content-Length': String(Buffer.byteLength(r.body)) }, lookup: guardedLookup, agent: false }, (res) => {
      const status = res.statusCode ?? 0;
      answered = status;
      const chunks: Buffer[] = [];
      let kept = 0;
      const done = () => {
        const body = Buffer.concat(chunks).subarray(0, RESPONSE_BODY_BYTES).toString('utf8');
        const ok = status >= 200 && status < 300;
        const redirect = status >= 300 && status < 400 ? ` (redirects are not followed${res.headers.location ? `: Location ${res.headers.location}` : ''})` : '';
        finish({ ok, status, body, error: ok ? null : `the receiver answered ${status}${redirect}` });
      };
      res.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        kept += chunk.length;
        // The rest of a long answer is not needed: the status says how it went.
        if (kept >= RESPONSE_BODY_BYTES) done();
      });
      res.on('end', done);
      res.on('error', done);
    });
    const timer = setTimeout(() => finish({ ok: false, status: answered, body: null, error: answered === null ? `no answer within ${SEND_TIMEOUT_MS / 1000} s` : `the answer did not end within ${SEND_TIMEOUT_MS / 1000} s` }), SEND_TIMEOUT_MS);
    req.on('error', (e) => finish({ ok: false, status: null, body: null, error: safeErrorMessage(e) }));
    req.end(r.body);
  });
}
