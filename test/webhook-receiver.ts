// A webhook receiver for tests: a real HTTP server on 127.0.0.1 that records what it gets, and the
// documented signature check written out independently of the portal's code (with node:crypto).
import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** A receiver answering its n-th request (1-based) with `status(n)` (a 302 points elsewhere), and a long body. */
export async function startReceiver(status: (n: number) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body });
      const answer = status(received.length);
      res.writeHead(answer, { 'content-type': 'text/plain', ...(answer === 302 ? { location: `${url}/elsewhere` } : {}) });
      res.end(`answer ${received.length}: ${answer} ${'x'.repeat(3000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/ocs`;
  return { url, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** The documented scheme: X-OCS-Signature is v1=<hex HMAC-SHA256(secret, "<X-OCS-Timestamp>.<body>")>. */
export function signatureMatches(secret: string, r: Received): boolean {
  const expected = Buffer.from(`v1=${createHmac('sha256', secret).update(`${r.headers['x-ocs-timestamp']}.${r.body}`).digest('hex')}`);
  const given = Buffer.from(String(r.headers['x-ocs-signature']));
  return given.length === expected.length && timingSafeEqual(given, expected);
}
